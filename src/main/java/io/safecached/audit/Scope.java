package io.safecached.audit;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Locale;

/**
 * Who can reach an address: only this machine, a private network, or anyone. Severity of a finding follows
 * the scope of the address it was found on (see docs/audit.md, "Severity and scope").
 */
public enum Scope {
  /** 127.0.0.0/8, ::1: only processes on this machine. */
  LOOPBACK,
  /** RFC 1918, CGNAT 100.64/10, link-local, IPv6 ULA fc00::/7 and link-local fe80::/10. */
  PRIVATE,
  /** Anything else: assumed reachable from the internet. */
  PUBLIC,
  /** A local listener bound to every interface (0.0.0.0 or ::); judged like PUBLIC. */
  ALL_INTERFACES;

  /** The lower-case label used in reports. */
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** True for scopes an outsider may reach. */
  public boolean beyondThisHost() {
    return this != LOOPBACK;
  }

  /** True for the scopes judged as internet-facing. */
  public boolean internetFacing() {
    return this == PUBLIC || this == ALL_INTERFACES;
  }

  /** The scope of one address. */
  public static Scope of(InetAddress a) {
    if (a.isAnyLocalAddress()) {
      return ALL_INTERFACES;
    }
    if (a.isLoopbackAddress()) {
      return LOOPBACK;
    }
    byte[] b = a.getAddress();
    if (a instanceof Inet6Address && isMappedV4(b)) {
      byte[] v4 = {b[12], b[13], b[14], b[15]};
      try {
        return of(InetAddress.getByAddress(v4));
      } catch (java.net.UnknownHostException impossible) {
        throw new IllegalStateException(impossible);
      }
    }
    if (a.isSiteLocalAddress() || a.isLinkLocalAddress()) {
      return PRIVATE;
    }
    if (a instanceof Inet4Address) {
      int o0 = b[0] & 0xff;
      int o1 = b[1] & 0xff;
      if (o0 == 100 && o1 >= 64 && o1 <= 127) {
        return PRIVATE;
      }
      return PUBLIC;
    }
    if ((b[0] & 0xfe) == 0xfc) {
      return PRIVATE;
    }
    return PUBLIC;
  }

  private static boolean isMappedV4(byte[] b) {
    if (b.length != 16) {
      return false;
    }
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
  }

  /** Parses a label ({@code loopback}, {@code private}, {@code public}, {@code all-interfaces}). */
  public static Scope parse(String s) {
    String n = s.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    for (Scope v : values()) {
      if (v.name().equals(n)) {
        return v;
      }
    }
    throw new IllegalArgumentException("unknown scope '" + s + "' (loopback, private, public)");
  }
}
