package io.safecached.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.safecached.command.Result;
import io.safecached.command.Result.Meta;
import io.safecached.command.Result.MetaCode;
import io.safecached.command.Result.MetaItem;
import io.safecached.protocol.binary.BinaryEncoder;
import io.safecached.protocol.binary.BinaryFrame;
import io.safecached.protocol.meta.MetaEncoder;
import io.safecached.protocol.meta.MetaFrame;
import io.safecached.protocol.text.TextEncoder;
import io.safecached.store.Item;
import io.safecached.store.Key;
import io.safecached.store.OffHeapStore;
import io.safecached.store.StoredValue;
import io.safecached.store.stats.Counters;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Values go from the store's memory into replies of every protocol without a heap copy: large ones as buffers
 * over the store's memory between the reply's own bytes, short ones copied; either way the bytes on the wire are
 * exact and the store's segments are let go of once the transport releases the reply.
 */
class ReplyValuesTest {
  private static final ByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;
  private final OffHeapStore store = new OffHeapStore(64L << 20, new Counters());

  @AfterEach
  void close() {
    assertThat(store.pinned()).as("segments still held after the replies were released").isZero();
    store.close();
  }

  private byte[] put(String key, int length) {
    byte[] v = new byte[length];
    for (int i = 0; i < length; i++) {
      v[i] = (byte) ('a' + i % 26);
    }
    long now = store.now();
    store.compute(Key.of(key), old -> new Item(v, 5, 42, 0, now));
    return v;
  }

  private StoredValue fetch(String key) {
    return store.fetch(Key.of(key), true).storedValue();
  }

  /** The bytes of {@code out}, released afterwards as the transport would. */
  private static byte[] drain(List<Object> out) {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    for (Object o : out) {
      ByteBuf b = (ByteBuf) o;
      byte[] bytes = new byte[b.readableBytes()];
      b.getBytes(b.readerIndex(), bytes);
      wire.writeBytes(bytes);
      ReferenceCountUtil.release(b);
    }
    return wire.toByteArray();
  }

