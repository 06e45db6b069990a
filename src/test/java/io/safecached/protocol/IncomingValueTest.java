package io.safecached.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** A value read as its bytes arrive: memory follows what was sent, not what was announced. */
class IncomingValueTest {

  @Test
  void aLargeAnnouncedValueStartsSmallAndGrowsWithItsBytes() {
    IncomingValue v = new IncomingValue(1024 * 1024);
    assertThat(v.bytes()).hasSize(IncomingValue.EAGER_ALLOCATION);
    ByteBuf in = Unpooled.wrappedBuffer(new byte[100_000]);
    try {
      assertThat(v.readFrom(in)).isFalse();
      assertThat(v.bytes().length).isBetween(100_000, 2 * IncomingValue.EAGER_ALLOCATION);
    } finally {
      in.release();
    }
  }

  @Test
  void aValueArrivingInPiecesIsCompleteAndExact() {
    byte[] data = new byte[200_000];
    Arrays.fill(data, (byte) 'x');
    data[199_999] = 'y';
    IncomingValue v = new IncomingValue(data.length);
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
