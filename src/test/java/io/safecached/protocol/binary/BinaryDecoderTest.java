package io.safecached.protocol.binary;

import static io.safecached.protocol.binary.BinaryFixtures.NONE;
import static io.safecached.protocol.binary.BinaryFixtures.exptime;
import static io.safecached.protocol.binary.BinaryFixtures.incrExtras;
import static io.safecached.protocol.binary.BinaryFixtures.raw;
import static io.safecached.protocol.binary.BinaryFixtures.refusal;
import static io.safecached.protocol.binary.BinaryFixtures.renderAll;
import static io.safecached.protocol.binary.BinaryFixtures.request;
import static io.safecached.protocol.binary.BinaryFixtures.setExtras;
import static io.safecached.testsupport.CodecFixtures.bytes;
import static io.safecached.testsupport.CodecFixtures.concat;
import static io.safecached.testsupport.CodecFixtures.decode;
import static io.safecached.testsupport.CodecFixtures.drain;
import static io.safecached.testsupport.CodecFixtures.pattern;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.safecached.command.Command;
import io.safecached.protocol.ProtocolLimits;
import io.safecached.testsupport.CodecFixtures;
import io.safecached.testsupport.CodecFixtures.Split;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The binary decoder against fixtures of every opcode and of hostile headers, fed whole, byte by byte and in
 * random splits. What memcached 1.6.18 does with each malformed header was observed on the real server.
 */
class BinaryDecoderTest {
  private static final ProtocolLimits LIMITS = new ProtocolLimits(250, 2048, 8192, 1024 * 1024, false, false);
  private static final String KEY_250 = "k".repeat(250);
  private static final String KEY_251 = "k".repeat(251);

  private static EmbeddedChannel channel() {
    return new EmbeddedChannel(new BinaryDecoder(LIMITS));
  }

  // expected renderings -------------------------------------------------------------------------------------

  private static String frame(int op, int opaque, String key) {
    return String.format("[op=%02x opaque=%d key='%s']", op, opaque, key);
  }

  private static String mg(String key, boolean value, String touch, boolean quiet) {
    return "MetaGet(key='" + key + "' returnValue=" + value + " compareCas=0 newCas=0 touchTtl=" + touch
        + " vivifyTtl=null recacheTtl=null noBump=false quiet=" + quiet + " protocolCommand=true"
        + " steps=null)";
  }

  private static String ms(String key, String mode, String value, int flags, long ttl, long cas, boolean quiet) {
    return "MetaSet(key='" + key + "' mode=" + mode + " value='" + value + "' flags=" + flags + " ttl=" + ttl
        + " compareCas=" + cas + " newCas=0 invalidate=false vivifyTtl=null keyBinary=false quiet=" + quiet + ")";
  }

  private static String md(String key, long cas, boolean quiet) {
    return "MetaDelete(key='" + key + "' compareCas=" + cas + " newCas=0 invalidate=false ttl=null "
        + "removeValue=false quiet=" + quiet + ")";
  }

  private static String ma(String key, boolean incr, long delta, long initial, String vivify, long cas,
      boolean quiet) {
    return "MetaArithmetic(key='" + key + "' increment=" + incr + " delta=" + delta + " initial=" + initial
        + " vivifyTtl=" + vivify + " ttl=null compareCas=" + cas + " newCas=0 quiet=" + quiet + " steps=null)";
  }

  private static final String CLOSE = "Close()";

  private static byte[] noop(int opaque) {
    return request(0x0a, opaque, "");
  }

  private static String noopDecoded(int opaque) {
    return "MetaNoop() " + frame(0x0a, opaque, "");
  }

  // fixtures ------------------------------------------------------------------------------------------------

