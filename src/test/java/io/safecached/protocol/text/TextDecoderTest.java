package io.safecached.protocol.text;

import static io.safecached.testsupport.CodecFixtures.bytes;
import static io.safecached.testsupport.CodecFixtures.concat;
import static io.safecached.testsupport.CodecFixtures.decode;
import static io.safecached.testsupport.CodecFixtures.pattern;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.safecached.protocol.ProtocolLimits;
import io.safecached.testsupport.CodecFixtures;
import io.safecached.testsupport.CodecFixtures.Split;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The text decoder against fixtures of valid and hostile input, fed whole, byte by byte and in random splits. */
class TextDecoderTest {
  private static final ProtocolLimits LIMITS = new ProtocolLimits(250, 2048, 8192, 1024 * 1024, false, false);
  private static final String KEY_250 = "k".repeat(250);
  private static final String KEY_251 = "k".repeat(251);

  private static EmbeddedChannel channel() {
    return new EmbeddedChannel(new TextDecoder(LIMITS));
  }

  private static EmbeddedChannel channel(ProtocolLimits limits) {
    return new EmbeddedChannel(new TextDecoder(limits));
  }

  /**
   * Input the decoder cannot split in a heap buffer's backing array, so every line goes through its scratch
   * copy: direct buffers, or (with Netty's composite cumulator) a composite of every read a line spans.
   */
  enum Input {
    DIRECT, COMPOSITE;

    /** A channel whose text decoder, made by {@code decoders}, sees this kind of input. */
    EmbeddedChannel channel(Supplier<TextDecoder> decoders) {
      TextDecoder decoder = decoders.get();
      if (this == COMPOSITE) {
        decoder.setCumulator(ByteToMessageDecoder.COMPOSITE_CUMULATOR);
        return new EmbeddedChannel(decoder);
      }
      return new EmbeddedChannel(new ToDirect(), decoder);
    }
  }

