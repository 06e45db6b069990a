package io.safecached.protocol.text;

import static io.safecached.testsupport.CodecFixtures.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.safecached.command.Result;
import io.safecached.testsupport.CodecFixtures;
import io.safecached.testsupport.CodecFixtures.Release;
import io.safecached.command.Result.Rejection.Kind;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The text encoder writes every result exactly as memcached does, into buffers sized exactly (or shared
 * constants), and leaks no buffer.
 */
class TextEncoderTest {

  private static String encode(Result... results) {
    return encode(new ArrayList<>(), results);
  }

  /** Like {@link #encode(Result...)}, and adds the size of every buffer written to {@code sizes}. */
  private static String encode(List<Integer> sizes, Result... results) {
    return CodecFixtures.encode(new TextEncoder(), b -> {
      sizes.add(b.readableBytes());
      return exactlySized(b).toString(StandardCharsets.ISO_8859_1);
    }, Release.FREED_OR_SHARED_CONSTANT, (Object[]) results);
  }

  /** Fails unless {@code b} is a shared constant or was allocated with exactly the room its bytes need. */
  static ByteBuf exactlySized(ByteBuf b) {
    if (!b.isReadOnly()) {
      assertThat(b.writerIndex()).as("bytes written into a buffer of capacity %d", b.capacity())
          .isEqualTo(b.capacity());
    }
    return b;
  }

  private static byte[] filled(int length, char c) {
    byte[] value = new byte[length];
    java.util.Arrays.fill(value, (byte) c);
    return value;
  }

  @Test
  void fixedReplies() {
    assertThat(encode(Result.Status.STORED, Result.Status.NOT_STORED, Result.Status.EXISTS,
        Result.Status.NOT_FOUND, Result.Status.DELETED, Result.Status.TOUCHED, Result.Status.OK,
        Result.Status.RESET, Result.Status.MEMLIMIT_TOO_SMALL))
        .isEqualTo("STORED\r\nNOT_STORED\r\nEXISTS\r\nNOT_FOUND\r\nDELETED\r\nTOUCHED\r\nOK\r\nRESET\r\n"
            + "MEMLIMIT_TOO_SMALL cannot set maxbytes to less than 8m\r\n");
  }

  @Test
  void sharedRepliesCanBeWrittenManyTimes() {
    String once = encode(Result.Status.STORED);
    assertThat(encode(Result.Status.STORED, Result.Status.STORED, Result.Status.STORED)).isEqualTo(once.repeat(3));
  }

  @Test
  void valuesWithAndWithoutCas() {
    Result.Hit a = new Result.Hit(bytes("a"), 0, bytes("x"), 5);
    Result.Hit b = new Result.Hit(bytes("b"), -1, bytes("\r\n"), -1);
    assertThat(encode(new Result.Values(List.of(a, b), false)))
        .isEqualTo("VALUE a 0 1\r\nx\r\nVALUE b 4294967295 2\r\n\r\n\r\nEND\r\n");
    assertThat(encode(new Result.Values(List.of(a, b), true)))
        .isEqualTo("VALUE a 0 1 5\r\nx\r\nVALUE b 4294967295 2 18446744073709551615\r\n\r\n\r\nEND\r\n");
    assertThat(encode(new Result.Values(List.of(), true))).isEqualTo("END\r\n");
  }

  @Test
  void largeValuesAreSentWhole() {
    byte[] big = new byte[100_000];
    java.util.Arrays.fill(big, (byte) 'z');
    Result.Hit small = new Result.Hit(bytes("s"), 1, bytes("v"), 1);
    Result.Hit large = new Result.Hit(bytes("big"), 2, big, 2);
    String out = encode(new Result.Values(List.of(small, large, small), false));
    assertThat(out).isEqualTo("VALUE s 1 1\r\nv\r\nVALUE big 2 100000\r\n" + "z".repeat(100_000)
        + "\r\nVALUE s 1 1\r\nv\r\nEND\r\n");
  }