  static Stream<Arguments> fixtures() {
    byte[] set = setExtras(0xdeadbeef, 100);
    byte[] zero = setExtras(0, 0);
    return Stream.of(
        // retrieval
        fixture("get", request(0x00, 7, "k"), mg("k", true, "null", false) + " " + frame(0x00, 7, "k")),
        fixture("getq", request(0x09, 8, "k"), mg("k", true, "null", true) + " " + frame(0x09, 8, "k")),
        fixture("getk", request(0x0c, -1, "key"), mg("key", true, "null", false) + " " + frame(0x0c, -1, "key")),
        fixture("getkq", request(0x0d, 9, "k"), mg("k", true, "null", true) + " " + frame(0x0d, 9, "k")),
        fixture("get ignores the request cas", request(0x00, 1, 99, NONE, bytes("k"), NONE),
            mg("k", true, "null", false) + " " + frame(0x00, 1, "k")),
        fixture("get of a 250-byte key", request(0x00, 1, KEY_250),
            mg(KEY_250, true, "null", false) + " " + frame(0x00, 1, KEY_250)),
        fixture("gat", request(0x1d, 1, 0, exptime(100), bytes("k"), NONE),
            mg("k", true, "100", false) + " " + frame(0x1d, 1, "k")),
        fixture("gatq", request(0x1e, 1, 0, exptime(0), bytes("k"), NONE),
            mg("k", true, "0", true) + " " + frame(0x1e, 1, "k")),
        fixture("gatk: exptimes are unsigned", request(0x23, 1, 0, exptime(0xfffffffe), bytes("k"), NONE),
            mg("k", true, "4294967294", false) + " " + frame(0x23, 1, "k")),
        fixture("gatkq", request(0x24, 1, 0, exptime(5), bytes("k"), NONE),
            mg("k", true, "5", true) + " " + frame(0x24, 1, "k")),
        fixture("touch", request(0x1c, 3, 0, exptime(10), bytes("k"), NONE),
            mg("k", false, "10", false) + " " + frame(0x1c, 3, "k")),
        // storage
        fixture("set", request(0x01, 2, 0, set, bytes("k"), bytes("hello")),
            ms("k", "SET", "hello", 0xdeadbeef, 100, 0, false) + " " + frame(0x01, 2, "k")),
        fixture("setq with cas", request(0x11, 2, 77, zero, bytes("k"), bytes("v")),
            ms("k", "SET", "v", 0, 0, 77, true) + " " + frame(0x11, 2, "k")),
        fixture("set of an empty value", request(0x01, 2, 0, setExtras(1, -1), bytes("k"), NONE),
            ms("k", "SET", "", 1, 4294967295L, 0, false) + " " + frame(0x01, 2, "k")),
        fixture("add", request(0x02, 3, 0, zero, bytes("k"), bytes("x")),
            ms("k", "ADD", "x", 0, 0, 0, false) + " " + frame(0x02, 3, "k")),
        fixture("add with cas is a cas store, as in memcached", request(0x12, 3, 5, zero, bytes("k"), bytes("x")),
            ms("k", "SET", "x", 0, 0, 5, true) + " " + frame(0x12, 3, "k")),
        fixture("replace", request(0x03, 4, 0, zero, bytes("k"), bytes("x")),
            ms("k", "REPLACE", "x", 0, 0, 0, false) + " " + frame(0x03, 4, "k")),
        fixture("replaceq with cas", request(0x13, 4, 6, zero, bytes("k"), bytes("x")),
            ms("k", "SET", "x", 0, 0, 6, true) + " " + frame(0x13, 4, "k")),
        fixture("append", request(0x0e, 5, 0, NONE, bytes("k"), bytes("tail")),
            ms("k", "APPEND", "tail", 0, 0, 0, false) + " " + frame(0x0e, 5, "k")),
        fixture("appendq with cas", request(0x19, 5, 8, NONE, bytes("k"), bytes("t")),
            ms("k", "APPEND", "t", 0, 0, 8, true) + " " + frame(0x19, 5, "k")),
        fixture("prepend", request(0x0f, 6, 0, NONE, bytes("k"), bytes("head")),
            ms("k", "PREPEND", "head", 0, 0, 0, false) + " " + frame(0x0f, 6, "k")),
        fixture("prependq", request(0x1a, 6, 0, NONE, bytes("k"), bytes("h")),
            ms("k", "PREPEND", "h", 0, 0, 0, true) + " " + frame(0x1a, 6, "k")),
        fixture("a value with header bytes in it", request(0x01, 1, 0, zero, bytes("k"), noop(3)),
            ms("k", "SET", new String(noop(3), StandardCharsets.ISO_8859_1), 0, 0, 0, false)
                + " " + frame(0x01, 1, "k")),
        // delete, incr, decr
        fixture("delete", request(0x04, 1, "k"), md("k", 0, false) + " " + frame(0x04, 1, "k")),
        fixture("deleteq with cas", request(0x14, 1, 42, NONE, bytes("k"), NONE),
            md("k", 42, true) + " " + frame(0x14, 1, "k")),
        fixture("incr that must not create", request(0x05, 1, 0, incrExtras(1, 10, -1), bytes("n"), NONE),
            ma("n", true, 1, 10, "null", 0, false) + " " + frame(0x05, 1, "n")),
        fixture("incr that creates", request(0x05, 1, 3, incrExtras(-1, -2, 0), bytes("n"), NONE),
            ma("n", true, -1, -2, "0", 3, false) + " " + frame(0x05, 1, "n")),
        fixture("decrq", request(0x16, 1, 0, incrExtras(2, 0, 60), bytes("n"), NONE),
            ma("n", false, 2, 0, "60", 0, true) + " " + frame(0x16, 1, "n")),
        fixture("incrq", request(0x15, 1, 0, incrExtras(2, 0, 0x80000000), bytes("n"), NONE),
            ma("n", true, 2, 0, "2147483648", 0, true) + " " + frame(0x15, 1, "n")),
        fixture("decr", request(0x06, 1, 0, incrExtras(2, 0, -1), bytes("n"), NONE),
            ma("n", false, 2, 0, "null", 0, false) + " " + frame(0x06, 1, "n")),
        // the rest
        fixture("flush", request(0x08, 1, ""), "FlushAll(delay=0 noreply=false) " + frame(0x08, 1, "")),
        fixture("flush with a delay", request(0x08, 1, 0, exptime(30), NONE, NONE),
            "FlushAll(delay=30 noreply=false) " + frame(0x08, 1, "")),
        fixture("flushq: errors must still be heard, so the encoder hides the success",
            request(0x18, 1, ""), "FlushAll(delay=0 noreply=false) " + frame(0x18, 1, "")),
        fixture("noop", noop(12), noopDecoded(12)),
        fixture("version", request(0x0b, 1, ""), "Version() " + frame(0x0b, 1, "")),
        fixture("stat", request(0x10, 1, ""), "Stats(group=null args=[]) " + frame(0x10, 1, "")),
        fixture("stat items", request(0x10, 1, "items"), "Stats(group=items args=[]) " + frame(0x10, 1, "items")),
        // memcached matches "detail" and what follows it by prefix
        fixture("stat detail dump", request(0x10, 1, "detail dumpster"),
            "Stats(group=detail args=[dump]) " + frame(0x10, 1, "detail dumpster")),
        fixture("stat detail on", request(0x10, 1, "detail on"),
            "Stats(group=detail args=[on]) " + frame(0x10, 1, "detail on")),
        fixture("stat detail off", request(0x10, 1, "detailed off"),
            "Stats(group=detail args=[]) " + frame(0x10, 1, "detailed off")),
        fixture("stat cachedump", request(0x10, 1, "cachedump 1 1"),
            "Stats(group=cachedump 1 1 args=[]) " + frame(0x10, 1, "cachedump 1 1")),
        fixture("datatype and vbucket are ignored",
            concat(new byte[] {(byte) 0x80, 0x0a, 0, 0, 0, 5, 0, 7}, new byte[16]), noopDecoded(0)),
        fixture("pipelined", concat(request(0x09, 1, "a"), request(0x0d, 2, "b"), noop(3)),
            mg("a", true, "null", true) + " " + frame(0x09, 1, "a"),
            mg("b", true, "null", true) + " " + frame(0x0d, 2, "b"), noopDecoded(3)),
        // quit: the reply is the decoder's, then nothing more is read
        fixture("quit", concat(request(0x07, 5, ""), noop(6)), "OK " + frame(0x07, 5, ""), CLOSE),
        fixture("quitq", concat(request(0x17, 5, ""), noop(6)), CLOSE),
        // SASL while it is not enabled: Unknown command, body skipped, connection kept
        fixture("sasl list mechs", concat(request(0x20, 1, ""), noop(2)),
            refusal(0x20, 1, BinaryStatus.UNKNOWN_COMMAND), noopDecoded(2)),
        fixture("sasl auth", concat(request(0x21, 1, 0, NONE, bytes("PLAIN"), bytes("\0u\0p")), noop(2)),
            refusal(0x21, 1, BinaryStatus.UNKNOWN_COMMAND), noopDecoded(2)),
        fixture("sasl step", concat(request(0x22, 1, 0, NONE, bytes("PLAIN"), bytes("xy")), noop(2)),
            refusal(0x22, 1, BinaryStatus.UNKNOWN_COMMAND), noopDecoded(2)),
        // unknown opcodes: Unknown command, exactly the body skipped, connection kept
        fixture("verbosity is not served", concat(request(0x1b, 1, 0, exptime(1), NONE, NONE), noop(2)),
            refusal(0x1b, 1, BinaryStatus.UNKNOWN_COMMAND), noopDecoded(2)),
        fixture("unknown opcode with key and value",
            concat(request(0x50, 1, 0, NONE, bytes("abc"), bytes("value")), noop(2)),
            refusal(0x50, 1, BinaryStatus.UNKNOWN_COMMAND), noopDecoded(2)),
        fixture("unknown opcode 0xff", concat(request(0xff, 1, ""), noop(2)),
            refusal(0xff, 1, BinaryStatus.UNKNOWN_COMMAND), noopDecoded(2)),
        // bad magic: closed without a reply
        fixture("a reply's magic", concat(raw(0x81, 0x0a, 0, 0, 0, 1, 0, NONE), noop(2)), CLOSE),
        fixture("bad magic after a request", concat(noop(1), raw(0x00, 0x0a, 0, 0, 0, 1, 0, NONE), noop(2)),
            noopDecoded(1), CLOSE),
        fixture("text after binary", concat(noop(1), bytes("version\r\n" + " ".repeat(15))), noopDecoded(1), CLOSE),
        // impossible lengths: Unknown command, closed
        fixture("key longer than the body", concat(raw(0x80, 0x00, 3, 0, 2, 1, 0, bytes("abc")), noop(2)),
            refusal(0x00, 1, BinaryStatus.UNKNOWN_COMMAND), CLOSE),
        fixture("key and extras longer than the body", raw(0x80, 0x01, 4, 8, 11, 1, 0, NONE),
            refusal(0x01, 1, BinaryStatus.UNKNOWN_COMMAND), CLOSE),
        // lengths that do not fit the opcode: Invalid arguments, closed
        fixture("key over 250 bytes", concat(request(0x00, 1, KEY_251), noop(2)),
            refusal(0x00, 1, BinaryStatus.EINVAL), CLOSE),
        fixture("key over 250 bytes on an unknown opcode", request(0x50, 1, KEY_251),
            refusal(0x50, 1, BinaryStatus.EINVAL), CLOSE),
        fixture("get with extras", request(0x00, 1, 0, exptime(1), bytes("k"), NONE),
            refusal(0x00, 1, BinaryStatus.EINVAL), CLOSE),
        fixture("get without a key", request(0x00, 1, ""), refusal(0x00, 1, BinaryStatus.EINVAL), CLOSE),
        fixture("get with a value", request(0x00, 1, 0, NONE, bytes("k"), bytes("v")),
            refusal(0x00, 1, BinaryStatus.EINVAL), CLOSE),
        fixture("a 4 GB get is refused from its header", raw(0x80, 0x00, 1, 0, 0xffffffffL, 1, 0, bytes("k")),
            refusal(0x00, 1, BinaryStatus.EINVAL), CLOSE),
        fixture("set with 4 bytes of extras", request(0x01, 1, 0, exptime(0), bytes("k"), bytes("v")),
            refusal(0x01, 1, BinaryStatus.EINVAL), CLOSE),
        fixture("set without a key", request(0x01, 1, 0, zero, NONE, bytes("v")),
            refusal(0x01, 1, BinaryStatus.EINVAL), CLOSE),
        fixture("append with extras", request(0x0e, 1, 0, zero, bytes("k"), bytes("v")),
            refusal(0x0e, 1, BinaryStatus.EINVAL), CLOSE),
        fixture("delete with a value", request(0x04, 1, 0, NONE, bytes("k"), bytes("v")),
            refusal(0x04, 1, BinaryStatus.EINVAL), CLOSE),
        fixture("incr with short extras", request(0x05, 1, 0, zero, bytes("n"), NONE),
            refusal(0x05, 1, BinaryStatus.EINVAL), CLOSE),
        fixture("incr with a value", request(0x05, 1, 0, incrExtras(1, 0, 0), bytes("n"), bytes("1")),
            refusal(0x05, 1, BinaryStatus.EINVAL), CLOSE),
        fixture("touch without extras", request(0x1c, 1, "k"), refusal(0x1c, 1, BinaryStatus.EINVAL), CLOSE),
        fixture("touch with a value (memcached reads it as the next request)",
            request(0x1c, 1, 0, exptime(0), bytes("k"), bytes("zz")), refusal(0x1c, 1, BinaryStatus.EINVAL), CLOSE),
        fixture("stat with extras", request(0x10, 1, 0, exptime(0), NONE, NONE),
            refusal(0x10, 1, BinaryStatus.EINVAL), CLOSE),
        fixture("stat with a value (memcached reads it as the next request)",
            request(0x10, 1, 0, NONE, bytes("reset"), bytes("zz")), refusal(0x10, 1, BinaryStatus.EINVAL), CLOSE),
        fixture("flush with 8 bytes of extras", request(0x08, 1, 0, zero, NONE, NONE),
            refusal(0x08, 1, BinaryStatus.EINVAL), CLOSE),
        fixture("flush with a key", request(0x08, 1, "k"), refusal(0x08, 1, BinaryStatus.EINVAL), CLOSE),
        fixture("version with a body", request(0x0b, 1, 0, NONE, NONE, bytes("x")),
            refusal(0x0b, 1, BinaryStatus.EINVAL), CLOSE),
        fixture("noop with a key", request(0x0a, 1, "k"), refusal(0x0a, 1, BinaryStatus.EINVAL), CLOSE),
        fixture("quit with a key", request(0x07, 1, "k"), refusal(0x07, 1, BinaryStatus.EINVAL), CLOSE),
        fixture("sasl list with a key", request(0x20, 1, "k"), refusal(0x20, 1, BinaryStatus.EINVAL), CLOSE),
        fixture("sasl auth without a key", request(0x21, 1, 0, NONE, NONE, bytes("xyz")),
            refusal(0x21, 1, BinaryStatus.EINVAL), CLOSE),
        fixture("nothing is read after a refusal that closes",
            concat(request(0x00, 1, ""), noop(2), noop(3)), refusal(0x00, 1, BinaryStatus.EINVAL), CLOSE));
  }

