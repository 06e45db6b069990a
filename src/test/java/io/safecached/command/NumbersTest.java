package io.safecached.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** memcached's safe_strtoull and safe_strtol rules, on the edges. */
class NumbersTest {

  private static long unsigned(String s) throws Numbers.NotANumber {
    return Numbers.parseUnsigned(s.getBytes(StandardCharsets.ISO_8859_1));
  }

  private static long signed(String s) throws Numbers.NotANumber {
    byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
    return Numbers.parseSigned(b, 0, b.length);
  }

  @Test
  void unsignedRange() throws Exception {
    assertThat(unsigned("0")).isZero();
    assertThat(unsigned("1")).isEqualTo(1);
    assertThat(unsigned("9223372036854775807")).isEqualTo(Long.MAX_VALUE);
    assertThat(unsigned("9223372036854775808")).isEqualTo(Long.MIN_VALUE);
    assertThat(unsigned("18446744073709551615")).isEqualTo(-1L);
    assertThat(Long.toUnsignedString(unsigned("18446744073709551615"))).isEqualTo("18446744073709551615");
    assertThat(unsigned("18446744073709551610")).isEqualTo(-6L);
    assertThat(unsigned("000000000000000000000000000042")).as("leading zeros do not overflow").isEqualTo(42);
  }

  @ParameterizedTest
  @ValueSource(strings = {"18446744073709551616", "18446744073709551620", "99999999999999999999",
      "184467440737095516150", "-18446744073709551616"})
  void overflowIsAnError(String s) {
    assertThatThrownBy(() -> unsigned(s)).isInstanceOf(Numbers.NotANumber.class);
  }

  @Test
  void signs() throws Exception {
    assertThat(unsigned("+1")).isEqualTo(1);
    assertThat(unsigned("-0")).isZero();
    assertThat(unsigned("+0")).isZero();
    assertThatThrownBy(() -> unsigned("-1")).isInstanceOf(Numbers.NotANumber.class);
    assertThatThrownBy(() -> unsigned("-9223372036854775808")).isInstanceOf(Numbers.NotANumber.class);
    // strtoull negates modulo 2^64, and memcached only rejects a result that is negative as a signed value
    assertThat(unsigned("-9223372036854775809")).isEqualTo(Long.MAX_VALUE);
    assertThat(unsigned("-18446744073709551615")).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "  \t", "+", "-", "+-1", "--1", "- 1", "abc", "1a", "12abc", "0x1f", "1.0",
      "1,000", "\u00b9"})
  void notNumbers(String s) {
    assertThatThrownBy(() -> unsigned(s)).isInstanceOf(Numbers.NotANumber.class);
  }

  @Test
  void whiteSpace() throws Exception {
    assertThat(unsigned("  5")).isEqualTo(5);
    assertThat(unsigned("\t\n\u000b\f\r5")).isEqualTo(5);
    assertThat(unsigned("5 ")).isEqualTo(5);
    assertThat(unsigned("12 abc")).isEqualTo(12);
    assertThat(unsigned("12\r\n")).isEqualTo(12);
    assertThat(unsigned("12\tx")).isEqualTo(12);
    assertThat(unsigned("12\0x")).as("C strings end at NUL").isEqualTo(12);
  }

  @Test
  void rangeOverloadReadsOnlyItsRange() throws Exception {
    byte[] line = "incr k 123 noreply".getBytes(StandardCharsets.ISO_8859_1);
    assertThat(Numbers.parseUnsigned(line, 7, 10)).isEqualTo(123);
    assertThat(Numbers.parseUnsigned(line, 7, 9)).isEqualTo(12);
    assertThatThrownBy(() -> Numbers.parseUnsigned(line, 7, 7)).isInstanceOf(Numbers.NotANumber.class);
    assertThatThrownBy(() -> Numbers.parseUnsigned(line, 0, 4)).isInstanceOf(Numbers.NotANumber.class);
  }

  @Test
  void signedRange() throws Exception {
    assertThat(signed("0")).isZero();
    assertThat(signed("-1")).isEqualTo(-1);
    assertThat(signed("+7")).isEqualTo(7);
    assertThat(signed(" 2147483648")).isEqualTo(2147483648L);
    assertThat(signed("9223372036854775807")).isEqualTo(Long.MAX_VALUE);
    assertThat(signed("-9223372036854775808")).isEqualTo(Long.MIN_VALUE);
    assertThat(signed("12 abc")).isEqualTo(12);
    assertThat(signed("-0")).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"9223372036854775808", "-9223372036854775809", "99999999999999999999", "", "-", "x",
      "1x", " "})
  void signedErrors(String s) {
    assertThatThrownBy(() -> signed(s)).isInstanceOf(Numbers.NotANumber.class);
  }

  @Test
  void isSpaceIsCsIsspace() {
    for (int b = 0; b < 256; b++) {
      boolean expected = b == ' ' || (b >= '\t' && b <= '\r');
      assertThat(Numbers.isSpace((byte) b)).as("byte %d", b).isEqualTo(expected);
    }
  }
}
