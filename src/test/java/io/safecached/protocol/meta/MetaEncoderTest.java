package io.safecached.protocol.meta;

import static io.safecached.testsupport.CodecFixtures.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.safecached.command.Result;
import io.safecached.command.Result.Meta;
import io.safecached.command.Result.MetaCode;
import io.safecached.command.Result.MetaItem;
import io.safecached.protocol.meta.MetaFrame.Verb;
import io.safecached.protocol.text.TextEncoder;
import io.safecached.testsupport.CodecFixtures;
import io.safecached.testsupport.CodecFixtures.Release;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Meta replies through the text encoder, byte for byte as memcached 1.6.18 wrote them for the same requests
 * (the expected lines were captured from it with nc); every buffer is released or a shared constant.
 */
class MetaEncoderTest {

  /** The bytes written for {@code results}; every buffer is a shared constant or exactly sized, and released. */
  private static String encode(Result... results) {
    return CodecFixtures.encode(new TextEncoder(), b -> {
      if (!b.isReadOnly()) {
        assertThat(b.writerIndex()).as("bytes written into a buffer of capacity %d", b.capacity())
            .isEqualTo(b.capacity());
      }
      return b.toString(StandardCharsets.ISO_8859_1);
    }, Release.FREED_OR_SHARED_CONSTANT, (Object[]) results);
  }

  private static MetaFrame frame(Verb verb, String key, boolean binary, String flags, String opaque, int length) {
    return new MetaFrame(verb, bytes(key), binary, bytes(flags), opaque == null ? null : bytes(opaque), length);
  }

  private static MetaFrame frame(Verb verb, String key, String flags, String opaque) {
    return frame(verb, key, false, flags, opaque, 0);
  }

  private static MetaItem item(String key, boolean binary, String value, int flags, long cas, long ttl, int size) {
    return new MetaItem(bytes(key), binary, value == null ? null : bytes(value), flags, cas, ttl, 0, false, size);
  }

  private static Result framed(Result result, MetaFrame frame) {
    return new Result.Framed(result, frame);
  }

  private static Meta hit(MetaItem item) {
    return new Meta(item.value() != null ? MetaCode.VA : MetaCode.HD, item, false, false, false);
  }

  // ---------------------------------------------------------------- mg

  @Test
  void mgHitEchoesReturnFlagsInRequestOrder() {
    MetaItem foo = new MetaItem(bytes("foo"), false, bytes("hi"), 5, 1, -1, 0, false, 2);
    // mg foo s t c f l h O123 k v
    assertThat(encode(framed(hit(foo), frame(Verb.MG, "foo", "stcflhOkv", "O123"))))
        .isEqualTo("VA 2 s2 t-1 c1 f5 l0 h0 O123 kfoo\r\nhi\r\n");
    // the same flags in another order, after flags that print nothing
    MetaItem seen = new MetaItem(bytes("foo"), false, bytes("hi"), -1, -1, 100, 7, true, 2);
    assertThat(encode(framed(hit(seen), frame(Verb.MG, "foo", "qvkOhlfctsTNRuE", "Ox"))))
        .isEqualTo("VA 2 kfoo Ox h1 l7 f4294967295 c18446744073709551615 t100 s2\r\nhi\r\n");
  }

  @Test
  void mgHitWithoutValueIsHd() {
    MetaItem a = item("a", false, null, 0, 9, -1, 2);
    assertThat(encode(framed(hit(a), frame(Verb.MG, "a", "", null)))).isEqualTo("HD\r\n");
    assertThat(encode(framed(hit(a), frame(Verb.MG, "a", "qu", null)))).isEqualTo("HD\r\n");
    assertThat(encode(framed(hit(a), frame(Verb.MG, "a", "s", null)))).isEqualTo("HD s2\r\n");
    assertThat(encode(framed(hit(item("a", false, "", 0, 9, -1, 0)), frame(Verb.MG, "a", "vs", null))))
        .isEqualTo("VA 0 s0\r\n\r\n");
  }