  private static Arguments fixture(String name, byte[] input, String... expected) {
    return Arguments.of(name, input, List.of(expected));
  }

  static Stream<Arguments> fixturesBySplit() {
    return CodecFixtures.bySplit(fixtures());
  }

  @ParameterizedTest(name = "{1}: {0}")
  @MethodSource("fixturesBySplit")
  void decodesLikeMemcached(String name, Split split, byte[] input, List<String> expected) {
    CodecFixtures.assertDecodes(BinaryDecoderTest::channel, BinaryFixtures::renderAll, input, split, expected);
  }

  @ParameterizedTest
  @EnumSource(Split.class)
  void aLargeValueArrivesIntact(Split split) {
    byte[] value = pattern(300_000);
    byte[] input = concat(request(0x01, 9, 0, setExtras(3, 0), bytes("big"), value), noop(10));
    List<Object> got = decode(BinaryDecoderTest::channel, input, split == Split.BYTE_BY_BYTE ? Split.RANDOM : split, 7);
    assertThat(got).hasSize(2);
    Command.MetaSet set = (Command.MetaSet) ((Command.Framed) got.get(0)).command();
    assertThat(Arrays.equals(set.value(), value)).as("value bytes").isTrue();
    assertThat(set.flags()).isEqualTo(3);
    assertThat(renderAll(got.subList(1, 2))).containsExactly(noopDecoded(10));
  }

