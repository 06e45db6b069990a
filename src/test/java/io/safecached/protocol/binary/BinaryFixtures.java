package io.safecached.protocol.binary;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.safecached.command.Command;
import io.safecached.command.Result;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.RecordComponent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** Binary packets for codec tests: request builders, a feeder that splits input three ways, and a renderer. */
final class BinaryFixtures {
  /** How a fixture's bytes are cut into reads. */
  enum Split { WHOLE, BYTE_BY_BYTE, RANDOM }

  static final byte[] NONE = new byte[0];

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

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }

  /** Writes {@code input} into a fresh channel cut as {@code split} says and returns every decoded message. */
  static List<Object> decode(Supplier<EmbeddedChannel> channels, byte[] input, Split split, long seed) {
    EmbeddedChannel ch = channels.get();
    List<ByteBuf> written = new ArrayList<>();
    Random random = new Random(seed);
    int i = 0;
    while (i < input.length) {
      int n = switch (split) {
        case WHOLE -> input.length;
        case BYTE_BY_BYTE -> 1;
        case RANDOM -> 1 + random.nextInt(Math.min(64, input.length - i));
      };
      n = Math.min(n, input.length - i);
      ByteBuf buf = Unpooled.buffer(n).writeBytes(input, i, n);
      written.add(buf);
      ch.writeInbound(buf);
      i += n;
    }
    List<Object> out = new ArrayList<>();
    Object m;
    while ((m = ch.readInbound()) != null) {
      out.add(m);
    }
    ch.finishAndReleaseAll();
    for (ByteBuf b : written) {
      if (b.refCnt() != 0) {
        throw new AssertionError("input buffer not released: refCnt " + b.refCnt());
      }
    }
    return out;
  }

  /** A message as readable text: records by component, byte arrays as ISO-8859-1 strings. */
  static String render(Object o) {
    if (o == null) {
      return "null";
    }
    if (o instanceof byte[] b) {
      return "'" + new String(b, StandardCharsets.ISO_8859_1) + "'";
    }
    if (o instanceof List<?> l) {
      return l.stream().map(BinaryFixtures::render).collect(Collectors.joining(",", "[", "]"));
    }
    if (o instanceof Enum<?> e) {
      return e.name();
    }
    if (o instanceof Command.Framed f && f.frame() instanceof BinaryFrame b) {
      return render(f.command()) + " " + frame(b);
    }
    if (o instanceof Result.Framed f && f.frame() instanceof BinaryFrame b) {
      return render(f.result()) + " " + frame(b);
    }
    if (o.getClass().isRecord()) {
      StringBuilder sb = new StringBuilder(o.getClass().getSimpleName()).append('(');
      RecordComponent[] parts = o.getClass().getRecordComponents();
      for (int i = 0; i < parts.length; i++) {
        if (i > 0) {
          sb.append(' ');
        }
        try {
          sb.append(parts[i].getName()).append('=').append(render(parts[i].getAccessor().invoke(o)));
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException(e);
        }
      }
      return sb.append(')').toString();
    }
    return String.valueOf(o);
  }

  /** A frame in short: {@code [op=0c opaque=7 key='k']}, or with the decoder's refusal instead of the key. */
  static String frame(BinaryFrame b) {
    return String.format("[op=%02x opaque=%d %s]", b.opcode(), b.opaque(),
        b.refusal() != null ? "refusal=" + b.refusal() : "key=" + render(b.key()));
  }

  /** Renders and releases every message. */
  static List<String> renderAll(List<Object> messages) {
    List<String> out = new ArrayList<>();
    for (Object m : messages) {
      out.add(render(m));
      ReferenceCountUtil.release(m);
    }
    return out;
  }
}
