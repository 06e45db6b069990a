package io.safecached.protocol.binary;

import io.safecached.command.Command;

/**
 * What a binary reply needs from its request: the opcode byte as sent (quiet forms included), the opaque to
 * echo and the key (for getk/gatk replies).
 */
public record BinaryFrame(int opcode, int opaque, byte[] key) implements Command.ClassicFrame {
  /** A frame for a request. */
  public static BinaryFrame of(int opcode, int opaque, byte[] key) {
    return new BinaryFrame(opcode, opaque, key);
  }

  @Override
  public Command.StoreMode storeMode() {
    Opcode op = known();
    if (op == null) {
      return null;
    }
    return switch (op.loud()) {
      case SET -> Command.StoreMode.SET;
      case ADD -> Command.StoreMode.ADD;
      case REPLACE -> Command.StoreMode.REPLACE;
      case APPEND -> Command.StoreMode.APPEND;
      case PREPEND -> Command.StoreMode.PREPEND;
      default -> null;
    };
  }

  /** The opcode, or null when memcached does not serve this byte. */
  public Opcode known() {
    return Opcode.of(opcode);
  }
}
