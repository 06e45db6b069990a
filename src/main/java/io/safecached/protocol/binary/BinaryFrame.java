package io.safecached.protocol.binary;

/**
 * What a binary reply needs from its request: the opcode byte as sent (quiet forms included), the opaque to
 * echo and the key (for getk/gatk replies).
 */
public record BinaryFrame(int opcode, int opaque, byte[] key) {
  /** A frame for a request. */
  public static BinaryFrame of(int opcode, int opaque, byte[] key) {
    return new BinaryFrame(opcode, opaque, key);
  }

  /** The opcode, or null when memcached does not serve this byte. */
  public Opcode known() {
    return Opcode.of(opcode);
  }
}
