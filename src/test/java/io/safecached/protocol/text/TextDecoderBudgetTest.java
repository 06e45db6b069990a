package io.safecached.protocol.text;

import static io.safecached.testsupport.CodecFixtures.bytes;
import static io.safecached.testsupport.CodecFixtures.drain;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.safecached.protocol.ProtocolLimits;
import io.safecached.testsupport.CodecFixtures;
import io.safecached.testsupport.TestBudget;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The text decoder reserves a data block that does not arrive with its line before buffering any of it, refuses
 * one the budget cannot hold as memcached does when it cannot allocate the item, and gives every reservation
 * back: on completion, and when the connection ends or the decoder is removed mid-value.
 */
class TextDecoderBudgetTest {
  private static final ProtocolLimits LIMITS = new ProtocolLimits(250, 2048, 8192, 1024 * 1024, false, false);

  private final TestBudget budget = new TestBudget(100_000);

  private EmbeddedChannel channel() {
    return new EmbeddedChannel(new TextDecoder(LIMITS, budget));
  }

  private static List<String> read(EmbeddedChannel ch, String input) {
    ch.writeInbound(Unpooled.wrappedBuffer(bytes(input)));
    return CodecFixtures.FULL.renderAll(drain(ch));
  }

  @Test
  void aBlockThatArrivesInPiecesIsReservedUntilItIsComplete() {
    EmbeddedChannel ch = channel();
    try {
      assertThat(read(ch, "set a 0 0 60000\r\n" + "v".repeat(10_000))).isEmpty();
      assertThat(budget.reserved()).as("the whole announced block").isEqualTo(60_000);
      assertThat(read(ch, "v".repeat(50_000) + "\r\n")).hasSize(1).first().asString().startsWith("Store(mode=SET");
      assertThat(budget.reserved()).as("handed over with the command").isZero();
    } finally {
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void aBlockThatArrivedWithItsLineNeedsNoReservation() {
    TestBudget none = new TestBudget(0);
    EmbeddedChannel ch = new EmbeddedChannel(new TextDecoder(LIMITS, none));
    try {
      assertThat(read(ch, "set a 0 0 3\r\nabc\r\n")).hasSize(1).first().asString().startsWith("Store(mode=SET");
      assertThat(none.refused()).isZero();
    } finally {
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void aBlockTheBudgetCannotHoldIsOutOfMemoryAndSwallowedUnbuffered() {
    EmbeddedChannel holder = channel();
    EmbeddedChannel ch = channel();
    try {
      assertThat(read(holder, "set held 0 0 90000\r\n" + "v".repeat(100))).isEmpty();
      assertThat(read(ch, "set a 0 0 20000\r\n" + "w".repeat(100)))
          .containsExactly("StoreNoMemory(mode=SET key='a' noreply=false)");
      ByteBuf rest = Unpooled.wrappedBuffer(bytes("w".repeat(19_900)));
      ch.writeInbound(rest);
      assertThat(rest.refCnt()).as("swallowed, not kept").isZero();
      assertThat(read(ch, "\r\nversion\r\n")).containsExactly("Version()");
      assertThat(budget.reserved()).isEqualTo(90_000);
      assertThat(budget.refused()).isEqualTo(1);
    } finally {
      ch.finishAndReleaseAll();
      holder.finishAndReleaseAll();
    }
    assertThat(budget.reserved()).as("the held block is given back when its channel closes").isZero();
  }

  @Test
  void aRefusalWhenTheLineCameAloneReadsTheBlocksFirstBytes() {
    TestBudget none = new TestBudget(0);
    EmbeddedChannel ch = new EmbeddedChannel(new TextDecoder(LIMITS, none));
    try {
      assertThat(read(ch, "set a 0 0 1000\r\n")).isEmpty();
      // Netty refuses a decoder that emits without reading: the refusal must swallow what came with it
      assertThat(read(ch, "x".repeat(600))).containsExactly("StoreNoMemory(mode=SET key='a' noreply=false)");
      assertThat(read(ch, "x".repeat(400) + "\r\nversion\r\n")).containsExactly("Version()");
    } finally {
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void noreplyAndMetaSetCarryTheirOwnWaysOfReplying() {
    TestBudget none = new TestBudget(0);
    EmbeddedChannel ch = new EmbeddedChannel(new TextDecoder(LIMITS, none));
    try {
      assertThat(read(ch, "append a 0 0 10 noreply\r\nabc")).containsExactly(
          "StoreNoMemory(mode=APPEND key='a' noreply=true)");
      assertThat(read(ch, "defghij\r\nms b 5 q\r\nab")).containsExactly(
          "StoreNoMemory(mode=SET key='b' noreply=false)");
      assertThat(read(ch, "cde\r\nversion\r\n")).containsExactly("Version()");
    } finally {
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void removingTheDecoderMidValueGivesTheReservationBack() {
    TextDecoder decoder = new TextDecoder(LIMITS, budget);
    EmbeddedChannel ch = new EmbeddedChannel(decoder);
    try {
      read(ch, "set a 0 0 50000\r\nxyz");
      assertThat(budget.reserved()).isEqualTo(50_000);
      ch.pipeline().remove(decoder);
      assertThat(budget.reserved()).isZero();
    } finally {
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void aPeerThatDisconnectsMidValueLeavesNothingReserved() {
    for (int i = 0; i < 50; i++) {
      EmbeddedChannel ch = channel();
      read(ch, "set k" + i + " 0 0 1500\r\n" + "x".repeat(i * 20));
      ch.close();
      ch.finishAndReleaseAll();
    }
    assertThat(budget.reserved()).isZero();
    assertThat(budget.refused()).isZero();
  }

  // ---------------------------------------------------------------- long get lines

  private static final ProtocolLimits LONG_LINES = new ProtocolLimits(250, 2048, 1024 * 1024, 1024 * 1024, false,
      false);

  /** A get line of {@code keys} 7-byte keys, without its newline. */
  private static String getLine(int keys) {
    StringBuilder line = new StringBuilder("get");
    for (int i = 0; i < keys; i++) {
      line.append(String.format(" k%06d", i));
    }
    return line.toString();
  }

  @Test
  void aLongGetLineStillArrivingIsReservedUntilItsNewline() {
    EmbeddedChannel ch = new EmbeddedChannel(new TextDecoder(LONG_LINES, budget));
    try {
      String line = getLine(5000); // 40,003 bytes
      assertThat(read(ch, line.substring(0, 10_000))).isEmpty();
      assertThat(budget.reserved()).as("no longer than one memcached read: not counted").isZero();
      assertThat(read(ch, line.substring(10_000, 30_000))).isEmpty();
      assertThat(budget.reserved()).as("what the line holds so far").isEqualTo(30_000);
      assertThat(read(ch, line.substring(30_000) + "\r\n")).hasSize(1).first().asString().startsWith("Get(");
      assertThat(budget.reserved()).as("given back when the line is complete").isZero();
    } finally {
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void aLongGetLineTheBudgetCannotHoldIsOutOfMemoryAndClosed() {
    TestBudget small = new TestBudget(25_000);
    EmbeddedChannel ch = new EmbeddedChannel(new TextDecoder(LONG_LINES, small));
    try {
      String line = getLine(5000);
      assertThat(read(ch, line.substring(0, 20_000))).isEmpty();
      assertThat(small.reserved()).isEqualTo(20_000);
      // memcached answers a read buffer it cannot grow so, and closes
      assertThat(read(ch, line.substring(20_000, 30_000))).containsExactly(
          "ServerError(kind=SERVER_FAILURE message=out of memory reading request)", "Close()");
      assertThat(small.reserved()).isZero();
    } finally {
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void aPeerThatDisconnectsMidLineLeavesNothingReserved() {
    EmbeddedChannel ch = new EmbeddedChannel(new TextDecoder(LONG_LINES, budget));
    read(ch, getLine(5000).substring(0, 30_000));
    assertThat(budget.reserved()).isEqualTo(30_000);
    ch.close();
    ch.finishAndReleaseAll();
    assertThat(budget.reserved()).isZero();
  }
}
