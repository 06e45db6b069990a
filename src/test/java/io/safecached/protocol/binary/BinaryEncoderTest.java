package io.safecached.protocol.binary;

import static io.safecached.protocol.binary.BinaryFixtures.NONE;
import static io.safecached.protocol.binary.BinaryFixtures.hex;
import static io.safecached.testsupport.CodecFixtures.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.EncoderException;
import io.safecached.command.Result;
import io.safecached.command.Result.Rejection.Kind;
import io.safecached.command.Result.Meta;
import io.safecached.command.Result.MetaCode;
import io.safecached.command.Result.MetaItem;
import io.safecached.testsupport.CodecFixtures;
import io.safecached.testsupport.CodecFixtures.Release;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every reply shape of the binary encoder, byte for byte as memcached 1.6.18 sent it to the same requests
 * (observed with a raw-socket probe; CAS values are whatever the item has).
 */
class BinaryEncoderTest {

  /** The bytes written for {@code results}, every buffer released. */
  private static String encode(Result... results) {
    return CodecFixtures.encode(new BinaryEncoder(), b -> {
      assertThat(b.writerIndex()).as("bytes written into a buffer of capacity %d", b.capacity())
          .isEqualTo(b.capacity());
      return hex(ByteBufUtil.getBytes(b)); // one bulk read: leak tracking records each single-byte read
    }, Release.FREED_UNLESS_EMPTY, (Object[]) results);
  }

  /** A reply packet as memcached writes it. */
  private static String reply(int opcode, int status, int opaque, long cas, byte[] extras, byte[] key,
      byte[] body) {
    ByteBuffer b = ByteBuffer.allocate(24 + extras.length + key.length + body.length);
    b.put((byte) 0x81).put((byte) opcode).putShort((short) key.length).put((byte) extras.length).put((byte) 0)
        .putShort((short) status).putInt(extras.length + key.length + body.length).putInt(opaque).putLong(cas)
        .put(extras).put(key).put(body);
    return hex(b.array());
  }

  private static String reply(int opcode, int status, int opaque, String body) {
    return reply(opcode, status, opaque, 0, NONE, NONE, bytes(body));
  }

  private static Result.Framed framed(Result r, int opcode, int opaque, String key) {
    return new Result.Framed(r, BinaryFrame.of(opcode, opaque, bytes(key)));
  }

  private static MetaItem item(String key, String value, int flags, long cas) {
    return new MetaItem(bytes(key), false, value == null ? null : bytes(value), flags, cas, -1, 0, false,
        value == null ? 0 : value.length());
  }

  private static Meta hit(String key, String value, int flags, long cas) {
    return new Meta(value == null ? MetaCode.HD : MetaCode.VA, item(key, value, flags, cas), false, false, false);
  }

  private static byte[] flags(int f) {
    return ByteBuffer.allocate(4).putInt(f).array();
  }

  private static byte[] number(long v) {
    return ByteBuffer.allocate(8).putLong(v).array();
  }

  @Test
  void getHitsCarryFlagsCasAndForGetkTheKey() {
    Meta hit = hit("k", "hello", 0xdeadbeef, 2);
    assertThat(encode(framed(hit, 0x00, 7, "k")))
        .isEqualTo(reply(0x00, 0, 7, 2, flags(0xdeadbeef), NONE, bytes("hello")));
    assertThat(encode(framed(hit, 0x0c, 8, "k")))
        .isEqualTo(reply(0x0c, 0, 8, 2, flags(0xdeadbeef), bytes("k"), bytes("hello")));
    assertThat(encode(framed(hit, 0x09, 9, "k"))).as("getq hits are sent")
        .isEqualTo(reply(0x09, 0, 9, 2, flags(0xdeadbeef), NONE, bytes("hello")));
    assertThat(encode(framed(hit, 0x0d, 10, "k")))
        .isEqualTo(reply(0x0d, 0, 10, 2, flags(0xdeadbeef), bytes("k"), bytes("hello")));
    assertThat(encode(framed(hit("k", "", 0, 3), 0x00, 1, "k"))).as("an empty value")
        .isEqualTo(reply(0x00, 0, 1, 3, flags(0), NONE, NONE));
  }