  @Test
  void mgKeyEchoFollowsTheStoredItem() {
    // ms YQ== 2 b, then mg a k v / mg a k s: the item was stored with a base64 key
    MetaItem binary = item("a", true, "hi", 0, 3, -1, 2);
    assertThat(encode(framed(hit(binary), frame(Verb.MG, "a", "kv", null)))).isEqualTo("VA 2 kYQ== b\r\nhi\r\n");
    assertThat(encode(framed(hit(item("a", true, null, 0, 3, -1, 2)), frame(Verb.MG, "a", "ks", null))))
        .isEqualTo("HD kYQ== b s2\r\n");
    // set foo, then mg Zm9v b k v: the request's b does not make a plain item's key binary
    assertThat(encode(framed(hit(item("foo", false, "hi", 0, 1, -1, 2)),
        frame(Verb.MG, "foo", true, "bkv", null, 0)))).isEqualTo("VA 2 kfoo\r\nhi\r\n");
  }

  @Test
  void stampedeMarksComeLastAsZxw() {
    MetaItem viv = item("viv", false, "", 0, 14, 30, 0);
    assertThat(encode(framed(new Meta(MetaCode.VA, viv, true, false, false),
        frame(Verb.MG, "viv", "Nvctks", null)))).isEqualTo("VA 0 c14 t30 kviv s0 W\r\n\r\n");
    assertThat(encode(framed(new Meta(MetaCode.VA, viv, false, false, true),
        frame(Verb.MG, "viv", "Nvct", null)))).isEqualTo("VA 0 c14 t30 Z\r\n\r\n");
    MetaItem stale = item("viv", false, "", 0, 15, 30, 0);
    assertThat(encode(framed(new Meta(MetaCode.VA, stale, true, true, false), frame(Verb.MG, "viv", "vc", null))))
        .isEqualTo("VA 0 c15 X W\r\n\r\n");
    assertThat(encode(framed(new Meta(MetaCode.VA, stale, false, true, true), frame(Verb.MG, "viv", "vc", null))))
        .isEqualTo("VA 0 c15 Z X\r\n\r\n");
    assertThat(encode(framed(new Meta(MetaCode.HD, item("viv2", false, null, 0, 1, 30, 0), true, false, false),
        frame(Verb.MG, "viv2", "Nqk", null)))).isEqualTo("HD kviv2 W\r\n");
    assertThat(encode(framed(new Meta(MetaCode.HD, item("x", false, null, 0, 1, 30, 0), false, false, true),
        frame(Verb.MG, "x", "", null)))).isEqualTo("HD Z\r\n");
  }

  @Test
  void mgMissEchoesOnlyOpaqueAndKey() {
    Meta miss = Meta.of(MetaCode.EN);
    assertThat(encode(framed(miss, frame(Verb.MG, "a", "v", null)))).isEqualTo("EN\r\n");
    assertThat(encode(framed(miss, frame(Verb.MG, "bar", "vqOk", "O1")))).isEqualTo("EN O1 kbar\r\n");
    assertThat(encode(framed(miss, frame(Verb.MG, "a", "stcflhv", null)))).isEqualTo("EN\r\n");
    // mg Zg== b k O1: the decoded key is encoded again
    assertThat(encode(framed(miss, frame(Verb.MG, "f", true, "bkO", "O1", 0)))).isEqualTo("EN kZg== b O1\r\n");
  }

  @Test
  void largeValuesAreSentWhole() {
    byte[] big = new byte[100_000];
    Arrays.fill(big, (byte) 'z');
    MetaItem item = new MetaItem(bytes("big"), false, big, 0, 1, -1, 0, false, big.length);
    assertThat(encode(framed(hit(item), frame(Verb.MG, "big", "vk", null))))
        .isEqualTo("VA 100000 kbig\r\n" + "z".repeat(100_000) + "\r\n");
  }

