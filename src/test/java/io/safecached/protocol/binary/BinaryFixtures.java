package io.safecached.protocol.binary;

import static io.safecached.testsupport.CodecFixtures.bytes;
import static io.safecached.testsupport.CodecFixtures.concat;

import io.safecached.command.Command;
import io.safecached.command.Result;
import io.safecached.testsupport.CodecFixtures;
import io.safecached.testsupport.CodecFixtures.Renderer;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;

/** Binary packets for codec tests: request builders and a renderer that shows binary frames in short. */
final class BinaryFixtures {
  static final byte[] NONE = new byte[0];
  private static final Renderer RENDERER = CodecFixtures.FULL.with(BinaryFixtures::framed);

  private BinaryFixtures() {}

  /** A request packet with lengths computed from its parts. */
  static byte[] request(int opcode, int opaque, long cas, byte[] extras, byte[] key, byte[] value) {
    return raw(0x80, opcode, key.length, extras.length, extras.length + key.length + (long) value.length, opaque,
        cas, concat(extras, key, value));
  }

  /** A request with no extras, value or CAS. */
  static byte[] request(int opcode, int opaque, String key) {
    return request(opcode, opaque, 0, NONE, bytes(key), NONE);
  }

  /** A header with any lengths, followed by {@code body} (which need not match them). */
  static byte[] raw(int magic, int opcode, int keyLength, int extrasLength, long bodyLength, int opaque, long cas,
      byte[] body) {
    ByteBuffer b = ByteBuffer.allocate(24 + body.length);
    b.put((byte) magic).put((byte) opcode).putShort((short) keyLength).put((byte) extrasLength).put((byte) 0)
        .putShort((short) 0).putInt((int) bodyLength).putInt(opaque).putLong(cas).put(body);
    return b.array();
  }

  static byte[] setExtras(int flags, int exptime) {
    return ByteBuffer.allocate(8).putInt(flags).putInt(exptime).array();
  }

  static byte[] incrExtras(long delta, long initial, int exptime) {
    return ByteBuffer.allocate(20).putLong(delta).putLong(initial).putInt(exptime).array();
  }

  static byte[] exptime(int exptime) {
    return ByteBuffer.allocate(4).putInt(exptime).array();
  }

  static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }

  /** A message as readable text: records by component, a binary frame in short after its command or result. */
  static String render(Object o) {
    return RENDERER.render(o);
  }

  /** Renders and releases every message. */
  static List<String> renderAll(List<Object> messages) {
    return RENDERER.renderAll(messages);
  }

  private static String framed(Object o) {
    if (o instanceof Command.Framed f && f.frame() instanceof BinaryFrame b) {
      return render(f.command()) + " " + frame(b);
    }
    if (o instanceof Result.Framed f && f.frame() instanceof BinaryFrame b) {
      return render(f.result()) + " " + frame(b);
    }
    return null;
  }

  /** A frame in short: {@code [op=0c opaque=7 key='k']}. */
  static String frame(BinaryFrame b) {
    return String.format("[op=%02x opaque=%d key=%s]", b.opcode(), b.opaque(), render(b.key()));
  }

  /** The rendering of the decoder's refusal that the encoder answers with {@code status}. */
  static String refusal(int op, int opaque, BinaryStatus status) {
    String kind = switch (status) {
      case UNKNOWN_COMMAND -> "UNKNOWN_COMMAND";
      case EINVAL -> "INVALID_ARGUMENTS";
      default -> throw new IllegalArgumentException("the decoder does not refuse with " + status);
    };
    return String.format("Error(kind=%s line=ERROR) [op=%02x opaque=%d key='']", kind, op, opaque);
  }
}