  @Test
  void gatAndTouchHits() {
    Meta hit = hit("n", "1 ", 0, 10);
    assertThat(encode(framed(hit, 0x1d, 3, "n"))).isEqualTo(reply(0x1d, 0, 3, 10, flags(0), NONE, bytes("1 ")));
    assertThat(encode(framed(hit, 0x23, 4, "n")))
        .isEqualTo(reply(0x23, 0, 4, 10, flags(0), bytes("n"), bytes("1 ")));
    assertThat(encode(framed(hit, 0x1e, 5, "n"))).isEqualTo(reply(0x1e, 0, 5, 10, flags(0), NONE, bytes("1 ")));
    assertThat(encode(framed(hit, 0x24, 6, "n")))
        .isEqualTo(reply(0x24, 0, 6, 10, flags(0), bytes("n"), bytes("1 ")));
    assertThat(encode(framed(hit("n", null, 7, 10), 0x1c, 1, "n"))).as("touch: flags and CAS, no value")
        .isEqualTo(reply(0x1c, 0, 1, 10, flags(7), NONE, NONE));
  }

  @Test
  void missesSayNotFoundOrRepeatTheKeyAndQuietOnesSayNothing() {
    Meta miss = Meta.of(MetaCode.EN);
    assertThat(encode(framed(miss, 0x00, 7, "k"))).isEqualTo(reply(0x00, 1, 7, "Not found"));
    assertThat(encode(framed(miss, 0x0c, 8, "k"))).isEqualTo(reply(0x0c, 1, 8, 0, NONE, bytes("k"), NONE));
    assertThat(encode(framed(miss, 0x1d, 7, "zz"))).isEqualTo(reply(0x1d, 1, 7, "Not found"));
    assertThat(encode(framed(miss, 0x23, 8, "zz"))).isEqualTo(reply(0x23, 1, 8, 0, NONE, bytes("zz"), NONE));
    assertThat(encode(framed(miss, 0x1c, 2, "zz"))).isEqualTo(reply(0x1c, 1, 2, "Not found"));
    for (int quiet : List.of(0x09, 0x0d, 0x1e, 0x24)) {
      assertThat(encode(framed(miss, quiet, 1, "k"))).as("opcode %02x", quiet).isEmpty();
    }
  }

  @Test
  void storesAnswerWithTheNewCasAndFailuresByOpcode() {
    Meta stored = new Meta(MetaCode.HD, item("k", null, 0, 14), false, false, false);
    assertThat(encode(framed(stored, 0x01, 2, "k"))).isEqualTo(reply(0x01, 0, 2, 14, NONE, NONE, NONE));
    assertThat(encode(framed(stored, 0x0e, 2, "k"))).isEqualTo(reply(0x0e, 0, 2, 14, NONE, NONE, NONE));
    for (int quiet : List.of(0x11, 0x12, 0x13, 0x19, 0x1a)) {
      assertThat(encode(framed(stored, quiet, 1, "k"))).as("opcode %02x", quiet).isEmpty();
    }
    Meta notStored = Meta.of(MetaCode.NS);
    assertThat(encode(framed(notStored, 0x02, 3, "k"))).isEqualTo(reply(0x02, 2, 3, "Data exists for key."));
    assertThat(encode(framed(notStored, 0x12, 5, "k"))).isEqualTo(reply(0x12, 2, 5, "Data exists for key."));
    assertThat(encode(framed(notStored, 0x03, 4, "k"))).isEqualTo(reply(0x03, 1, 4, "Not found"));
    assertThat(encode(framed(notStored, 0x13, 6, "k"))).isEqualTo(reply(0x13, 1, 6, "Not found"));
    assertThat(encode(framed(notStored, 0x0e, 1, "k"))).isEqualTo(reply(0x0e, 5, 1, "Not stored."));
    assertThat(encode(framed(notStored, 0x19, 6, "k"))).isEqualTo(reply(0x19, 5, 6, "Not stored."));
    assertThat(encode(framed(notStored, 0x0f, 1, "k"))).isEqualTo(reply(0x0f, 5, 1, "Not stored."));
    assertThat(encode(framed(Meta.of(MetaCode.EX), 0x01, 1, "k"))).isEqualTo(reply(0x01, 2, 1, "Data exists for key."));
    assertThat(encode(framed(Meta.of(MetaCode.NF), 0x01, 2, "k"))).isEqualTo(reply(0x01, 1, 2, "Not found"));
    assertThat(encode(framed(Meta.of(MetaCode.NF), 0x02, 3, "k"))).isEqualTo(reply(0x02, 1, 3, "Not found"));
    assertThat(encode(framed(Meta.of(MetaCode.EX), 0x0e, 4, "k"))).isEqualTo(reply(0x0e, 2, 4, "Data exists for key."));
  }