  @ParameterizedTest
  @EnumSource(Split.class)
  void itemLimitCountsKeyAndHeaderLikeMemcached(Split split) {
    // memcached: header 48 + cas 8 + key + 1 + value + 2 must fit -I (observed: 1048516 bytes fit with key "k")
    int fits = 1024 * 1024 - 56 - 1 - 1 - 2;
    Split cut = split == Split.BYTE_BY_BYTE ? Split.RANDOM : split;
    List<String> ok = renderAll(decode(BinaryDecoderTest::channel,
        request(0x01, 1, 0, setExtras(0, 0), bytes("k"), new byte[fits]), cut, 1));
    assertThat(ok).singleElement().asString().startsWith("MetaSet(key='k' mode=SET");
    List<String> tooBig = renderAll(decode(BinaryDecoderTest::channel, concat(
        request(0x11, 2, 0, setExtras(0, 0), bytes("k"), new byte[fits + 1]),
        request(0x02, 3, 0, setExtras(0, 0), bytes("k"), new byte[fits + 1]),
        request(0x19, 4, 0, NONE, bytes("k"), new byte[fits + 1]),
        noop(5)), cut, 3));
    assertThat(tooBig).containsExactly(
        "StoreTooLarge(mode=SET key='k' noreply=false) " + frame(0x11, 2, "k"),
        "StoreTooLarge(mode=ADD key='k' noreply=false) " + frame(0x02, 3, "k"),
        "StoreTooLarge(mode=APPEND key='k' noreply=false) " + frame(0x19, 4, "k"),
        noopDecoded(5));
  }