  @Test
  void valueSizesFromEmptyToOneMegabyte() {
    for (int length : new int[] {0, 1, 2047, 2048, 65535, 65536, 1024 * 1024}) {
      byte[] value = new byte[length];
      Arrays.fill(value, (byte) 'v');
      MetaItem item = new MetaItem(bytes("key"), false, value, 1, 2, 3, 4, true, length);
      assertThat(encode(framed(new Meta(MetaCode.VA, item, true, true, true), frame(Verb.MG, "key", "vcfkOstlh",
          "Oabc")))).as("value of %d bytes", length).isEqualTo("VA " + length + " c2 f1 kkey Oabc s" + length
          + " t3 l4 h1 Z X W\r\n" + "v".repeat(length) + "\r\n");
    }
  }

  @Test
  void numbersAtTheirLimitsAndBinaryKeysOfEveryPadding() {
    MetaItem item = new MetaItem(bytes("k"), false, (byte[]) null, -1, -1, Long.MIN_VALUE, Long.MAX_VALUE, false, 0);
    assertThat(encode(framed(hit(item), frame(Verb.MG, "k", "fctls", null))))
        .isEqualTo("HD f4294967295 c18446744073709551615 t-9223372036854775808 l9223372036854775807 s0\r\n");
    // base64 of 1, 2 and 3 bytes: two, one and no padding symbols
    for (String key : new String[] {"a", "ab", "abc", "abcd"}) {
      String b64 = java.util.Base64.getEncoder().encodeToString(bytes(key));
      assertThat(encode(framed(Meta.of(MetaCode.NF), frame(Verb.MD, key, true, "bk", null, 0))))
          .isEqualTo("NF k" + b64 + " b\r\n");
      assertThat(encode(framed(hit(item(key, true, null, 0, 0, 0, 0)), frame(Verb.MG, key, "k", null))))
          .isEqualTo("HD k" + b64 + " b\r\n");
    }
    assertThat(encode(framed(new Result.MetaDebug(bytes("n"), false, Long.MIN_VALUE, -1, 0, false, -1,
        Long.MAX_VALUE), frame(Verb.ME, "n", "", null))))
        .isEqualTo("ME n exp=-9223372036854775808 la=-1 cas=0 fetch=no cls=-1 size=9223372036854775807\r\n");
  }

  // ---------------------------------------------------------------- ms

  @Test
  void msEchoesOpaqueKeyCasAndSize() {
    MetaItem stored = item("a", true, null, 0, 3, -1, 2);
    Meta ok = new Meta(MetaCode.HD, stored, false, false, false);
    assertThat(encode(framed(ok, frame(Verb.MS, "a", true, "b", null, 2)))).isEqualTo("HD\r\n");
    // ms YQ== 2 O5 k c b s
    assertThat(encode(framed(ok, frame(Verb.MS, "a", true, "Okcbs", "O5", 2)))).isEqualTo("HD O5 kYQ== b c3 s2\r\n");
    // ms a 2 ME O5 k c on an existing item: c prints 0 on failure
    assertThat(encode(framed(Meta.of(MetaCode.NS), frame(Verb.MS, "a", "MOkc", "O5")))).isEqualTo("NS O5 ka c0\r\n");
    assertThat(encode(framed(Meta.of(MetaCode.EX), frame(Verb.MS, "a", false, "Cs", null, 7)))).isEqualTo("EX s7\r\n");
    assertThat(encode(framed(Meta.of(MetaCode.NF), frame(Verb.MS, "a", "TFvtflh", null)))).isEqualTo("NF\r\n");
    // s is the stored size, which append changes
    assertThat(encode(framed(new Meta(MetaCode.HD, item("a", false, null, 0, 4, -1, 9), false, false, false),
        frame(Verb.MS, "a", false, "MsO", "Oq", 2)))).isEqualTo("HD s9 Oq\r\n");
  }

  // ---------------------------------------------------------------- md, ma, me, mn