  @Test
  void tooLargeAndOutOfMemory() {
    Result tooLarge = new Result.ServerError(Kind.TOO_LARGE, "object too large for cache");
    assertThat(encode(framed(tooLarge, 0x01, 2, "k"))).isEqualTo(reply(0x01, 3, 2, "Too large."));
    assertThat(encode(framed(tooLarge, 0x11, 5, "k"))).as("errors of quiet opcodes are sent")
        .isEqualTo(reply(0x11, 3, 5, "Too large."));
    assertThat(encode(framed(tooLarge, 0x0e, 4, "k"))).isEqualTo(reply(0x0e, 3, 4, "Too large."));
    assertThat(encode(framed(new Result.ServerError("out of memory storing object"), 0x01, 1, "k")))
        .as("memcached 1.6.18 for a set it cannot allocate").isEqualTo(reply(0x01, 0x82, 1, "Out of memory allocating item"));
  }

  @Test
  void deleteAnswersWithoutCas() {
    Meta deleted = new Meta(MetaCode.HD, item("k", null, 0, 99), false, false, false);
    assertThat(encode(framed(deleted, 0x04, 3, "k"))).isEqualTo(reply(0x04, 0, 3, 0, NONE, NONE, NONE));
    assertThat(encode(framed(Meta.of(MetaCode.HD), 0x04, 3, "k"))).isEqualTo(reply(0x04, 0, 3, 0, NONE, NONE, NONE));
    assertThat(encode(framed(deleted, 0x14, 4, "k"))).isEmpty();
    assertThat(encode(framed(Meta.of(MetaCode.NF), 0x04, 1, "k"))).isEqualTo(reply(0x04, 1, 1, "Not found"));
    assertThat(encode(framed(Meta.of(MetaCode.NF), 0x14, 5, "k"))).isEqualTo(reply(0x14, 1, 5, "Not found"));
    assertThat(encode(framed(Meta.of(MetaCode.EX), 0x04, 2, "k"))).isEqualTo(reply(0x04, 2, 2, "Data exists for key."));
  }

  @Test
  void incrAndDecrAnswerWithEightBytesAndTheCas() {
    assertThat(encode(framed(new Meta(MetaCode.HD, item("n", "10", 0, 7), false, false, false), 0x05, 2, "n")))
        .isEqualTo(reply(0x05, 0, 2, 7, NONE, NONE, number(10)));
    assertThat(encode(framed(new Meta(MetaCode.HD, item("n", "0 ", 0, 9), false, false, false), 0x06, 4, "n")))
        .as("a value memcached padded with spaces").isEqualTo(reply(0x06, 0, 4, 9, NONE, NONE, number(0)));
    assertThat(encode(framed(new Meta(MetaCode.HD, item("n", "18446744073709551615", 0, 1), false, false, false),
        0x05, 1, "n"))).isEqualTo(reply(0x05, 0, 1, 1, NONE, NONE, number(-1)));
    assertThat(encode(framed(new Meta(MetaCode.HD, item("n", "1", 0, 1), false, false, false), 0x15, 6, "n")))
        .isEmpty();
    assertThat(encode(framed(Meta.of(MetaCode.NF), 0x05, 1, "n"))).isEqualTo(reply(0x05, 1, 1, "Not found"));
    assertThat(encode(framed(Meta.of(MetaCode.NF), 0x16, 12, "m"))).isEqualTo(reply(0x16, 1, 12, "Not found"));
    assertThat(encode(framed(Meta.of(MetaCode.EX), 0x05, 5, "n"))).isEqualTo(reply(0x05, 2, 5, "Data exists for key."));
    Result nonNumeric = Result.NON_NUMERIC;
    assertThat(encode(framed(nonNumeric, 0x05, 9, "s")))
        .isEqualTo(reply(0x05, 6, 9, "Non-numeric server-side value for incr or decr"));
    assertThat(encode(framed(nonNumeric, 0x16, 10, "s")))
        .isEqualTo(reply(0x16, 6, 10, "Non-numeric server-side value for incr or decr"));
  }