  /**
   * Regression (binary flags boundary): non-zero flags take 4 more bytes of the item, as in memcached and the
   * text path, so a value that fits with flags 0 is too large with flags 1 (memcached: status E2BIG).
   */
  @ParameterizedTest
  @EnumSource(Split.class)
  void nonZeroFlagsCountFourBytesAgainstTheItemLimit(Split split) {
    int fitsWithoutFlags = 1024 * 1024 - 56 - 1 - 1 - 2;
    Split cut = split == Split.BYTE_BY_BYTE ? Split.RANDOM : split;
    List<String> got = renderAll(decode(BinaryDecoderTest::channel, concat(
        request(0x01, 1, 0, setExtras(1, 0), bytes("k"), new byte[fitsWithoutFlags - 3]),
        request(0x01, 2, 0, setExtras(0, 0), bytes("k"), new byte[fitsWithoutFlags - 3]),
        request(0x01, 3, 0, setExtras(1, 0), bytes("k"), new byte[fitsWithoutFlags - 4]),
        noop(4)), cut, 5));
    assertThat(got).hasSize(4);
    assertThat(got.get(0)).isEqualTo("StoreTooLarge(mode=SET key='k' noreply=false) " + frame(0x01, 1, "k"));
    assertThat(got.get(1)).startsWith("MetaSet(key='k' mode=SET");
    assertThat(got.get(2)).startsWith("MetaSet(key='k' mode=SET");
    assertThat(got.get(3)).isEqualTo(noopDecoded(4));
  }

