package io.safecached.protocol.binary;

/**
 * What a binary reply needs from its request: the opcode byte as sent (quiet forms included), the opaque to
 * echo and the key (for getk/gatk replies). {@code refusal} is set when the decoder itself rejects the request;
 * the reply is then that error, whatever result the frame travels with.
 */
public record BinaryFrame(int opcode, int opaque, byte[] key, BinaryStatus refusal) {
  /** A frame for a request the command layer will answer. */
  public static BinaryFrame of(int opcode, int opaque, byte[] key) {
    return new BinaryFrame(opcode, opaque, key, null);
  }

  /** The opcode, or null when memcached does not serve this byte. */
  public Opcode known() {
    return Opcode.of(opcode);
  }
}
