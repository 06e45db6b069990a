package io.safecached.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Decimal digits written straight into a buffer match Long's own formatting, and their lengths are exact. */
class AsciiTest {

  private static String unsigned(long v) {
    ByteBuf buf = Unpooled.buffer(1); // too small: the helper must grow it
    buf.writeByte('>');
    try {
      Ascii.writeUnsigned(buf, v).writeByte('<');
      return buf.toString(StandardCharsets.US_ASCII);
    } finally {
      buf.release();
    }
  }

  private static String signed(long v) {
    ByteBuf buf = Unpooled.buffer(Ascii.signedDigits(v));
    try {
      Ascii.writeSigned(buf, v);
      assertThat(buf.writerIndex()).as("length of %d", v).isEqualTo(buf.capacity());
      return buf.toString(StandardCharsets.US_ASCII);
    } finally {
      buf.release();
    }
  }

  @Test
  void unsignedAtTheEdges() {
    assertThat(unsigned(0)).isEqualTo(">0<");
    assertThat(unsigned(9)).isEqualTo(">9<");
    assertThat(unsigned(10)).isEqualTo(">10<");
    assertThat(unsigned(Long.MAX_VALUE)).isEqualTo(">9223372036854775807<");
    assertThat(unsigned(Long.MIN_VALUE)).isEqualTo(">9223372036854775808<");
    assertThat(unsigned(-1)).isEqualTo(">18446744073709551615<");
    assertThat(Ascii.digits(0)).isEqualTo(1);
    assertThat(Ascii.digits(9)).isEqualTo(1);
    assertThat(Ascii.digits(10)).isEqualTo(2);
    assertThat(Ascii.digits(Long.MAX_VALUE)).isEqualTo(19);
    assertThat(Ascii.digits(Long.MIN_VALUE)).isEqualTo(19);
    assertThat(Ascii.digits(-1)).isEqualTo(20);
  }

  @Test
  void digitsChangeAtEveryPowerOfTen() {
    long p = 1;
    for (int d = 1; d <= 19; d++) {
      assertThat(Ascii.digits(p)).as("10^%d", d - 1).isEqualTo(d);
      assertThat(Ascii.digits(p - 1)).as("10^%d - 1", d - 1).isEqualTo(Math.max(1, d - 1));
      p *= 10; // overflows after 10^18 into 10^19 read as unsigned
    }
    assertThat(Long.toUnsignedString(p)).isEqualTo("10000000000000000000");
    assertThat(Ascii.digits(p)).isEqualTo(20);
    assertThat(Ascii.digits(p - 1)).isEqualTo(19);
    assertThat(unsigned(p)).isEqualTo(">10000000000000000000<");
    assertThat(unsigned(p - 1)).isEqualTo(">9999999999999999999<");
  }

  @Test
  void signedValues() {
    assertThat(signed(0)).isEqualTo("0");
    assertThat(signed(-1)).isEqualTo("-1");
    assertThat(signed(-10)).isEqualTo("-10");
    assertThat(signed(Long.MAX_VALUE)).isEqualTo("9223372036854775807");
    assertThat(signed(Long.MIN_VALUE)).isEqualTo("-9223372036854775808");
  }

  @Test
  void randomValuesMatchTheJdk() {
    Random random = new Random(7);
    for (int i = 0; i < 10_000; i++) {
      long v = random.nextLong() >>> random.nextInt(64);
      long w = i % 2 == 0 ? v : -v;
      assertThat(unsigned(w)).isEqualTo(">" + Long.toUnsignedString(w) + "<");
      assertThat(Ascii.digits(w)).isEqualTo(Long.toUnsignedString(w).length());
      assertThat(signed(w)).isEqualTo(Long.toString(w));
    }
  }
}
