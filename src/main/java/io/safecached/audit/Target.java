package io.safecached.audit;

import io.safecached.config.Addresses;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * One thing to probe: a host (name or literal), its address once known, a port, which protocols to try, and
 * for {@code --local} the listener it came from (then {@code address} is where the probe connects and
 * {@code local.bindAddress()} decides the scope).
 *
 * @param host     what the user wrote, or the address text
 * @param address  the resolved address; null until resolved
 * @param port     TCP and UDP port
 * @param tcp      probe TCP
 * @param udp      probe UDP
 * @param local    the local listener this target stands for, or null for a remote target
 */
public record Target(String host, InetAddress address, int port, boolean tcp, boolean udp, LocalListener local) {

  /** A remote target probed over TCP and UDP. */
  public static Target remote(String host, InetAddress address, int port) {
    return new Target(host, address, port, true, true, null);
  }

  /** The same target with its address resolved. */
  public Target withAddress(InetAddress a) {
    return new Target(host, a, port, tcp, udp, local);
  }

  /** The same target probing only the protocols given. */
  public Target withProtocols(boolean tcp, boolean udp) {
    return new Target(host, address, port, tcp, udp, local);
  }

  /** The IP text of the address (or the host when unresolved). */
  public String ip() {
    return address == null ? host : Addresses.text(address);
  }

  /** {@code host:port}, with IPv6 literals bracketed. */
  public String display() {
    String h = host;
    if (h.indexOf(':') >= 0 || (address instanceof Inet6Address && h.equals(ip()))) {
      h = "[" + h + "]";
    }
    return h + ":" + port;
  }
}
