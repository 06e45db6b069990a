package io.safecached.audit;

/**
 * What the TLS probe saw: whether a handshake succeeded (the certificate is not verified: this only detects
 * TLS) and, after it, the ASCII probe's result over the encrypted connection.
 *
 * @param handshake  the TLS handshake completed
 * @param protocol   the negotiated protocol (e.g. {@code TLSv1.3}), or null
 * @param text       the ASCII probe over TLS, or null when the handshake failed
 */
public record TlsReply(boolean handshake, String protocol, TextReply text) {}
