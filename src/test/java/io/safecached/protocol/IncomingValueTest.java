package io.safecached.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.safecached.testsupport.TestBudget;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** A value read as its bytes arrive, reserved whole in a budget until it is complete or dropped. */
class IncomingValueTest {

  @Test
  void aValueIsReservedWholeBeforeAnyOfItIsBufferedAndGivenBackWhenComplete() {
    TestBudget budget = new TestBudget(2_000_000);
    IncomingValue v = IncomingValue.reserve(1024 * 1024, budget);
    assertThat(v).isNotNull();
    assertThat(budget.reserved()).isEqualTo(1024 * 1024);
    ByteBuf in = Unpooled.wrappedBuffer(new byte[1024 * 1024]);
    try {
      assertThat(v.readFrom(in.readSlice(100_000))).isFalse();
      assertThat(budget.reserved()).as("held while the value arrives").isEqualTo(1024 * 1024);
      assertThat(v.readFrom(in)).isTrue();
      assertThat(v.bytes()).hasSize(1024 * 1024);
      assertThat(budget.reserved()).as("the caller owns the bytes now").isZero();
    } finally {
      in.release();
    }
  }

  @Test
  void aValueTheBudgetCannotHoldIsRefusedWithNothingReserved() {
    TestBudget budget = new TestBudget(1_500_000);
    IncomingValue first = IncomingValue.reserve(1_000_000, budget);
    assertThat(IncomingValue.reserve(1_000_000, budget)).isNull();
    assertThat(budget.reserved()).isEqualTo(1_000_000);
    assertThat(budget.refused()).isEqualTo(1);
    first.discard();
    first.discard();
    assertThat(budget.reserved()).as("discard gives the reservation back once").isZero();
    assertThat(IncomingValue.reserve(1_000_000, budget)).isNotNull();
  }

  @Test
  void aValueArrivingInPiecesIsCompleteAndExact() {
    byte[] data = new byte[200_000];
    Arrays.fill(data, (byte) 'x');
    data[199_999] = 'y';
    IncomingValue v = IncomingValue.reserve(data.length, ValueBudget.UNBOUNDED);
    ByteBuf in = Unpooled.wrappedBuffer(data, new byte[] {'\r', '\n'});
    try {
      int reads = 0;
      while (!v.readFrom(in.readSlice(Math.min(in.readableBytes() - 2, 7_919)))) {
        reads++;
      }
      assertThat(reads).isGreaterThan(10);
      assertThat(v.bytes()).isEqualTo(data);
      assertThat(in.readableBytes()).as("nothing past the value is read").isEqualTo(2);
    } finally {
      in.release();
    }
  }

  @Test
  void aValueThatHasArrivedIsReadAtOnceIntoAnExactArray() {
    ByteBuf in = Unpooled.wrappedBuffer(new byte[] {'a', 'b', 'c', '\r', '\n'});
    try {
      assertThat(IncomingValue.readIfComplete(in, 6)).isNull();
      assertThat(in.readableBytes()).as("nothing read when incomplete").isEqualTo(5);
      assertThat(IncomingValue.readIfComplete(in, 3)).containsExactly('a', 'b', 'c');
      assertThat(in.readableBytes()).as("only the value is read").isEqualTo(2);
      assertThat(IncomingValue.readIfComplete(in, 0)).isEmpty();
      assertThat(in.readableBytes()).isEqualTo(2);
    } finally {
      in.release();
    }
  }

  @Test
  void skipDiscardsAtMostWhatRemains() {
    ByteBuf in = Unpooled.wrappedBuffer(new byte[10]);
    try {
      assertThat(IncomingValue.skip(in, 4)).isZero();
      assertThat(in.readableBytes()).isEqualTo(6);
      assertThat(IncomingValue.skip(in, 100)).isEqualTo(94);
      assertThat(in.isReadable()).isFalse();
    } finally {
      in.release();
    }
  }
}