  @Test
  void numbersStatsAndErrors() {
    assertThat(encode(new Result.Number(-1))).isEqualTo("18446744073709551615\r\n");
    assertThat(encode(new Result.Version("1.6.45-safecached-0.1.0"))).isEqualTo("VERSION 1.6.45-safecached-0.1.0\r\n");
    assertThat(encode(new Result.Stats(List.of(new Result.Stat("pid", "1"), new Result.Stat("uptime", "2")))))
        .isEqualTo("STAT pid 1\r\nSTAT uptime 2\r\nEND\r\n");
    assertThat(encode(new Result.Stats(List.of()))).isEqualTo("END\r\n");
    assertThat(encode(new Result.PrefixDump("PREFIX \u00e9t\u00e9 get 1 hit 0 set 0 del 0\r\nEND\r\n")))
        .as("key bytes as they came").isEqualTo("PREFIX \u00e9t\u00e9 get 1 hit 0 set 0 del 0\r\nEND\r\n");
    assertThat(encode(Result.Error.PLAIN, new Result.Error("ERROR: shutdown not enabled"),
        new Result.ClientError("bad data chunk"), new Result.ServerError(Kind.TOO_LARGE, "object too large for cache")))
        .isEqualTo("ERROR\r\nERROR: shutdown not enabled\r\nCLIENT_ERROR bad data chunk\r\n"
            + "SERVER_ERROR object too large for cache\r\n");
  }

  @Test
  void valueSizesAroundTheSplitAreOneExactBuffer() {
    int split = TextEncoder.SPLIT_THRESHOLD;
    for (int length : new int[] {0, 1, 2047, 2048, split - 1, split, 1024 * 1024}) {
      Result.Hit hit = new Result.Hit(bytes("k"), 7, filled(length, 'v'), 3);
      List<Integer> sizes = new ArrayList<>();
      String expected = "VALUE k 7 " + length + " 3\r\n" + "v".repeat(length) + "\r\nEND\r\n";
      assertThat(encode(sizes, new Result.Values(List.of(hit), true))).as("value of %d bytes", length)
          .isEqualTo(expected);
      assertThat(sizes).as("value of %d bytes", length).containsExactly(expected.length());
    }
  }

  @Test
  void aMultiGetPutsLargeHitsInTheirOwnBuffers() {
    Result.Hit small = new Result.Hit(bytes("s"), 1, filled(100, 's'), 1);
    Result.Hit large = new Result.Hit(bytes("large"), 2, filled(1024 * 1024, 'L'), 2);
    Result.Hit justOver = new Result.Hit(bytes("over"), 3, filled(TextEncoder.SPLIT_THRESHOLD, 'o'), 3);
    String s = "VALUE s 1 100\r\n" + "s".repeat(100) + "\r\n";
    String l = "VALUE large 2 1048576\r\n" + "L".repeat(1024 * 1024) + "\r\n";
    int split = TextEncoder.SPLIT_THRESHOLD;
    String o = "VALUE over 3 " + split + "\r\n" + "o".repeat(split) + "\r\n";
    List<Integer> sizes = new ArrayList<>();
    assertThat(encode(sizes, new Result.Values(List.of(small, large, small, small, justOver, small), false)))
        .isEqualTo(s + l + s + s + o + s + "END\r\n");
    assertThat(sizes).containsExactly(s.length(), l.length(), 2 * s.length(), o.length(), s.length() + 5);
    // a large hit last carries END itself
    sizes.clear();
    assertThat(encode(sizes, new Result.Values(List.of(small, large), false))).isEqualTo(s + l + "END\r\n");
    assertThat(sizes).containsExactly(s.length(), l.length() + 5);
  }

