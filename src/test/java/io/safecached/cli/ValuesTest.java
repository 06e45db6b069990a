package io.safecached.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.safecached.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Number and size parsing, and the one-line messages for bad values. */
class ValuesTest {
  @ParameterizedTest
  @CsvSource({"0, 0", "1, 1", "+7, 7", "-3, -3", "' 42 ', 42", "2147483647, 2147483647"})
  void integers(String text, int value) {
    assertThat(Values.integer("threads", "-t", text)).isEqualTo(value);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "abc", "1.5", "0x10", "12abc", "1 2"})
  void notIntegers(String text) {
    assertThatThrownBy(() -> Values.integer("threads", "-t", text)).isInstanceOf(ConfigException.class)
        .hasMessage("threads must be a number (-t " + text + ")");
  }

  @ParameterizedTest
  @ValueSource(strings = {"2147483648", "-2147483649", "9999999999999999999"})
  void integersOutOfRange(String text) {
    assertThatThrownBy(() -> Values.integer("port", "-p", text)).hasMessage("port is out of range (-p " + text + ")");
  }

  @ParameterizedTest
  @CsvSource({"0, 0", "100, 100", "1k, 1024", "3K, 3072", "1m, 1048576", "1024M, 1073741824",
      "8796093022207m, 9223372036853727232"})
  void sizes(String text, long bytes) {
    assertThat(Values.size("size", "-I", text)).isEqualTo(bytes);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "k", "1g", "1kb", "1.5m", "-1k", "1 k"})
  void notSizes(String text) {
    assertThatThrownBy(() -> Values.size("item size limit", "-I", text))
        .hasMessage("item size limit must be a number of bytes, optionally followed by k or m (-I " + text + ")");
  }

  @Test
  void sizesThatOverflow() {
    assertThatThrownBy(() -> Values.size("size", "-I", "8796093022208m")).hasMessageContaining("out of range");
    assertThatThrownBy(() -> Values.size("size", "-I", "9999999999999999999")).hasMessageContaining("out of range");
  }
}
