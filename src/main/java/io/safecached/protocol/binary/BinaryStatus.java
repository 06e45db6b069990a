package io.safecached.protocol.binary;

import java.nio.charset.StandardCharsets;

/**
 * The status codes of binary replies that memcached 1.6 sends, each with the text memcached puts in the body of
 * an error reply.
 */
public enum BinaryStatus {
  NO_ERROR(0x00, ""),
  KEY_ENOENT(0x01, "Not found"),
  KEY_EEXISTS(0x02, "Data exists for key."),
  E2BIG(0x03, "Too large."),
  EINVAL(0x04, "Invalid arguments"),
  NOT_STORED(0x05, "Not stored."),
  DELTA_BADVAL(0x06, "Non-numeric server-side value for incr or decr"),
  /** memcached's answer to a flush refused by {@code -F}, and to commands before SASL authentication. */
  AUTH_ERROR(0x20, "Auth failure."),
  /** Unknown opcodes, and the SASL opcodes while SASL is not enabled (memcached without {@code -S}). */
  UNKNOWN_COMMAND(0x81, "Unknown command"),
  ENOMEM(0x82, "Out of memory allocating item");

  private final int code;
  private final byte[] message;

  BinaryStatus(int code, String message) {
    this.code = code;
    this.message = message.getBytes(StandardCharsets.US_ASCII);
  }

  /** The 16-bit status code. */
  public int code() {
    return code;
  }

  /** The error text memcached sends as the body (empty for success). */
  public String message() {
    return new String(message, StandardCharsets.US_ASCII);
  }

  /** The same text as bytes, shared: never to be modified. */
  byte[] messageBytes() {
    return message;
  }
}
