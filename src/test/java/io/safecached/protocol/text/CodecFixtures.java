package io.safecached.protocol.text;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** Feeds codec fixtures whole, byte by byte and in random splits, and renders decoded messages as text. */
final class CodecFixtures {
  /** How a fixture's bytes are cut into reads. */
  enum Split { WHOLE, BYTE_BY_BYTE, RANDOM }

  private CodecFixtures() {}

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
      return l.stream().map(CodecFixtures::render).collect(Collectors.joining(",", "[", "]"));
    }
    if (o instanceof Enum<?> e) {
      return e.name();
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

  /** Renders and releases every message. */
  static List<String> renderAll(List<Object> messages) {
    List<String> out = new ArrayList<>();
    for (Object m : messages) {
      out.add(render(m));
      ReferenceCountUtil.release(m);
    }
    return out;
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }
}
