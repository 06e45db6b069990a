package io.safecached.audit;

import java.util.Map;

/**
 * What the framed UDP {@code stats} probe saw, after putting the datagrams back together by sequence number.
 *
 * @param connect        OPEN when answered, CLOSED on ICMP port unreachable, NO_ANSWER on silence
 * @param requestBytes   UDP payload bytes sent (8-byte frame + {@code stats\r\n} = 15)
 * @param responseBytes  UDP payload bytes received, frame headers included
 * @param datagrams      datagrams received that belong to the reply
 * @param expected       datagrams the frame header announced (0 when none arrived)
 * @param complete       every announced datagram arrived
 * @param stats          the STAT lines of the reassembled reply
 * @param ipv6           the target is IPv6 (for the on-wire ratio: 48 header bytes instead of 28)
 */
public record UdpReply(Connect connect, int requestBytes, long responseBytes, int datagrams, int expected,
                       boolean complete, Map<String, String> stats, boolean ipv6) {
  public UdpReply {
    stats = Map.copyOf(stats);
  }

  /** No reply. */
  public static UdpReply silent(Connect c, int requestBytes, boolean ipv6) {
    return new UdpReply(c, requestBytes, 0, 0, 0, false, Map.of(), ipv6);
  }

  /** Reply payload bytes over request payload bytes (the amplification CERT reports quote); 0 when none. */
  public double amplification() {
    return requestBytes == 0 ? 0 : (double) responseBytes / requestBytes;
  }

  /** The same ratio counting IP and UDP headers per datagram. */
  public double onWireAmplification() {
    int header = ipv6 ? 48 : 28;
    return datagrams == 0 ? 0 : (double) (responseBytes + (long) header * datagrams) / (requestBytes + header);
  }
}
