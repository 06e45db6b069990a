package io.safecached.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.function.IntUnaryOperator;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Codec fixtures for {@code EmbeddedChannel} tests: feeds input whole, byte by byte and in random splits, checks
 * that every input and output buffer is released, and renders decoded messages as text.
 */
public final class CodecFixtures {
  /** Fixtures longer than this are not fed byte by byte: slow, and nothing the random split does not prove. */
  private static final int BYTE_BY_BYTE_MAX = 100_000;
  /** How many random splits a fixture is fed in. */
  private static final int RANDOM_SEEDS = 5;

  /** How a fixture's bytes are cut into reads. */
  public enum Split {
    WHOLE, BYTE_BY_BYTE, RANDOM;

    /** The size of each read, given how many bytes are left; RANDOM reads 1 to 64 bytes drawn from {@code seed}. */
    public IntUnaryOperator cuts(long seed) {
      Random random = new Random(seed);
      return switch (this) {
        case WHOLE -> left -> left;
        case BYTE_BY_BYTE -> left -> 1;
        case RANDOM -> left -> 1 + random.nextInt(Math.min(64, left));
      };
    }
  }

  /** Whether an encoder's buffer was released as it should be; called once per buffer, releasing it. */
  public enum Release {
    /** Freed by this one release, or a shared read-only constant that cannot be freed. */
    FREED_OR_SHARED_CONSTANT {
      @Override
      boolean check(ByteBuf b) {
        boolean freed = b.release();
        return freed || b.refCnt() == 1 && b.isReadOnly();
      }
    },
    /** Freed by this one release, unless it is empty (an empty buffer owns no memory). */
    FREED_UNLESS_EMPTY {
      @Override
      boolean check(ByteBuf b) {
        return b.capacity() == 0 || b.release();
      }
    };

    abstract boolean check(ByteBuf b);
  }

  /** A message renderer: records by component, byte arrays as ISO-8859-1 strings in quotes. */
  public static final class Renderer {
    private final boolean omitDefaults;
    private final Function<Object, String> special;

    private Renderer(boolean omitDefaults, Function<Object, String> special) {
      this.omitDefaults = omitDefaults;
      this.special = special;
    }

    /** This renderer, but {@code special} renders the messages it returns non-null for. */
    public Renderer with(Function<Object, String> special) {
      return new Renderer(omitDefaults, special);
    }

    /** A message as readable text. */
    public String render(Object o) {
      if (o == null) {
        return "null";
      }
      if (o instanceof byte[] b) {
        return "'" + new String(b, StandardCharsets.ISO_8859_1) + "'";
      }
      if (o instanceof List<?> l) {
        return l.stream().map(this::render).collect(Collectors.joining(",", "[", "]"));
      }
      if (o instanceof Enum<?> e) {
        return e.name();
      }
      String own = special.apply(o);
      if (own != null) {
        return own;
      }
      if (!o.getClass().isRecord()) {
        return String.valueOf(o);
      }
      StringBuilder sb = new StringBuilder(o.getClass().getSimpleName()).append('(');
      String separator = "";
      for (RecordComponent part : o.getClass().getRecordComponents()) {
        Object value;
        try {
          value = part.getAccessor().invoke(o);
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException(e);
        }
        if (!(omitDefaults && isDefault(part, value))) {
          sb.append(separator).append(part.getName()).append('=').append(render(value));
          separator = " ";
        }
      }
      return sb.append(')').toString();
    }

    /** Renders and releases every message. */
    public List<String> renderAll(List<Object> messages) {
      List<String> out = new ArrayList<>();
      for (Object m : messages) {
        out.add(render(m));
        ReferenceCountUtil.release(m);
      }
      return out;
    }

    private static boolean isDefault(RecordComponent part, Object value) {
      return value == null || part.getType().isPrimitive()
          && (Boolean.FALSE.equals(value) || value instanceof Number n && n.longValue() == 0);
    }
  }

  /** Renders every record component. */
  public static final Renderer FULL = new Renderer(false, o -> null);
  /** Leaves out record components that hold their default (primitive 0 or false, or null). */
  public static final Renderer COMPACT = new Renderer(true, o -> null);

  private CodecFixtures() {}

