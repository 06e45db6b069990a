package io.safecached.audit.target;

import java.util.regex.Pattern;

/**
 * Strict address and host-name syntax for targets, with no DNS and none of the C library's lenient forms.
 *
 * <p>IPv4 is four dot-separated decimal numbers 0-255 without leading zeros ({@code 192.0.2.7}); the spellings
 * {@code inet_aton()} and {@link java.net.InetAddress#getByName} also accept ({@code 1699123456}, {@code 127.1},
 * {@code 0x7f.1}, {@code 0177.0.0.1}) are refused: they name addresses nobody wrote down. IPv6 is RFC 4291 text
 * (eight groups of 1-4 hex digits, at most one {@code ::}, an optional dotted-quad tail) without a zone id.
 * A host name is letters, digits, {@code -} and {@code _} in dot-separated labels whose last label starts with a
 * letter, so no all-numeric or hex "name" ever reaches the resolver.
 */
final class IpLiteral {
  private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?");

  private IpLiteral() {}

  /** The 4 or 16 bytes of an IPv4 or IPv6 literal, or null when {@code s} is not one. */
  static byte[] parse(String s) {
    return s.indexOf(':') >= 0 ? v6(s) : v4(s);
  }

  /** True when {@code s} holds only ASCII digits and dots: it can only be meant as an IPv4 address. */
  static boolean looksLikeV4(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '.' && (c < '0' || c > '9')) {
        return false;
      }
    }
    return true;
  }

  /** The 4 bytes of a dotted-quad IPv4 address, or null. */
  static byte[] v4(String s) {
    byte[] out = new byte[4];
    int part = 0;
    int i = 0;
    int n = s.length();
    while (part < 4) {
      int start = i;
      int v = 0;
      while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9' && i - start < 3) {
        v = v * 10 + (s.charAt(i) - '0');
        i++;
      }
      int digits = i - start;
      if (digits == 0 || v > 255 || (digits > 1 && s.charAt(start) == '0')) {
        return null;
      }
      out[part++] = (byte) v;
      if (part < 4) {
        if (i >= n || s.charAt(i) != '.') {
          return null;
        }
        i++;
      }
    }
    return i == n ? out : null;
  }

  /** The 16 bytes of an IPv6 address in RFC 4291 text form, or null. */
  static byte[] v6(String s) {
    int gap = s.indexOf("::");
    if (gap >= 0 && s.indexOf("::", gap + 1) >= 0) {
      return null;
    }
    byte[] out = new byte[16];
    if (gap < 0) {
      return groups(s, out, 16, true) == 16 ? out : null;
    }
    byte[] head = new byte[16];
    byte[] tail = new byte[16];
    String left = s.substring(0, gap);
    String right = s.substring(gap + 2);
    int h = left.isEmpty() ? 0 : groups(left, head, 14, false);
    int t = right.isEmpty() ? 0 : groups(right, tail, 14, true);
    if (h < 0 || t < 0 || h + t > 14) {
      return null;
    }
    System.arraycopy(head, 0, out, 0, h);
    System.arraycopy(tail, 0, out, 16 - t, t);
    return out;
  }

  /** Parses colon-separated groups (the last may be a dotted quad when {@code v4Tail}); returns bytes or -1. */
  private static int groups(String s, byte[] out, int max, boolean v4Tail) {
    String[] g = s.split(":", -1);
    int pos = 0;
    for (int k = 0; k < g.length; k++) {
      String x = g[k];
      if (v4Tail && k == g.length - 1 && x.indexOf('.') >= 0) {
        byte[] v4 = v4(x);
        if (v4 == null || pos + 4 > max) {
          return -1;
        }
        System.arraycopy(v4, 0, out, pos, 4);
        pos += 4;
        continue;
      }
      if (x.isEmpty() || x.length() > 4 || pos + 2 > max) {
        return -1;
      }
      int v = 0;
      for (int i = 0; i < x.length(); i++) {
        int d = Character.digit(x.charAt(i), 16);
        if (d < 0 || x.charAt(i) > 'f') {
          return -1;
        }
        v = v * 16 + d;
      }
      out[pos++] = (byte) (v >> 8);
      out[pos++] = (byte) v;
    }
    return pos;
  }

  /**
   * True for a host name the resolver may look up: dot-separated labels of letters, digits, {@code -} and
   * {@code _} (at most 253 characters, one trailing dot allowed), the last label starting with a letter.
   */
  static boolean hostname(String s) {
    String h = s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    if (h.isEmpty() || h.length() > 253) {
      return false;
    }
    String[] labels = h.split("\\.", -1);
    for (String l : labels) {
      if (!LABEL.matcher(l).matches()) {
        return false;
      }
    }
    char first = labels[labels.length - 1].charAt(0);
    return (first >= 'a' && first <= 'z') || (first >= 'A' && first <= 'Z');
  }

  /** A port 1-65535 written in plain ASCII decimal without a sign or leading zeros, or -1. */
  static int port(String s) {
    if (s.isEmpty() || s.length() > 5 || s.charAt(0) == '0') {
      return -1;
    }
    int v = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v <= 65535 ? v : -1;
  }
}