  /** Copies every heap buffer read into a direct one (and releases the heap one). */
  static final class ToDirect extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf heap = (ByteBuf) msg;
      ByteBuf direct = ctx.alloc().directBuffer(heap.readableBytes()).writeBytes(heap);
      heap.release();
      ctx.fireChannelRead(direct);
    }
  }

  /**
   * Each fixture of at most {@code maxLength} bytes once per input kind and split, as (name, input kind, split,
   * input, expected); byte by byte only up to a little past the 2048-byte line limit (a composite of thousands
   * of one-byte reads, scanned again on every read, is slow and proves nothing the random splits do not).
   */
  static Stream<Arguments> byInput(Stream<Arguments> fixtures, int maxLength) {
    List<Arguments> out = new ArrayList<>();
    CodecFixtures.bySplit(fixtures).forEach(f -> {
      Object[] a = f.get();
      int length = ((String) a[2]).length();
      if (length <= maxLength && (a[1] != Split.BYTE_BY_BYTE || length <= 2100)) {
        for (Input input : Input.values()) {
          out.add(Arguments.of(a[0], input, a[1], a[2], a[3]));
        }
      }
    });
    return out.stream();
  }

  /** Keys of up to 250 bytes that make {@code get <keys>\r} exactly {@code length} bytes long. */
  private static List<String> keysFilling(int length) {
    List<String> keys = new ArrayList<>();
    int left = length - "get\r".length();
    while (left > 0) {
      int size = Math.min(250, left - 1);
      keys.add(String.valueOf((char) ('a' + keys.size() % 26)).repeat(size));
      left -= size + 1;
    }
    return keys;
  }

  /** A get line of exactly {@code length} bytes before its newline, and the Get it decodes to. */
  private static Arguments getLineOf(int length, String... after) {
    List<String> keys = keysFilling(length);
    String line = "get " + String.join(" ", keys) + "\r\n";
    assertThat(line.length()).isEqualTo(length + 1);
    List<String> expected = new ArrayList<>();
    expected.add("Get(keys=['" + String.join("','", keys) + "'] withCas=false touchExptime=null)");
    for (String a : after) {
      expected.add(a);
    }
    return fixture(line + (after.length > 0 ? "version\r\n" : ""), expected.toArray(new String[0]));
  }

  /** A storage line padded with trailing spaces to exactly {@code length} bytes before its newline. */
  private static String setLineOf(int length) {
    String line = "set a 0 0 1";
    return line + " ".repeat(length - 1 - line.length()) + "\r\n";
  }

  /** input, then the expected decoded messages as rendered text. */
  static Stream<Arguments> fixtures() {
    return Stream.of(
        fixture("set a 0 0 1\r\nx\r\n",
            "Store(mode=SET key='a' flags=0 exptime=0 value='x' casUnique=0 noreply=false)"),
        fixture("set a 5 100 3 noreply\r\na\r\n\r\n",
            "Store(mode=SET key='a' flags=5 exptime=100 value='a\r\n' casUnique=0 noreply=true)"),
        fixture("cas a 1 2 0 77\r\n\r\n",
            "Store(mode=CAS key='a' flags=1 exptime=2 value='' casUnique=77 noreply=false)"),
        fixture("append a 0 0 1\nz\r\n",
            "Store(mode=APPEND key='a' flags=0 exptime=0 value='z' casUnique=0 noreply=false)"),
        fixture("set a 4294967296 0 1\r\nx\r\n",
            "Store(mode=SET key='a' flags=0 exptime=0 value='x' casUnique=0 noreply=false)"),
        fixture("set a 0 2147483648 1\r\nx\r\n",
            "Store(mode=SET key='a' flags=0 exptime=-2147483648 value='x' casUnique=0 noreply=false)"),
        fixture("set a 0 0 1 ignored\r\nx\r\n",
            "Store(mode=SET key='a' flags=0 exptime=0 value='x' casUnique=0 noreply=false)"),
        fixture("get a bb  ccc\r\n", "Get(keys=['a','bb','ccc'] withCas=false touchExptime=null)"),
        fixture("   gets a\r\n", "Get(keys=['a'] withCas=true touchExptime=null)"),
        fixture("gat 10 a b\r\n", "Get(keys=['a','b'] withCas=false touchExptime=10)"),
        fixture("gats -1 a\r\n", "Get(keys=['a'] withCas=true touchExptime=-1)"),
        fixture("gat 10\r\n", "Get(keys=[] withCas=false touchExptime=10)"),
        fixture("gat abc a\r\n", "ClientError(kind=INVALID_ARGUMENTS message=invalid exptime argument)"),
        fixture("get " + KEY_250 + "\r\n", "Get(keys=['" + KEY_250 + "'] withCas=false touchExptime=null)"),
        fixture("get a " + KEY_251 + "\r\n", "ClientError(kind=INVALID_ARGUMENTS message=bad command line format)"),
        fixture("incr a 18446744073709551615\r\n", "Arithmetic(key='a' increment=true delta=-1 noreply=false)"),
        fixture("decr a 1 noreply\r\n", "Arithmetic(key='a' increment=false delta=1 noreply=true)"),
        fixture("incr a 18446744073709551616\r\n", "ClientError(kind=INVALID_ARGUMENTS message=invalid numeric delta argument)"),
        fixture("incr a -1\r\n", "ClientError(kind=INVALID_ARGUMENTS message=invalid numeric delta argument)"),
        fixture("incr a abc noreply\r\nversion\r\n", "Version()"),
        fixture("delete a\r\n", "Delete(key='a' noreply=false)"),
        fixture("delete a 0\r\n", "Delete(key='a' noreply=false)"),
        fixture("delete a noreply\r\n", "Delete(key='a' noreply=true)"),
        fixture("delete a 0 noreply\r\n", "Delete(key='a' noreply=true)"),
        fixture("delete a 1\r\n",
            "ClientError(kind=INVALID_ARGUMENTS message=bad command line format.  Usage: delete <key> [noreply])"),
        fixture("touch a 10\r\n", "Touch(key='a' exptime=10 noreply=false)"),
        fixture("touch a x\r\n", "ClientError(kind=INVALID_ARGUMENTS message=invalid exptime argument)"),
        fixture("flush_all\r\n", "FlushAll(delay=0 noreply=false)"),
        fixture("flush_all 10 noreply\r\n", "FlushAll(delay=10 noreply=true)"),
        fixture("flush_all noreply\r\n", "FlushAll(delay=0 noreply=true)"),
        fixture("flush_all x\r\n", "ClientError(kind=INVALID_ARGUMENTS message=invalid exptime argument)"),
        fixture("verbosity 1\r\n", "Verbosity(level=1 noreply=false)"),
        fixture("verbosity x\r\n", "ClientError(kind=INVALID_ARGUMENTS message=bad command line format)"),
        fixture("cache_memlimit 100\r\n", "CacheMemlimit(megabytes=100 noreply=false)"),
        fixture("cache_memlimit abc\r\n", "Error(kind=UNKNOWN_COMMAND line=ERROR)"),
        fixture("stats\r\nstats items\r\n", "Stats(group=null args=[])", "Stats(group=items args=[])"),
        fixture("stats detail on x\r\nstats cachedump 1 10\r\n", "Stats(group=detail args=[on,x])",
            "Stats(group=cachedump args=[1,10])"),
        fixture("refresh_certs\r\nrefresh_certs noreply\r\nrefresh_certs a b\r\n", "RefreshCerts(noreply=false)",
            "RefreshCerts(noreply=true)", "Error(kind=UNKNOWN_COMMAND line=ERROR)"),
        fixture("shutdown\r\n", "Shutdown(graceful=false)"),
        fixture("shutdown graceful\r\n", "Shutdown(graceful=true)"),
        fixture("shutdown nonsense\r\n", "Shutdown(graceful=false)"),
        fixture("version\r\nquit\r\nget a\r\n", "Version()", "Quit()"),
        // errors memcached answers with ERROR
        fixture("\r\n", "Error(kind=UNKNOWN_COMMAND line=ERROR)"),
        fixture("GET a\r\n", "Error(kind=UNKNOWN_COMMAND line=ERROR)"),
        fixture("get\r\n", "Error(kind=UNKNOWN_COMMAND line=ERROR)"),
        fixture("set a 0 0\r\n", "Error(kind=UNKNOWN_COMMAND line=ERROR)"),
        fixture("set a 0 0 1 noreply extra\r\n", "Error(kind=UNKNOWN_COMMAND line=ERROR)"),
        fixture("bogus\r\n", "Error(kind=UNKNOWN_COMMAND line=ERROR)"),
        fixture("version extra\r\n", "Version()"),
        fixture("quit now\r\nversion\r\n", "Quit()"),
        fixture("set k\0ey 0 0 1\r\nz\r\nget k\0ey\r\n", "Error(kind=UNKNOWN_COMMAND line=ERROR)", "Error(kind=UNKNOWN_COMMAND line=ERROR)",
            "Get(keys=['k'] withCas=false touchExptime=null)"),
        fixture("sfoo / HTTP/1.1\r\nversion\r\n", "Error(kind=UNKNOWN_COMMAND line=ERROR)", "Version()"),
        fixture("mfoo / HTTP/1.1\r\nversion\r\n", "Close()"),
        // malformed storage lines do not swallow the data block (memcached 1.6.18)
        fixture("set a abc 0 1\r\nx\r\n", "ClientError(kind=INVALID_ARGUMENTS message=bad command line format)", "Error(kind=UNKNOWN_COMMAND line=ERROR)"),
        fixture("set a -1 0 1\r\nx\r\n", "ClientError(kind=INVALID_ARGUMENTS message=bad command line format)", "Error(kind=UNKNOWN_COMMAND line=ERROR)"),
        fixture("set a 0 0 -1\r\n", "ClientError(kind=INVALID_ARGUMENTS message=bad command line format)"),
        fixture("set a 0 0 2147483646\r\n", "ClientError(kind=INVALID_ARGUMENTS message=bad command line format)"),
        fixture("set " + KEY_251 + " 0 0 1\r\nx\r\n",
            "ClientError(kind=INVALID_ARGUMENTS message=bad command line format)", "Error(kind=UNKNOWN_COMMAND line=ERROR)"),
        fixture("set a 0 0 abc noreply\r\nversion\r\n", "Version()"),
        // bad data chunk: the bytes at <bytes>+2 are consumed, parsing resumes after them
        fixture("set a 0 0 1\r\nxyz\r\n", "BadDataChunk(noreply=false)", "Error(kind=UNKNOWN_COMMAND line=ERROR)"),
        fixture("set a 0 0 1 noreply\r\nxyz\r\n", "BadDataChunk(noreply=true)", "Error(kind=UNKNOWN_COMMAND line=ERROR)"),
        fixture("set a 0 0 1 noreply\r\nxy\r\nversion\r\n", "BadDataChunk(noreply=true)", "Error(kind=UNKNOWN_COMMAND line=ERROR)",
            "Version()"),
        // too large: the data block is swallowed
        fixture("set a 0 0 2000000\r\n" + "a".repeat(2000000) + "\r\nversion\r\n",
            "StoreTooLarge(mode=SET key='a' noreply=false)", "Version()"),
        // connections closed
        fixture("GET / HTTP/1.1\r\nHost: x\r\n\r\n", "Close()"),
        fixture("get a HTTP/1.1\r\n", "Get(keys=['a','HTTP/1.1'] withCas=false touchExptime=null)"),
        fixture("x".repeat(2049), "Close()"),
        fixture("version\r\n" + "x".repeat(2049), "Version()", "Close()"),
        fixture("get " + "k ".repeat(5000) + "\r\n", "Close()"),
        fixture("set a 0 0 1" + " ".repeat(3000), "Close()"),
        // tokens: runs of spaces separate, a NUL ends the line, a line of spaces has no command
        fixture("   set   a  7    0 1    noreply   \r\nx\r\n",
            "Store(mode=SET key='a' flags=7 exptime=0 value='x' casUnique=0 noreply=true)"),
        fixture("get  a  \r\ngets   a    b\r\n", "Get(keys=['a'] withCas=false touchExptime=null)",
            "Get(keys=['a','b'] withCas=true touchExptime=null)"),
        fixture("gat  0  a  b  c  d\r\n", "Get(keys=['a','b','c','d'] withCas=false touchExptime=0)"),
        fixture("     \r\n", "Error(kind=UNKNOWN_COMMAND line=ERROR)"),
        fixture(" \n", "Error(kind=UNKNOWN_COMMAND line=ERROR)"),
        fixture("  \0get a\r\n", "Error(kind=UNKNOWN_COMMAND line=ERROR)"),
        fixture("get a \0b\r\n", "Get(keys=['a'] withCas=false touchExptime=null)"),
        fixture("get a\0b c\r\n", "Get(keys=['a'] withCas=false touchExptime=null)"),
        fixture("delete a \r\ndelete  a  noreply \r\n", "Delete(key='a' noreply=false)",
            "Delete(key='a' noreply=true)"),
        fixture("gets\r\nge a\r\ngett a\r\nsets a 0 0 1\r\n", "Error(kind=UNKNOWN_COMMAND line=ERROR)", "Error(kind=UNKNOWN_COMMAND line=ERROR)",
            "Error(kind=UNKNOWN_COMMAND line=ERROR)", "Error(kind=UNKNOWN_COMMAND line=ERROR)"),
        fixture("\u00e9get a\r\n", "Error(kind=UNKNOWN_COMMAND line=ERROR)"),
        // numbers at their edges: flags and lengths are stored in 32 bits, exptimes are signed 32-bit
        fixture("set a 4294967295 0 1\r\nx\r\n",
            "Store(mode=SET key='a' flags=-1 exptime=0 value='x' casUnique=0 noreply=false)"),
        fixture("set a 18446744073709551615 0 1\r\nx\r\n",
            "Store(mode=SET key='a' flags=-1 exptime=0 value='x' casUnique=0 noreply=false)"),
        fixture("set a 18446744073709551616 0 1\r\nx\r\n", "ClientError(kind=INVALID_ARGUMENTS message=bad command line format)",
            "Error(kind=UNKNOWN_COMMAND line=ERROR)"),
        fixture("set a +3 2147483647 1\r\nx\r\n",
            "Store(mode=SET key='a' flags=3 exptime=2147483647 value='x' casUnique=0 noreply=false)"),
        fixture("set a 0 -2147483649 1\r\nx\r\n",
            "Store(mode=SET key='a' flags=0 exptime=2147483647 value='x' casUnique=0 noreply=false)"),
        fixture("set a 0 9223372036854775807 1\r\nx\r\n",
            "Store(mode=SET key='a' flags=0 exptime=-1 value='x' casUnique=0 noreply=false)"),
        fixture("set a 0 -9223372036854775808 1\r\nx\r\n",
            "Store(mode=SET key='a' flags=0 exptime=0 value='x' casUnique=0 noreply=false)"),
        fixture("set a 0 9223372036854775808 1\r\nx\r\n", "ClientError(kind=INVALID_ARGUMENTS message=bad command line format)",
            "Error(kind=UNKNOWN_COMMAND line=ERROR)"),
        fixture("set a 0 0 4294967297\r\nx\r\n",
            "Store(mode=SET key='a' flags=0 exptime=0 value='x' casUnique=0 noreply=false)"),
        fixture("set a 0 0 1x\r\nx\r\n", "ClientError(kind=INVALID_ARGUMENTS message=bad command line format)", "Error(kind=UNKNOWN_COMMAND line=ERROR)"),
        fixture("cas a 0 0 1 18446744073709551615\r\nx\r\n",
            "Store(mode=CAS key='a' flags=0 exptime=0 value='x' casUnique=-1 noreply=false)"),
        fixture("cas a 0 0 1 18446744073709551616\r\nx\r\n", "ClientError(kind=INVALID_ARGUMENTS message=bad command line format)",
            "Error(kind=UNKNOWN_COMMAND line=ERROR)"),
        fixture("cas a 0 0 1 -1\r\nx\r\n", "ClientError(kind=INVALID_ARGUMENTS message=bad command line format)", "Error(kind=UNKNOWN_COMMAND line=ERROR)"),
        fixture("incr a 0\r\ndecr a +9223372036854775808\r\n",
            "Arithmetic(key='a' increment=true delta=0 noreply=false)",
            "Arithmetic(key='a' increment=false delta=-9223372036854775808 noreply=false)"),
        fixture("decr a -0\r\nincr a 99999999999999999999\r\n",
            "Arithmetic(key='a' increment=false delta=0 noreply=false)",
            "ClientError(kind=INVALID_ARGUMENTS message=invalid numeric delta argument)"),
        fixture("touch a 4294967296\r\ntouch a -2147483648\r\n", "Touch(key='a' exptime=0 noreply=false)",
            "Touch(key='a' exptime=-2147483648 noreply=false)"),
        fixture("gat 2147483648 a\r\n", "Get(keys=['a'] withCas=false touchExptime=-2147483648)"),
        fixture("flush_all -1\r\nverbosity 4294967296\r\n", "FlushAll(delay=-1 noreply=false)",
            "Verbosity(level=0 noreply=false)"),
        // the line limits exactly at their bound (one past the 2048 bound depends on the reads: see below)
        fixture(setLineOf(2048) + "x\r\n",
            "Store(mode=SET key='a' flags=0 exptime=0 value='x' casUnique=0 noreply=false)"),
        fixture("x".repeat(2048)),
        fixture("x".repeat(2047) + "\r\nversion\r\n", "Error(kind=UNKNOWN_COMMAND line=ERROR)", "Version()"),
        getLineOf(8192),
        fixture("get " + String.join(" ", keysFilling(8193)) + "\r\n", "Close()"),
        getLineOf(5000, "Version()"), // longer than the scratch copy the decoder keeps
        // gat and gats lines are retrievals of many keys too: bounded by the multiget limit, not the line limit
        gatsLine("gats 100", 60, true, 100),
        gatsLine("gat 0", 150, false, 0),
        fixture("gat 0 " + "k ".repeat(5000) + "\r\n", "Close()"),
        // no memcached read holds a line of more than 16 KiB (here: the multiget bound) without its newline
        fixture(setLineOf(8193) + "x\r\n", "Close()"));
  }

  /**
   * A gat/gats line ({@code head} then {@code n} keys of 40 bytes) and the Get it decodes to, whatever the reads:
   * a real client's gats_multi of 200 keys was closed when a read ended inside such a line (issue 15).
   */
  private static Arguments gatsLine(String head, int n, boolean withCas, long exptime) {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      keys.add(String.format("%040d", i));
    }
    return fixture(head + " " + String.join(" ", keys) + "\r\n",
        "Get(keys=['" + String.join("','", keys) + "'] withCas=" + withCas + " touchExptime=" + exptime + ")");
  }

  private static Arguments fixture(String input, String... expected) {
    return CodecFixtures.textFixture(input, expected);
  }

  static Stream<Arguments> fixturesBySplit() {
    return CodecFixtures.bySplit(fixtures());
  }

  @ParameterizedTest(name = "{1}: {0}")
  @MethodSource("fixturesBySplit")
  void decodesLikeMemcached(String name, Split split, String input, List<String> expected) {
    CodecFixtures.assertDecodes(TextDecoderTest::channel, TextDecoderTest::renderAll, bytes(input), split, expected);
  }

  private static List<String> renderAll(List<Object> messages) {
    return CodecFixtures.FULL.renderAll(messages);
  }

  @ParameterizedTest
  @EnumSource(Split.class)
  void multigetLinesMayExceedTheLineLimitUpToTheirOwnBound(Split split) {
    String keys = "key ".repeat(1000); // 4000 bytes: over 2048, under 8192
    List<String> got = renderAll(decode(TextDecoderTest::channel, bytes("get " + keys + "\r\n"), split, 1));
    assertThat(got).hasSize(1);
    assertThat(got.get(0)).startsWith("Get(keys=['key','key',");
  }

  @ParameterizedTest
  @EnumSource(Split.class)
  void aLargeValueArrivesIntact(Split split) {
    byte[] value = pattern(300_000);
    byte[] input = concat(bytes("set big 3 0 " + value.length + "\r\n"), value, bytes("\r\n"));
    List<Object> got = decode(TextDecoderTest::channel, input, split == Split.BYTE_BY_BYTE ? Split.RANDOM : split, 7);
    assertThat(got).hasSize(1);
    io.safecached.command.Command.Store store = (io.safecached.command.Command.Store) got.get(0);
    assertThat(Arrays.equals(store.value(), value)).as("value bytes").isTrue();
    assertThat(store.value()).hasSize(value.length);
  }

  @ParameterizedTest
  @EnumSource(Split.class)
  void itemLimitCountsKeyAndHeaderLikeMemcached(Split split) {
    // memcached: header 48 + cas 8 + key + 1 + value + 2 must fit -I
    int limit = 1024 * 1024;
    int fits = limit - 56 - 1 - 1 - 2;
    List<String> ok = renderAll(decode(TextDecoderTest::channel,
        bytes("set a 0 0 " + fits + "\r\n" + "v".repeat(fits) + "\r\n"), Split.WHOLE, 0));
    assertThat(ok.get(0)).startsWith("Store(mode=SET");
    List<String> tooBig = renderAll(decode(TextDecoderTest::channel,
        bytes("set a 0 0 " + (fits + 1) + "\r\n" + "v".repeat(fits + 1) + "\r\nversion\r\n"),
        split == Split.BYTE_BY_BYTE ? Split.RANDOM : split, 3));
    assertThat(tooBig).containsExactly("StoreTooLarge(mode=SET key='a' noreply=false)", "Version()");
  }

  @ParameterizedTest
  @EnumSource(Split.class)
  void flushAllAndShutdownArgumentsAreNotParsedWhenTheCommandIsOff(Split split) {
    ProtocolLimits strict = new ProtocolLimits(250, 2048, 8192, 1024 * 1024, false, true);
    assertThat(renderAll(decode(() -> channel(strict), bytes("flush_all abc\r\n"), split, 1)))
        .containsExactly("FlushAll(delay=0 noreply=false)");
    ProtocolLimits shutdownOn = new ProtocolLimits(250, 2048, 8192, 1024 * 1024, true, false);
    assertThat(renderAll(decode(() -> channel(shutdownOn), bytes("shutdown nonsense\r\n"), split, 1)))
        .containsExactly("ClientError(kind=INVALID_ARGUMENTS message=invalid shutdown mode)");
  }

  static Stream<Arguments> fixturesByInput() {
    return byInput(fixtures(), 20_000);
  }

  @ParameterizedTest(name = "{1} {2}: {0}")
  @MethodSource("fixturesByInput")
  void decodesDirectAndCompositeInputAlike(String name, Input input, Split split, String text,
      List<String> expected) {
    CodecFixtures.assertDecodes(() -> input.channel(() -> new TextDecoder(LIMITS)), TextDecoderTest::renderAll,
        bytes(text), split, expected);
  }

  @ParameterizedTest
  @EnumSource(Input.class)
  void aLineOnePastTheLimitIsServedOnlyWhenItsNewlineCameInTheSameRead(Input input) {
    Supplier<EmbeddedChannel> channels = () -> input.channel(() -> new TextDecoder(LIMITS));
    Function<Split, List<String>> run = split -> renderAll(decode(channels, bytes(setLineOf(2049) + "x\r\n"), split, 0));
    assertThat(run.apply(Split.WHOLE))
        .containsExactly("Store(mode=SET key='a' flags=0 exptime=0 value='x' casUnique=0 noreply=false)");
    assertThat(run.apply(Split.BYTE_BY_BYTE)).containsExactly("Close()");
    assertThat(renderAll(decode(TextDecoderTest::channel, bytes(setLineOf(2049) + "x\r\n"), Split.BYTE_BY_BYTE, 0)))
        .containsExactly("Close()");
  }

  @ParameterizedTest
  @EnumSource(Input.class)
  void aLineIsJudgedWhenTheReadsEndNotOnEachRead(Input input) {
    // a 2.5 KB gats and a 3 KB set line arrive in two reads that are both in one burst: Netty's first read is
    // smaller than memcached's (16 KiB), so judging the first read alone closed lines memcached serves
    String gats = "gats 100 " + "0123456789012345678901234567890123456789 ".repeat(60) + "\r\n";
    String set = "set a 0 0 1" + " ".repeat(3000) + "\r\nx\r\n";
    for (String line : List.of(gats, set)) {
      EmbeddedChannel ch = input.channel(() -> new TextDecoder(LIMITS));
      ByteBuf first = Unpooled.copiedBuffer(bytes(line.substring(0, 2100)));
      ByteBuf rest = Unpooled.copiedBuffer(bytes(line.substring(2100)));
      ch.pipeline().fireChannelRead(first);
      ch.pipeline().fireChannelRead(rest);
      ch.pipeline().fireChannelReadComplete();
      List<String> got = renderAll(CodecFixtures.drain(ch));
      ch.finishAndReleaseAll();
      assertThat(got).hasSize(1);
      assertThat(got.get(0)).startsWith(line.startsWith("gats") ? "Get(keys=" : "Store(");
    }
    // the same set line whose first 2100 bytes were all a read burst brought: memcached closes it too
    EmbeddedChannel ch = input.channel(() -> new TextDecoder(LIMITS));
    List<ByteBuf> written = CodecFixtures.write(ch, bytes(set), left -> left > 1000 ? 2100 : left);
    assertThat(renderAll(CodecFixtures.drain(ch))).containsExactly("Close()");
    ch.finishAndReleaseAll();
    assertThat(written).allMatch(b -> b.refCnt() == 0);
  }

  @org.junit.jupiter.api.Test
  void aLongLineIsServedWhenItsNewlineArrivesWithinTheSameRead() {
    // memcached checks the bound only when a read leaves no newline in its buffer
    String line = "set a 0 0 1" + " ".repeat(3000) + "\r\nx\r\n";
    assertThat(renderAll(decode(TextDecoderTest::channel, bytes(line), Split.WHOLE, 0)))
        .containsExactly("Store(mode=SET key='a' flags=0 exptime=0 value='x' casUnique=0 noreply=false)");
    assertThat(renderAll(decode(TextDecoderTest::channel, bytes(line), Split.BYTE_BY_BYTE, 0)))
        .containsExactly("Close()");
  }
}