  @Test
  void mdEchoesOpaqueAndKey() {
    assertThat(encode(framed(Meta.of(MetaCode.HD), frame(Verb.MD, "a", "q", null)))).isEqualTo("HD\r\n");
    assertThat(encode(framed(Meta.of(MetaCode.NF), frame(Verb.MD, "nokey", "Okq", "O1"))))
        .isEqualTo("NF O1 knokey\r\n");
    assertThat(encode(framed(Meta.of(MetaCode.NF), frame(Verb.MD, "a", true, "bkO", "O9", 0))))
        .isEqualTo("NF kYQ== b O9\r\n");
    assertThat(encode(framed(Meta.of(MetaCode.EX), frame(Verb.MD, "a", "Ck", null)))).isEqualTo("EX ka\r\n");
  }

  @Test
  void maHitPrintsTheNumberAfterTheFlags() {
    MetaItem ten = item("nokey", false, "10", 0, 7, -1, 2);
    // ma nokey N0 J10 O1 k t c v
    assertThat(encode(framed(hit(ten), frame(Verb.MA, "nokey", "NJOktcv", "O1"))))
        .isEqualTo("VA 2 O1 knokey t-1 c7\r\n10\r\n");
    MetaItem five = item("nokey", false, "5", 0, 8, -1, 1);
    assertThat(encode(framed(hit(five), frame(Verb.MA, "nokey", "vDMtc", null)))).isEqualTo("VA 1 t-1 c8\r\n5\r\n");
    assertThat(encode(framed(hit(five), frame(Verb.MA, "nokey", "", null)))).isEqualTo("HD\r\n");
    assertThat(encode(framed(hit(five), frame(Verb.MA, "k", true, "bck", null, 0)))).isEqualTo("HD c8 kaw== b\r\n");
  }

  @Test
  void maMissEchoesOnlyOpaqueAndKey() {
    assertThat(encode(framed(Meta.of(MetaCode.NF), frame(Verb.MA, "nokey", "Oktcv", "O1"))))
        .isEqualTo("NF O1 knokey\r\n");
    assertThat(encode(framed(Meta.of(MetaCode.EX), frame(Verb.MA, "nokey", "Cv", null)))).isEqualTo("EX\r\n");
  }

  @Test
  void meAndMn() {
    assertThat(encode(framed(new Result.MetaDebug(bytes("nokey"), false, -1, 2, 11, false, 1, 66),
        frame(Verb.ME, "nokey", "", null)))).isEqualTo("ME nokey exp=-1 la=2 cas=11 fetch=no cls=1 size=66\r\n");
    // the key of an item stored from base64 is printed in base64, without the b flag
    assertThat(encode(framed(new Result.MetaDebug(bytes("a"), true, 100, 0, -1, true, 2, 200),
        frame(Verb.ME, "a", true, "", null, 0))))
        .isEqualTo("ME YQ== exp=100 la=0 cas=18446744073709551615 fetch=yes cls=2 size=200\r\n");
    assertThat(encode(framed(Meta.of(MetaCode.EN), frame(Verb.ME, "a", "", null)))).isEqualTo("EN\r\n");
    assertThat(encode(framed(Result.MetaNoop.INSTANCE, frame(Verb.MN, "", "", null)), Result.MetaNoop.INSTANCE))
        .isEqualTo("MN\r\nMN\r\n");
  }

  // ---------------------------------------------------------------- shared paths

