package io.safecached.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;

/**
 * An IPv4 or IPv6 address block such as {@code 127.0.0.1/32} or {@code ::1/128}; a bare address is a block of one.
 * IPv4-mapped IPv6 addresses ({@code ::ffff:127.0.0.1}) match the IPv4 block they map to.
 */
public record Cidr(byte[] network, int prefixLength) {

  public Cidr {
    network = network.clone();
    if (network.length != 4 && network.length != 16) {
      throw new ConfigException("an address block needs a 4- or 16-byte address");
    }
    if (prefixLength < 0 || prefixLength > network.length * 8) {
      throw new ConfigException("prefix length " + prefixLength + " is out of range");
    }
    for (int bit = prefixLength; bit < network.length * 8; bit++) {
      network[bit / 8] &= (byte) ~(0x80 >>> (bit % 8)); // keep only the network part
    }
  }

  /**
   * Parses {@code address[/prefix]}; the address must be an IP literal (no name lookups). Throws
   * {@link ConfigException} naming the bad text.
   */
  public static Cidr parse(String text) {
    String s = text.trim();
    int slash = s.indexOf('/');
    String host = slash < 0 ? s : s.substring(0, slash);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    if (host.isEmpty() || !(host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || Character.isDigit(c)))) {
      throw new ConfigException("'" + text + "' is not an IP address block (for example 10.0.0.0/8 or ::1/128)");
    }
    byte[] addr;
    try {
      addr = InetAddress.getByName(host).getAddress(); // literal only: checked above, so no lookup happens
    } catch (UnknownHostException e) {
      throw new ConfigException("'" + text + "' is not an IP address block (for example 10.0.0.0/8 or ::1/128)");
    }
    int prefix = addr.length * 8;
    if (slash >= 0) {
      try {
        prefix = Integer.parseInt(s.substring(slash + 1));
      } catch (NumberFormatException e) {
        throw new ConfigException("'" + text + "' has a bad prefix length");
      }
      if (prefix < 0 || prefix > addr.length * 8) {
        throw new ConfigException("'" + text + "' has a prefix length outside 0.." + addr.length * 8);
      }
    }
    return new Cidr(addr, prefix);
  }

  /** True when {@code address} is in one of {@code blocks}. */
  public static boolean anyContains(List<Cidr> blocks, InetAddress address) {
    return blocks.stream().anyMatch(c -> c.contains(address));
  }

  /** True when {@code address} lies in this block. */
  public boolean contains(InetAddress address) {
    byte[] a = address.getAddress();
    if (a.length == 16 && network.length == 4 && isV4Mapped(a)) {
      a = Arrays.copyOfRange(a, 12, 16);
    }
    if (a.length != network.length) {
      return false;
    }
    int full = prefixLength / 8;
    for (int i = 0; i < full; i++) {
      if (a[i] != network[i]) {
        return false;
      }
    }
    int rest = prefixLength % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (a[full] & mask) == (network[full] & mask);
  }

  private static boolean isV4Mapped(byte[] a) {
    for (int i = 0; i < 10; i++) {
      if (a[i] != 0) {
        return false;
      }
    }
    return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
  }

  @Override
  public byte[] network() {
    return network.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Cidr c && c.prefixLength == prefixLength && Arrays.equals(c.network, network);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(network) * 31 + prefixLength;
  }

  /** The block as people write it: {@code 10.0.0.0/8}, {@code ::1/128} (IPv6 in RFC 5952's short form). */
  @Override
  public String toString() {
    try {
      return Addresses.text(InetAddress.getByAddress(network)) + "/" + prefixLength;
    } catch (UnknownHostException e) {
      throw new IllegalStateException("a 4- or 16-byte address is always valid", e);
    }
  }
}
