package io.safecached.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.safecached.command.Result.Status;
import io.safecached.store.Item;
import io.safecached.store.stats.Counter;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** incr and decr: unsigned 64-bit, wrap and floor, memcached's space padding, and non-numeric values. */
class ArithmeticTest {
  private static final Result NON_NUMERIC = Result.NON_NUMERIC;
  private static final long MAX = -1L; // 2^64-1

  private final CommandFixture f = new CommandFixture();

  @Test
  void incrAndDecrReplyTheNewValue() {
    f.set("k", "10");
    assertThat(f.incr("k", 5)).isEqualTo(new Result.Number(15));
    assertThat(f.decr("k", 3)).isEqualTo(new Result.Number(12));
    assertThat(f.value("k")).isEqualTo("12");
    assertThat(f.nonZeroCounters()).containsAllEntriesOf(Map.of("incr_hits", 1L, "decr_hits", 1L))
        .doesNotContainKeys("incr_misses", "decr_misses");
  }

  @Test
  void incrWrapsAtTwoToTheSixtyFour() {
    f.set("k", "18446744073709551615");
    assertThat(f.incr("k", 1)).isEqualTo(new Result.Number(0));
    // the shorter result is padded to the old length, as memcached rewrites in place
    assertThat(f.value("k")).isEqualTo("0" + " ".repeat(19));
    f.set("j", "18446744073709551614");
    assertThat(f.incr("j", 1)).isEqualTo(new Result.Number(MAX));
    assertThat(f.value("j")).isEqualTo("18446744073709551615");
    f.set("m", "2");
    assertThat(f.incr("m", MAX)).isEqualTo(new Result.Number(1));
  }

  @Test
  void decrFloorsAtZero() {
    f.set("k", "5");
    assertThat(f.decr("k", 10)).isEqualTo(new Result.Number(0));
    assertThat(f.value("k")).isEqualTo("0");
    f.set("big", "18446744073709551615");
    assertThat(f.decr("big", MAX)).isEqualTo(new Result.Number(0));
    f.set("small", "3");
    assertThat(f.decr("small", MAX)).as("the delta is unsigned, not -1").isEqualTo(new Result.Number(0));
    f.set("same", "7");
    assertThat(f.decr("same", 7)).isEqualTo(new Result.Number(0));
  }

  @Test
  void decrKeepsTheLengthPaddingWithSpaces() {
    f.set("k", "100");
    assertThat(f.decr("k", 1)).isEqualTo(new Result.Number(99));
    assertThat(f.value("k")).isEqualTo("99 ").hasSize(3);
    assertThat(f.get("k").hits().get(0).value()).hasSize(3);
    assertThat(f.decr("k", 90)).isEqualTo(new Result.Number(9));
    assertThat(f.value("k")).isEqualTo("9  ");
  }

  @Test
  void incrOnAPaddedValue() {
    f.set("k", "99 ");
    assertThat(f.incr("k", 1)).isEqualTo(new Result.Number(100));
    assertThat(f.value("k")).isEqualTo("100");
    assertThat(f.incr("k", 900)).isEqualTo(new Result.Number(1000));
    assertThat(f.value("k")).as("a longer result grows the value").isEqualTo("1000");
  }

  @Test
  void keepsFlagsAndExptimeAndGetsANewCas() {
    f.set("k", 77, 100, "1");
    Item before = f.item("k");
    f.clock.advance(10, TimeUnit.SECONDS);
    f.incr("k", 1);
    Item after = f.item("k");
    assertThat(after.flags()).isEqualTo(77);
    assertThat(after.expiresAt()).isEqualTo(before.expiresAt());
    assertThat(after.cas()).isGreaterThan(before.cas());
    f.decr("k", 1);
    assertThat(f.item("k").cas()).isGreaterThan(after.cas());
  }

  @Test
  void missingExpiredAndFlushedItemsAreNotFound() {
    assertThat(f.incr("none", 1)).isEqualTo(Status.NOT_FOUND);
    assertThat(f.decr("none", 1)).isEqualTo(Status.NOT_FOUND);
    f.set("e", 0, 1, "5");
    f.clock.advance(1, TimeUnit.SECONDS);
    assertThat(f.incr("e", 1)).isEqualTo(Status.NOT_FOUND);
    f.set("g", "5");
    f.flushAll(0);
    assertThat(f.decr("g", 1)).isEqualTo(Status.NOT_FOUND);
    assertThat(f.value("none")).isNull();
    assertThat(f.count(Counter.INCR_MISSES)).isEqualTo(2);
    assertThat(f.count(Counter.DECR_MISSES)).isEqualTo(2);
    assertThat(f.count(Counter.INCR_HITS) + f.count(Counter.DECR_HITS)).isZero();
  }

  /** memcached 1.6.18 counts neither a hit nor a miss for a non-numeric value (observed). */
  @Test
  void nonNumericValuesAreAClientErrorAndKept() {
    for (String v : new String[] {"abc", "", "12abc", "1.5", "-1", " ", "0x10", "18446744073709551616"}) {
      f.set("k", v);
      long cas = f.cas("k");
      assertThat(f.incr("k", 1)).as("incr on '%s'", v).isEqualTo(NON_NUMERIC);
      assertThat(f.decr("k", 1)).as("decr on '%s'", v).isEqualTo(NON_NUMERIC);
      assertThat(f.value("k")).isEqualTo(v);
      assertThat(f.cas("k")).isEqualTo(cas);
    }
    assertThat(f.nonZeroCounters()).doesNotContainKeys("incr_hits", "decr_hits", "incr_misses", "decr_misses");
  }

  @Test
  void leadingWhiteSpaceIsSkipped() {
    f.set("k", " 12");
    assertThat(f.incr("k", 1)).isEqualTo(new Result.Number(13));
    assertThat(f.value("k")).isEqualTo("13 ");
    f.set("t", "\t\n7");
    assertThat(f.incr("t", 1)).isEqualTo(new Result.Number(8));
  }

  @Test
  void aSignedZeroAndAPlusSignAreNumbers() {
    f.set("z", "-0");
    assertThat(f.incr("z", 5)).isEqualTo(new Result.Number(5));
    assertThat(f.value("z")).isEqualTo("5 ");
    f.set("p", "+4");
    assertThat(f.incr("p", 1)).isEqualTo(new Result.Number(5));
  }

  /** memcached's safe_strtoull stops at white space and ignores the rest (observed: "12 abc" → 13). */
  @Test
  void textAfterWhiteSpaceIsIgnored() {
    f.set("k", "12 abc");
    assertThat(f.incr("k", 1)).isEqualTo(new Result.Number(13));
    assertThat(f.value("k")).isEqualTo("13    ");
    f.set("n", "12\r\n");
    assertThat(f.incr("n", 1)).isEqualTo(new Result.Number(13));
  }

  /** strtoull also stops at a NUL byte, which memcached accepts as the end (observed: "12\0abc" → 13). */
  @Test
  void aNulByteEndsTheNumber() {
    f.set("k", "12\0abc");
    assertThat(f.incr("k", 1)).isEqualTo(new Result.Number(13));
    assertThat(f.value("k")).isEqualTo("13    ");
  }

  @Test
  void aHugeNegativeTextWrapsLikeStrtoull() {
    // strtoull negates modulo 2^64; memcached only rejects results that look negative as signed values
    f.set("k", "-18446744073709551615");
    assertThat(f.incr("k", 0)).isEqualTo(new Result.Number(1));
  }
}
