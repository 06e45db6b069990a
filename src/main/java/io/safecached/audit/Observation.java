package io.safecached.audit;

/**
 * Everything the probes saw for one target; members are null when that probe did not run.
 *
 * @param text   ASCII probe over plain TCP
 * @param binary binary-protocol probe
 * @param tls    TLS probe (only when plain TCP got no memcached reply)
 * @param read   read probe (only when plain TCP answered neither {@code stats} nor an authentication refusal)
 * @param udp    framed UDP stats probe
 * @param write  {@code --write-check} result
 * @param error  a local error that stopped probing (e.g. name resolution), or null
 */
public record Observation(TextReply text, BinaryReply binary, TlsReply tls, ReadReply read, UdpReply udp,
                          WriteCheck write, String error) {
  /** An observation without a read probe. */
  public Observation(TextReply text, BinaryReply binary, TlsReply tls, UdpReply udp, WriteCheck write,
                     String error) {
    this(text, binary, tls, null, udp, write, error);
  }

  /** An observation holding only a local error. */
  public static Observation error(String message) {
    return new Observation(null, null, null, null, null, null, message);
  }
}