  private static byte[] concat(String head, byte[] value, String tail) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(head.getBytes(StandardCharsets.US_ASCII));
    b.writeBytes(value);
    b.writeBytes(tail.getBytes(StandardCharsets.US_ASCII));
    return b.toByteArray();
  }

  @Test
  void aLargeTextHitLeavesAsABufferOverTheStoreUntilTheTransportReleasesIt() {
    byte[] v = put("big", 16 * 1024);
    List<Object> out = new ArrayList<>();
    TextEncoder.encode(ALLOC, new Result.Values(List.of(new Result.Hit(bytes("big"), 5, fetch("big"), 42)), true),
        out);
    assertThat(out).as("the line, the store's bytes, the rest: separate writes, no composite").hasSize(3)
        .noneMatch(CompositeByteBuf.class::isInstance);
    assertThat(((ByteBuf) out.get(1)).readableBytes()).isEqualTo(v.length);
    assertThat(store.handedOff()).isEqualTo(1);
    assertThat(drain(out)).isEqualTo(concat("VALUE big 5 16384 42\r\n", v, "\r\nEND\r\n"));
    assertThat(store.handedOff()).isZero();
  }

  @Test
  void largeTextHitsEndWithSharedBytesThatEachReplyReadsWhole() {
    byte[] v = put("big", 16 * 1024);
    List<Object> first = new ArrayList<>();
    List<Object> second = new ArrayList<>();
    TextEncoder.encode(ALLOC, new Result.Values(List.of(new Result.Hit(bytes("big"), 5, fetch("big"), 0)), false),
        first);
    TextEncoder.encode(ALLOC, new Result.Values(List.of(new Result.Hit(bytes("big"), 5, fetch("big"), 0)), false),
        second);
    assertThat(((ByteBuf) first.get(2)).isReadOnly()).as("no buffer allocated for CRLF END").isTrue();
    byte[] want = concat("VALUE big 5 16384\r\n", v, "\r\nEND\r\n");
    assertThat(drain(first)).isEqualTo(want);
    assertThat(drain(second)).as("the first reply's read did not move the second's").isEqualTo(want);
    assertThat(store.handedOff()).isZero();
  }

  @Test
  void aMultiGetMixesCopiedAndHandedOffValuesInRequestOrder() {
    byte[] small = put("s", 100);
    byte[] big = put("b", StoredValue.HAND_OFF_MIN);
    byte[] medium = put("m", StoredValue.HAND_OFF_MIN - 1);
    List<Result.Hit> hits = List.of(new Result.Hit(bytes("b"), 5, fetch("b"), 0),
        new Result.Hit(bytes("s"), 5, fetch("s"), 0), new Result.Hit(bytes("m"), 5, fetch("m"), 0),
        new Result.Hit(bytes("b"), 5, fetch("b"), 0));
    List<Object> out = new ArrayList<>();
    TextEncoder.encode(ALLOC, new Result.Values(hits, false), out);
    assertThat(store.handedOff()).isEqualTo(2);
    ByteArrayOutputStream want = new ByteArrayOutputStream();
    want.writeBytes(concat("VALUE b 5 4096\r\n", big, "\r\n"));
    want.writeBytes(concat("VALUE s 5 100\r\n", small, "\r\n"));
    want.writeBytes(concat("VALUE m 5 4095\r\n", medium, "\r\n"));
    want.writeBytes(concat("VALUE b 5 4096\r\n", big, "\r\nEND\r\n"));
    assertThat(drain(out)).isEqualTo(want.toByteArray());
  }

  @Test
  void aShortValueIsCopiedAndLetGoOfAtOnce() {
    byte[] v = put("k", 10);
    List<Object> out = new ArrayList<>();
    TextEncoder.encode(ALLOC, new Result.Values(List.of(new Result.Hit(bytes("k"), 5, fetch("k"), 0)), false), out);
    assertThat(store.pinned()).isZero();
    assertThat(out.get(0)).isNotInstanceOf(CompositeByteBuf.class);
    assertThat(drain(out)).isEqualTo(concat("VALUE k 5 10\r\n", v, "\r\nEND\r\n"));
  }

  /**
   * Regression (found by bench/fuzz, 2026-12-08): an mg whose opaque token is too long to echo ran and fetched its
   * value, then was answered with an error, and the value's segment stayed pinned for good; after one such request
   * per segment no segment could be reused, and every write waited for room for ever.
   */
  @Test
  void anMgRefusedForItsOpaqueLetsGoOfTheValueItFetched() {
    put("k", 10);
    put("big", 20_000);
    String opaque = "O" + "1".repeat(32); // 33 bytes: memcached echoes at most 32
    List<Object> out = new ArrayList<>();
    for (String key : List.of("k", "big")) {
      MetaItem item = new MetaItem(bytes(key), false, fetch(key), 5, 42, -1, 0, false, 0);
      MetaFrame mg = new MetaFrame(MetaFrame.Verb.MG, bytes(key), false, bytes("vO"), bytes(opaque), 0);
      MetaEncoder.encode(ALLOC, new Meta(MetaCode.VA, item, false, false, false), mg, out);
    }
    assertThat(new String(drain(out), StandardCharsets.US_ASCII))
        .isEqualTo("CLIENT_ERROR opaque token too long\r\n".repeat(2));
    assertThat(store.pinned()).as("segments still pinned by the refused requests").isZero();
  }

  @Test
  void metaAndBinaryHitsCarryLargeValuesTheSameWay() {
    byte[] v = put("big", 20_000);
    MetaItem item = new MetaItem(bytes("big"), false, fetch("big"), 5, 42, -1, 0, false, v.length);
    MetaFrame mg = new MetaFrame(MetaFrame.Verb.MG, bytes("big"), false, bytes("vf"), null, 0);
    List<Object> out = new ArrayList<>();
    MetaEncoder.encode(ALLOC, new Meta(MetaCode.VA, item, false, false, false), mg, out);
    assertThat(store.handedOff()).isEqualTo(1);
    assertThat(drain(out)).isEqualTo(concat("VA 20000 f5\r\n", v, "\r\n"));

    MetaItem again = new MetaItem(bytes("big"), false, fetch("big"), 5, 42, -1, 0, false, v.length);
    out.clear();
    BinaryEncoder.encode(ALLOC, new Result.Framed(new Meta(MetaCode.VA, again, false, false, false),
        BinaryFrame.of(0x0c, 7, bytes("big"))), out); // GETK
    assertThat(store.handedOff()).isEqualTo(1);
    byte[] wire = drain(out);
    assertThat(wire).hasSize(24 + 4 + 3 + v.length);
    assertThat(wire[0]).isEqualTo((byte) 0x81);
    assertThat(Arrays.copyOfRange(wire, 24, 31)).isEqualTo(new byte[] {0, 0, 0, 5, 'b', 'i', 'g'});
    assertThat(Arrays.copyOfRange(wire, 31, wire.length)).isEqualTo(v);
    assertThat(store.handedOff()).isZero();
  }

  @Test
  void pipelinedLargeHitsOnOneConnectionGoOutInOrderAsSeparateWrites() {
    byte[] a = put("a", 16 * 1024);
    byte[] b = put("b", 5000);
    EmbeddedChannel ch = new EmbeddedChannel(new TextEncoder());
    ch.write(new Result.Values(List.of(new Result.Hit(bytes("a"), 5, fetch("a"), 0)), false));
    ch.write(new Result.Values(List.of(), false));
    ch.write(new Result.Values(List.of(new Result.Hit(bytes("b"), 5, fetch("b"), 7)), true));
    ch.flush();
    assertThat(store.handedOff()).isEqualTo(2);
    List<Object> out = new ArrayList<>();
    for (Object o; (o = ch.readOutbound()) != null; ) {
      out.add(o);
    }
    assertThat(out).as("line, value, rest for each hit; END alone for the miss").hasSize(7)
        .noneMatch(CompositeByteBuf.class::isInstance);
    ByteArrayOutputStream want = new ByteArrayOutputStream();
    want.writeBytes(concat("VALUE a 5 16384\r\n", a, "\r\nEND\r\n"));
    want.writeBytes(bytes("END\r\n"));
    want.writeBytes(concat("VALUE b 5 5000 7\r\n", b, "\r\nEND\r\n"));
    assertThat(drain(out)).isEqualTo(want.toByteArray());
    assertThat(store.handedOff()).isZero();
    assertThat(ch.finishAndReleaseAll()).isFalse();
  }

  @Test
  void aConnectionClosedBeforeItsRepliesWentOutLetsGoOfTheirValues() {
    put("a", 16 * 1024);
    put("b", 100);
    EmbeddedChannel ch = new EmbeddedChannel(new TextEncoder());
    ch.write(new Result.Values(List.of(new Result.Hit(bytes("a"), 5, fetch("a"), 0)), false));
    MetaItem item = new MetaItem(bytes("a"), false, fetch("a"), 5, 42, -1, 0, false, 16 * 1024);
    ch.write(new Result.Framed(new Meta(MetaCode.VA, item, false, false, false),
        new MetaFrame(MetaFrame.Verb.MG, bytes("a"), false, bytes("vk"), null, 0)));
    ch.write(new Result.Values(List.of(new Result.Hit(bytes("b"), 5, fetch("b"), 0)), false));
    assertThat(store.handedOff()).as("written, not yet flushed").isEqualTo(2);
    ch.close();
    assertThat(store.handedOff()).isZero();
    ch.finishAndReleaseAll();
  }

  @Test
  void aBinaryHitThatEndsWithAHandedOffValueEndsWithIt() {
    byte[] v = put("big", StoredValue.HAND_OFF_MIN);
    MetaItem item = new MetaItem(bytes("big"), false, fetch("big"), 5, 42, -1, 0, false, v.length);
    List<Object> out = new ArrayList<>();
    BinaryEncoder.encode(ALLOC, new Result.Framed(new Meta(MetaCode.VA, item, false, false, false),
        BinaryFrame.of(0x00, 7, bytes("big"))), out); // GET
    assertThat(out).as("the header and flags, then the value: nothing after it").hasSize(2);
    assertThat(((ByteBuf) out.get(1)).readableBytes()).isEqualTo(v.length);
    byte[] wire = drain(out);
    assertThat(Arrays.copyOfRange(wire, 28, wire.length)).isEqualTo(v);
    assertThat(store.handedOff()).isZero();
  }

  @Test
  void aValueCopiedOutOfTheStoreIsExactWhateverTheReplyBuffer() {
    byte[] v = put("k", 3000);
    for (ByteBufAllocator alloc : List.of(ALLOC, UnpooledByteBufAllocator.DEFAULT,
        new UnpooledByteBufAllocator(false))) {
      for (boolean direct : new boolean[] {true, false}) {
        ByteBuf out = direct ? alloc.directBuffer(1) : alloc.heapBuffer(1);
        out.writeByte('>');
        ReplyValues.copy(fetch("k"), out);
        out.writeByte('<');
        byte[] got = new byte[out.readableBytes()];
        out.getBytes(0, got);
        out.release();
        assertThat(got).as(alloc + (direct ? " direct" : " heap")).isEqualTo(concat(">", v, "<"));
      }
    }
    assertThat(store.pinned()).isZero();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
