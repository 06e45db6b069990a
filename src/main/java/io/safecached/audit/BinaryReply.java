package io.safecached.audit;

import java.util.List;

/**
 * What the binary-protocol probe (VERSION, SASL_LIST_MECHS, NOOP on one connection) saw.
 *
 * @param connect        how the connection went
 * @param answered       at least one well-formed binary response (magic 0x81) arrived
 * @param version        the VERSION body, or null
 * @param saslMechanisms the SASL_LIST_MECHS body split on spaces; empty when SASL is off or unknown
 * @param authRequired   NOOP was refused with status 0x20 (authentication error)
 * @param noopAnswered   NOOP succeeded: binary commands run without authentication
 */
public record BinaryReply(Connect connect, boolean answered, String version, List<String> saslMechanisms,
                          boolean authRequired, boolean noopAnswered) {
  public BinaryReply {
    saslMechanisms = List.copyOf(saslMechanisms);
  }

  /** A probe that did not get as far as a connection. */
  public static BinaryReply failed(Connect c) {
    return new BinaryReply(c, false, null, List.of(), false, false);
  }
}