  @Test
  void aGetOfManyLargeValuesNeedsNoBufferLargerThanOneOfThem() {
    byte[] mb = filled(1024 * 1024, 'x');
    List<Result.Hit> hits = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      hits.add(new Result.Hit(bytes("k" + i), 0, mb, 0));
    }
    List<Integer> sizes = new ArrayList<>();
    String out = encode(sizes, new Result.Values(hits, false));
    assertThat(out).hasSize(8 * ("VALUE k0 0 1048576\r\n".length() + mb.length + 2) + 5).endsWith("x\r\nEND\r\n");
    assertThat(sizes).hasSize(8);
    assertThat(Collections.max(sizes)).isLessThanOrEqualTo(mb.length + 32);
  }

  @Test
  void aReplyOfMoreThanOneBufferIsMadeOneBufferAtATimeThroughAChunkedWriter() {
    byte[] mb = filled(1024 * 1024, 'x');
    List<Result.Hit> hits = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      hits.add(new Result.Hit(bytes("k" + i), 0, mb, 0));
    }
    TextEncoder.ValueChunks chunks = new TextEncoder.ValueChunks(new Result.Values(hits, false),
        TextEncoder.SPLIT_THRESHOLD);
    List<Integer> sizes = new ArrayList<>();
    while (!chunks.isEndOfInput()) {
      ByteBuf b = chunks.readChunk(UnpooledByteBufAllocator.DEFAULT);
      sizes.add(b.readableBytes());
      b.release();
    }
    assertThat(sizes).hasSize(4);
    assertThat(chunks.readChunk(UnpooledByteBufAllocator.DEFAULT)).isNull();

    EmbeddedChannel ch = new EmbeddedChannel(new TextEncoder());
    try {
      Result.Hit small = new Result.Hit(bytes("s"), 0, bytes("v"), 0);
      ch.writeOutbound(new Result.Values(List.of(small, small), false));
      assertThat(ch.pipeline().get(ChunkedWriteHandler.class)).as("one buffer: written as it is").isNull();
      ch.releaseOutbound();
      ch.writeOutbound(new Result.Values(hits, false), Result.Status.STORED);
      assertThat(ch.pipeline().get(ChunkedWriteHandler.class)).isNotNull();
      StringBuilder out = new StringBuilder();
      for (ByteBuf b; (b = ch.readOutbound()) != null; b.release()) {
        out.append(b.toString(StandardCharsets.ISO_8859_1));
      }
      assertThat(out.toString()).hasSize(4 * ("VALUE k0 0 1048576\r\n".length() + mb.length + 2) + 5 + 8)
          .endsWith("x\r\nEND\r\nSTORED\r\n");
    } finally {
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void smallHitsShareBuffersOfAtMostTheSplitSize() {
    List<Result.Hit> hits = new ArrayList<>();
    StringBuilder expected = new StringBuilder();
    for (int i = 0; expected.length() < 5 * TextEncoder.SPLIT_THRESHOLD / 2; i++) {
      hits.add(new Result.Hit(bytes("key:" + i), i, filled(100, 'a'), i));
      expected.append("VALUE key:").append(i).append(' ').append(i).append(" 100\r\n").append("a".repeat(100))
          .append("\r\n");
    }
    List<Integer> sizes = new ArrayList<>();
    assertThat(encode(sizes, new Result.Values(hits, false))).isEqualTo(expected + "END\r\n");
    // END may follow the last hit of a full buffer
    assertThat(sizes).hasSizeBetween(3, 4).allSatisfy(size -> assertThat(size)
        .isLessThanOrEqualTo(TextEncoder.SPLIT_THRESHOLD + 5));
    assertThat(sizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(expected.length() + 5);
  }

  @Test
  void numbersAtTheirLimits() {
    assertThat(encode(new Result.Number(0), new Result.Number(9), new Result.Number(10),
        new Result.Number(Long.MAX_VALUE), new Result.Number(Long.MIN_VALUE)))
        .isEqualTo("0\r\n9\r\n10\r\n9223372036854775807\r\n9223372036854775808\r\n");
    Result.Hit hit = new Result.Hit(bytes("k"), Integer.MIN_VALUE, bytes("v"), Long.MIN_VALUE);
    assertThat(encode(new Result.Values(List.of(hit), true)))
        .isEqualTo("VALUE k 2147483648 1 9223372036854775808\r\nv\r\nEND\r\n");
  }
}