  @Test
  void anOpaqueTooLongToEchoTurnsAnMgOrMaReplyIntoAnError() {
    String opaque = "O" + "1".repeat(32);
    MetaItem one = item("a", false, "1", 0, 2, -1, 1);
    assertThat(encode(framed(hit(one), frame(Verb.MG, "a", "Ov", opaque)),
        framed(Meta.of(MetaCode.EN), frame(Verb.MG, "a", "qO", opaque)),
        framed(hit(one), frame(Verb.MA, "a", "O", opaque)),
        framed(Meta.of(MetaCode.NF), frame(Verb.MA, "a", "O", opaque)),
        framed(new Result.ClientError("cannot increment or decrement non-numeric value"), frame(Verb.MA, "a", "O",
            opaque))))
        .isEqualTo("CLIENT_ERROR opaque token too long\r\n".repeat(4)
            + "CLIENT_ERROR cannot increment or decrement non-numeric value\r\n");
    // 32 bytes are echoed
    String longest = "O" + "1".repeat(31);
    assertThat(encode(framed(hit(one), frame(Verb.MG, "a", "Ov", longest))))
        .isEqualTo("VA 1 " + longest + "\r\n1\r\n");
  }

  @Test
  void framedErrorsAreTextLines() {
    MetaFrame ma = frame(Verb.MA, "s", "Ov", "O1");
    assertThat(encode(framed(new Result.ClientError("cannot increment or decrement non-numeric value"), ma),
        framed(new Result.ServerError("out of memory"), ma), framed(Result.Error.PLAIN, ma)))
        .isEqualTo("CLIENT_ERROR cannot increment or decrement non-numeric value\r\nSERVER_ERROR out of memory\r\n"
            + "ERROR\r\n");
  }

  @Test
  void quietRepliesWriteNothing() {
    // the executor answers a hidden reply with None, framed or not; the handler drops it before the pipeline
    List<Object> out = new ArrayList<>();
    TextEncoder.encode(ByteBufAllocator.DEFAULT, Result.None.INSTANCE, out);
    TextEncoder.encode(ByteBufAllocator.DEFAULT, framed(Result.None.INSTANCE, frame(Verb.MD, "a", "q", null)), out);
    assertThat(out).isEmpty();
  }

  @Test
  void sharedRepliesCanBeWrittenManyTimes() {
    Result en = framed(Meta.of(MetaCode.EN), frame(Verb.MG, "a", "v", null));
    assertThat(encode(en, en, en, Result.MetaNoop.INSTANCE, Result.MetaNoop.INSTANCE))
        .isEqualTo("EN\r\nEN\r\nEN\r\nMN\r\nMN\r\n");
    assertThat(encode(Meta.of(MetaCode.NS), Meta.of(MetaCode.EX), Meta.of(MetaCode.NF)))
        .isEqualTo("NS\r\nEX\r\nNF\r\n");
  }

  @Test
  void theDatagramPathRendersFramedMetaReplies() {
    List<Object> out = new ArrayList<>();
    MetaItem foo = item("foo", false, "hi", 0, 1, -1, 2);
    TextEncoder.encode(ByteBufAllocator.DEFAULT, framed(hit(foo), frame(Verb.MG, "foo", "vkO", "O7")), out);
    TextEncoder.encode(ByteBufAllocator.DEFAULT, framed(Meta.of(MetaCode.EN), frame(Verb.MG, "x", "v", null)), out);
    TextEncoder.encode(ByteBufAllocator.DEFAULT, Result.MetaNoop.INSTANCE, out);
    TextEncoder.encode(ByteBufAllocator.DEFAULT, Result.None.INSTANCE, out);
    StringBuilder sb = new StringBuilder();
    for (Object o : out) {
      ByteBuf b = (ByteBuf) o;
      sb.append(b.toString(StandardCharsets.ISO_8859_1));
      b.release();
    }
    assertThat(sb.toString()).isEqualTo("VA 2 kfoo O7\r\nhi\r\nEN\r\nMN\r\n");
  }

  @Test
  void otherResultsAreLeftToTheTextEncoder() {
    List<Object> out = new ArrayList<>();
    assertThat(MetaEncoder.encode(ByteBufAllocator.DEFAULT, Result.Status.STORED, null, out)).isFalse();
    assertThat(MetaEncoder.encode(ByteBufAllocator.DEFAULT, new Result.ClientError("x"), null, out)).isFalse();
    assertThat(out).isEmpty();
  }
}