  @Test
  void flushNoopVersionQuit() {
    assertThat(encode(framed(Result.Status.OK, 0x08, 1, ""))).isEqualTo(reply(0x08, 0, 1, ""));
    assertThat(encode(framed(Result.Status.OK, 0x18, 2, ""))).isEmpty();
    Result refused = new Result.ClientError(Kind.NOT_PERMITTED, "flush_all not allowed");
    assertThat(encode(framed(refused, 0x08, 1, ""))).as("-F").isEqualTo(reply(0x08, 0x20, 1, "Auth failure."));
    assertThat(encode(framed(refused, 0x18, 2, ""))).isEqualTo(reply(0x18, 0x20, 2, "Auth failure."));
    assertThat(encode(framed(Result.MetaNoop.INSTANCE, 0x0a, 11, ""))).isEqualTo(reply(0x0a, 0, 11, ""));
    assertThat(encode(framed(new Result.Version("1.6.18"), 0x0b, 1, ""))).isEqualTo(reply(0x0b, 0, 1, "1.6.18"));
    assertThat(encode(framed(Result.Status.OK, 0x07, 5, ""))).isEqualTo(reply(0x07, 0, 5, ""));
  }

  @Test
  void statsAreOnePacketEachThenAnEmptyOne() {
    Result stats = new Result.Stats(List.of(new Result.Stat("maxbytes", "67108864"), new Result.Stat("inter", "")));
    assertThat(encode(framed(stats, 0x10, 1, "settings"))).isEqualTo(
        reply(0x10, 0, 1, 0, NONE, bytes("maxbytes"), bytes("67108864"))
            + reply(0x10, 0, 1, 0, NONE, bytes("inter"), NONE)
            + reply(0x10, 0, 1, ""));
    assertThat(encode(framed(new Result.Stats(List.of()), 0x10, 2, "items"))).isEqualTo(reply(0x10, 0, 2, ""));
    assertThat(encode(framed(Result.Status.RESET, 0x10, 1, "reset"))).isEqualTo(reply(0x10, 0, 1, ""));
    assertThat(encode(framed(new Result.Error(Kind.NOT_FOUND, "ERROR"), 0x10, 1, "bogus"))).isEqualTo(reply(0x10, 1, 1, "Not found"));
  }

  @Test
  void statsDetailAsMemcachedAnswersItInBinary() {
    String dump = "PREFIX a get 1 hit 0 set 2 del 0\r\nEND\r\n";
    assertThat(encode(framed(new Result.PrefixDump(dump), 0x10, 3, "detail dump"))).isEqualTo(
        reply(0x10, 0, 3, 0, NONE, bytes("detailed"), bytes(dump)) + reply(0x10, 0, 3, ""));
    assertThat(encode(framed(Result.Status.OK, 0x10, 4, "detail on"))).as("on/off: the end marker alone")
        .isEqualTo(reply(0x10, 0, 4, ""));
    assertThat(encode(framed(new Result.ClientError(Kind.NOT_FOUND, "usage: stats detail on|off|dump"), 0x10, 5,
        "detail"))).isEqualTo(reply(0x10, 1, 5, "Not found"));
  }