  @Test
  void aFourGigabyteValueIsRefusedFromItsHeaderAndSkippedAsItArrives() {
    EmbeddedChannel ch = channel();
    try {
      byte[] head = raw(0x80, 0x01, 1, 8, 0xffffffffL, 1, 0, concat(setExtras(0, 0), bytes("k")));
      ch.writeInbound(Unpooled.wrappedBuffer(head));
      assertThat(renderAll(drain(ch))).containsExactly("StoreTooLarge(mode=SET key='k' noreply=false) "
          + frame(0x01, 1, "k"));
      // 1 MB of the body arrives: nothing is kept and nothing is emitted
      ByteBuf chunk = Unpooled.wrappedBuffer(new byte[1024 * 1024]);
      ch.writeInbound(chunk);
      assertThat(drain(ch)).isEmpty();
      assertThat(chunk.refCnt()).as("the chunk was consumed and released, not kept").isZero();
      ch.writeInbound(Unpooled.wrappedBuffer(noop(2)));
      assertThat(drain(ch)).as("the noop is still part of the skipped body").isEmpty();
    } finally {
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void noNewRequestIsReadWhileTheChannelIsNotWritable() {
    EmbeddedChannel ch = channel();
    try {
      ch.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
      assertThat(ch.isWritable()).isFalse();
      ch.writeInbound(Unpooled.wrappedBuffer(concat(noop(1), noop(2))));
      assertThat(drain(ch)).as("nothing decoded while replies cannot be written").isEmpty();
      ch.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
      ch.writeInbound(Unpooled.EMPTY_BUFFER); // what CommandHandler fires when the channel becomes writable
      assertThat(renderAll(drain(ch))).containsExactly(noopDecoded(1), noopDecoded(2));
    } finally {
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void aValueBeingReadIsFinishedEvenWhileNotWritable() {
    EmbeddedChannel ch = channel();
    try {
      byte[] set = request(0x01, 1, 0, setExtras(0, 0), bytes("k"), bytes("value"));
      ch.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOf(set, set.length - 2)));
      ch.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
      ch.writeInbound(Unpooled.wrappedBuffer(concat(Arrays.copyOfRange(set, set.length - 2, set.length),
          noop(2))));
      assertThat(renderAll(drain(ch))).containsExactly(
          ms("k", "SET", "value", 0, 0, 0, false) + " " + frame(0x01, 1, "k"));
    } finally {
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void opcodesAreTheOnesMemcachedServes() {
    List<Integer> served = new ArrayList<>();
    for (int code = 0; code < 256; code++) {
      if (Opcode.of(code) != null) {
        served.add(code);
        assertThat(Opcode.of(code).code()).isEqualTo(code);
      }
    }
    assertThat(served).containsExactly(0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b,
        0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1c, 0x1d, 0x1e,
        0x20, 0x21, 0x22, 0x23, 0x24);
    for (Opcode o : Opcode.values()) {
      assertThat(o.quiet()).as(o.name()).isEqualTo(o.name().endsWith("Q"));
      assertThat(o.loud().quiet()).isFalse();
    }
    assertThat(Opcode.GATKQ.loud()).isEqualTo(Opcode.GATK);
  }
}
