package io.safecached.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.safecached.command.Command.StoreMode;
import io.safecached.command.Result.Status;
import io.safecached.store.stats.Counter;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** cas: STORED on a matching unique, EXISTS on a stale one, NOT_FOUND on a missing item, and its counters. */
class CasTest {
  private final CommandFixture f = new CommandFixture();

  private Result cas(String key, String value, long unique) {
    return f.store(StoreMode.CAS, key, 9, 0, value, unique);
  }

  @Test
  void matchingUniqueStoresAndHandsOutANewOne() {
    f.set("k", "a");
    long unique = f.hit("k").cas();
    assertThat(cas("k", "b", unique)).isEqualTo(Status.STORED);
    Result.Hit hit = f.hit("k");
    assertThat(CommandFixture.text(hit.value())).isEqualTo("b");
    assertThat(hit.flags()).as("cas stores its own flags like set").isEqualTo(9);
    assertThat(hit.cas()).isGreaterThan(unique);
    assertThat(f.count(Counter.CAS_HITS)).isEqualTo(1);
    assertThat(f.count(Counter.CAS_BADVAL)).isZero();
    assertThat(f.count(Counter.CAS_MISSES)).isZero();
    assertThat(f.count(Counter.CMD_SET)).isEqualTo(2);
    assertThat(f.count(Counter.TOTAL_ITEMS)).isEqualTo(2);
  }

  @Test
  void staleUniqueIsExistsAndKeepsTheValue() {
    f.set("k", "a");
    long unique = f.cas("k");
    f.set("k", "b");
    assertThat(cas("k", "c", unique)).isEqualTo(Status.EXISTS);
    assertThat(f.value("k")).isEqualTo("b");
    assertThat(f.nonZeroCounters()).containsAllEntriesOf(Map.of("cas_badval", 1L, "cmd_set", 3L, "total_items", 2L))
        .doesNotContainKeys("cas_hits", "cas_misses");
  }

  @Test
  void missingItemIsNotFound() {
    assertThat(cas("k", "c", 1)).isEqualTo(Status.NOT_FOUND);
    assertThat(f.value("k")).isNull();
    assertThat(f.nonZeroCounters()).isEqualTo(Map.of("cas_misses", 1L, "cmd_set", 1L));
  }

  @Test
  void expiredOrDeletedItemIsNotFound() {
    f.set("e", 0, 10, "v");
    long unique = f.cas("e");
    f.clock.advance(10, TimeUnit.SECONDS);
    assertThat(cas("e", "c", unique)).isEqualTo(Status.NOT_FOUND);

    f.set("d", "v");
    long d = f.cas("d");
    f.delete("d");
    assertThat(cas("d", "c", d)).isEqualTo(Status.NOT_FOUND);
    assertThat(f.count(Counter.CAS_MISSES)).isEqualTo(2);
  }

  @Test
  void flushedItemIsNotFound() {
    f.set("k", "v");
    long unique = f.cas("k");
    f.flushAll(0);
    assertThat(cas("k", "c", unique)).isEqualTo(Status.NOT_FOUND);
  }

  @Test
  void everyChangeGetsALargerUnique() {
    f.set("k", "1");
    long a = f.cas("k");
    f.store(StoreMode.APPEND, "k", 0, 0, "0");
    long b = f.cas("k");
    f.incr("k", 1);
    long c = f.cas("k");
    f.store(StoreMode.REPLACE, "k", 0, 0, "x");
    long d = f.cas("k");
    f.set("other", "y");
    long e = f.cas("other");
    assertThat(new long[] {a, b, c, d, e}).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void uniqueZeroNeverMatches() {
    f.set("k", "v");
    assertThat(cas("k", "w", 0)).isEqualTo(Status.EXISTS);
    assertThat(f.value("k")).isEqualTo("v");
  }

  @Test
  void touchKeepsTheUniqueSoCasStillMatches() {
    f.set("k", "v");
    long unique = f.cas("k");
    assertThat(f.touch("k", 100)).isEqualTo(Status.TOUCHED);
    assertThat(f.cas("k")).isEqualTo(unique);
    assertThat(cas("k", "w", unique)).isEqualTo(Status.STORED);
  }

  @Test
  void failedStoresLeaveTheUniqueAlone() {
    f.set("k", "v");
    long unique = f.cas("k");
    assertThat(f.store(StoreMode.ADD, "k", 0, 0, "x")).isEqualTo(Status.NOT_STORED);
    assertThat(cas("k", "y", unique + 1000)).isEqualTo(Status.EXISTS);
    assertThat(f.cas("k")).isEqualTo(unique);
  }

  @Test
  void casWithNegativeExptimeStoresAndDeletes() {
    f.set("k", "v");
    long unique = f.cas("k");
    assertThat(f.store(StoreMode.CAS, "k", 0, -1, "w", unique)).isEqualTo(Status.STORED);
    assertThat(f.hit("k")).isNull();
  }
}