  @Test
  void refusalsOfTheDecoder() {
    Result invalid = new Result.Error(Kind.INVALID_ARGUMENTS, "ERROR");
    assertThat(encode(new Result.Framed(Result.Error.PLAIN, BinaryFrame.of(0x50, 1, NONE))))
        .isEqualTo(reply(0x50, 0x81, 1, "Unknown command"));
    assertThat(encode(new Result.Framed(Result.Error.PLAIN, BinaryFrame.of(0x21, 1, NONE))))
        .isEqualTo(reply(0x21, 0x81, 1, "Unknown command"));
    assertThat(encode(new Result.Framed(invalid, BinaryFrame.of(0x00, 1, NONE))))
        .isEqualTo(reply(0x00, 0x04, 1, "Invalid arguments"));
    assertThat(encode(new Result.Framed(invalid, BinaryFrame.of(0x50, 1, NONE))))
        .as("a refusal's kind decides, also for an opcode memcached does not serve")
        .isEqualTo(reply(0x50, 0x04, 1, "Invalid arguments"));
  }

  /** Each kind of refusal has one status, whatever its text says (no text is matched). */
  @Test
  void aRefusalsStatusComesFromItsKind() {
    assertThat(encode(framed(new Result.ServerError(Kind.TOO_LARGE, "anything"), 0x01, 1, "k")))
        .isEqualTo(reply(0x01, 0x03, 1, "Too large."));
    assertThat(encode(framed(new Result.ServerError("object too large for cache"), 0x01, 1, "k")))
        .as("a server failure whose text mentions size is still a server failure").isEqualTo(reply(0x01, 0x82, 1,
            "Out of memory allocating item"));
    assertThat(encode(framed(Result.NON_NUMERIC, 0x05, 1, "k"))).isEqualTo(reply(0x05, 0x06, 1,
        "Non-numeric server-side value for incr or decr"));
    assertThat(encode(framed(new Result.ClientError(Kind.NOT_PERMITTED, "flush_all not allowed"), 0x08, 1, "")))
        .isEqualTo(reply(0x08, 0x20, 1, "Auth failure."));
    for (Kind kind : Kind.values()) {
      assertThat(BinaryEncoder.status(kind)).as(kind.toString()).isNotNull();
    }
  }

  @Test
  void theOpaqueIsEchoedWhole() {
    assertThat(encode(framed(Meta.of(MetaCode.EN), 0x0c, 0xffffffff, "abc")))
        .isEqualTo(reply(0x0c, 1, 0xffffffff, 0, NONE, bytes("abc"), NONE));
  }

  @Test
  void largeValuesAreSentWhole() {
    byte[] big = new byte[100_000];
    Arrays.fill(big, (byte) 'z');
    Meta hit = new Meta(MetaCode.VA, new MetaItem(bytes("big"), false, big, 2, 5, -1, 0, false, big.length),
        false, false, false);
    assertThat(encode(framed(hit, 0x0c, 3, "big"), framed(hit("s", "v", 1, 1), 0x00, 4, "s")))
        .isEqualTo(reply(0x0c, 0, 3, 5, flags(2), bytes("big"), big) + reply(0x00, 0, 4, 1, flags(1), NONE, bytes("v")));
  }

  @Test
  void valueSizesFromEmptyToOneMegabyte() {
    for (int length : new int[] {0, 1, 2047, 2048, 65535, 65536, 1024 * 1024}) {
      byte[] value = new byte[length];
      Arrays.fill(value, (byte) 'v');
      Meta hit = new Meta(MetaCode.VA, new MetaItem(bytes("key"), false, value, 9, 7, -1, 0, false, length),
          false, false, false);
      // getk: extras, key and value in the one buffer
      assertThat(encode(framed(hit, 0x0c, 1, "key"))).as("value of %d bytes", length)
          .isEqualTo(reply(0x0c, 0, 1, 7, flags(9), bytes("key"), value));
    }
  }

  @Test
  void aResultWithoutABinaryFrameIsABug() {
    EmbeddedChannel ch = new EmbeddedChannel(new BinaryEncoder());
    assertThatThrownBy(() -> ch.writeOutbound(Result.Status.STORED)).isInstanceOf(EncoderException.class)
        .hasMessageContaining("not a reply to a binary request");
    ch.finishAndReleaseAll();
  }
}