  /** Writes {@code input} into a fresh channel cut as {@code split} says and returns every decoded message. */
  public static List<Object> decode(Supplier<EmbeddedChannel> channels, byte[] input, Split split, long seed) {
    EmbeddedChannel ch = channels.get();
    List<ByteBuf> written = write(ch, input, split.cuts(seed));
    List<Object> out = drain(ch);
    ch.finishAndReleaseAll();
    assertReleased(written);
    return out;
  }

  /**
   * Feeds a fixture in every split the decoder must survive (RANDOM with several seeds) and asserts that each
   * time {@code renderer} makes {@code expected} of what was decoded.
   */
  public static void assertDecodes(Supplier<EmbeddedChannel> channels, Function<List<Object>, List<String>> renderer,
      byte[] input, Split split, List<String> expected) {
    for (long seed = 0; seed < (split == Split.RANDOM ? RANDOM_SEEDS : 1); seed++) {
      List<String> got = renderer.apply(decode(channels, input, split, seed));
      assertThat(got).as("%s split, seed %d", split, seed).containsExactlyElementsOf(expected);
    }
  }

  /** Writes {@code input} into {@code ch} in reads sized by {@code cuts} and returns the buffers written. */
  public static List<ByteBuf> write(EmbeddedChannel ch, byte[] input, IntUnaryOperator cuts) {
    List<ByteBuf> written = new ArrayList<>();
    int i = 0;
    while (i < input.length) {
      int n = Math.min(cuts.applyAsInt(input.length - i), input.length - i);
      ByteBuf buf = Unpooled.buffer(n).writeBytes(input, i, n);
      written.add(buf);
      ch.writeInbound(buf);
      i += n;
    }
    return written;
  }

  /** Every inbound message the channel holds. */
  public static List<Object> drain(EmbeddedChannel ch) {
    List<Object> out = new ArrayList<>();
    Object m;
    while ((m = ch.readInbound()) != null) {
      out.add(m);
    }
    return out;
  }

  /** Fails unless the decoder released every buffer written into it. */
  public static void assertReleased(List<ByteBuf> written) {
    for (ByteBuf b : written) {
      if (b.refCnt() != 0) {
        throw new AssertionError("input buffer not released: refCnt " + b.refCnt());
      }
    }
  }

  /**
   * Writes {@code messages} through {@code encoder} and returns the bytes written, each buffer as {@code text}
   * renders it; every buffer must pass {@code release} and nothing may be left in the channel.
   */
  public static String encode(ChannelHandler encoder, Function<ByteBuf, String> text, Release release,
      Object... messages) {
    EmbeddedChannel ch = new EmbeddedChannel(encoder);
    for (Object m : messages) {
      ch.writeOutbound(m);
    }
    StringBuilder sb = new StringBuilder();
    ByteBuf b;
    while ((b = ch.readOutbound()) != null) {
      sb.append(text.apply(b));
      assertThat(release.check(b)).as("buffer %s", release).isTrue();
    }
    assertThat(ch.finish()).as("nothing left in the channel").isFalse();
    return sb.toString();
  }

  /** A text fixture: a display name, the input and the expected renderings. */
  public static Arguments textFixture(String input, String... expected) {
    String name = input.length() > 60 ? input.substring(0, 60) + "…(" + input.length() + " bytes)" : input;
    return Arguments.of(name.replace("\r", "\\r").replace("\n", "\\n"), input, List.of(expected));
  }

  /**
   * Each fixture (name, input, expected) once per split, as (name, split, input, expected); inputs too long to
   * feed byte by byte are fed whole and in random splits only.
   */
  public static Stream<Arguments> bySplit(Stream<Arguments> fixtures) {
    List<Arguments> out = new ArrayList<>();
    fixtures.forEach(f -> {
      Object[] a = f.get();
      int length = a[1] instanceof byte[] b ? b.length : ((String) a[1]).length();
      for (Split s : Split.values()) {
        if (s != Split.BYTE_BY_BYTE || length <= BYTE_BY_BYTE_MAX) {
          out.add(Arguments.of(a[0], s, a[1], a[2]));
        }
      }
    });
    return out.stream();
  }

  /** {@code length} bytes of a repeating pattern that is not text. */
  public static byte[] pattern(int length) {
    byte[] value = new byte[length];
    for (int i = 0; i < length; i++) {
      value[i] = (byte) (i * 31);
    }
    return value;
  }

  public static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  public static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }
}
