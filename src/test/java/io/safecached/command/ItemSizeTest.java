package io.safecached.command;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The one item-size rule: memcached's header, key, value and the 4 bytes of non-zero flags. */
class ItemSizeTest {
  private static final int LIMIT = 1024 * 1024;

  @Test
  void countsHeaderKeyValueAndTerminators() {
    // observed on memcached 1.6.18 at the default -I 1m: a 1 048 516-byte value with key "k" fits, one more not
    assertThat(ItemSize.of(1, 1_048_516, 0)).isEqualTo(LIMIT);
    assertThat(ItemSize.fits(1, 1_048_516, 0, LIMIT)).isTrue();
    assertThat(ItemSize.fits(1, 1_048_517, 0, LIMIT)).isFalse();
  }

  @Test
  void nonZeroFlagsTakeFourMoreBytes() {
    assertThat(ItemSize.of(1, 100, 7) - ItemSize.of(1, 100, 0)).isEqualTo(4);
    assertThat(ItemSize.fits(1, 1_048_512, 1, LIMIT)).isTrue();
    assertThat(ItemSize.fits(1, 1_048_513, 1, LIMIT)).isFalse();
    assertThat(ItemSize.fits(1, 1_048_513, 0, LIMIT)).isTrue();
    assertThat(ItemSize.fits(1, 1_048_513, -1, LIMIT)).as("flags are unsigned: 0xffffffff is not zero").isFalse();
  }

  @Test
  void aValueBeyondIntIsCountedWithoutOverflow() {
    assertThat(ItemSize.fits(250, 0xffffffffL, 0, Integer.MAX_VALUE)).isFalse();
  }
}
