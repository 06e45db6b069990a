package io.safecached.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.safecached.command.Result.Status;
import io.safecached.store.stats.Counter;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * touch, gat and gats: new deadlines, unchanged CAS, and memcached's counters (a gat counts cmd_touch and
 * touch_hits/touch_misses; memcached 1.6.18 counts neither cmd_get nor get_hits/get_misses for it, observed).
 */
class TouchAndGatTest {
  private final CommandFixture f = new CommandFixture();

  @Test
  void touchSetsANewDeadline() {
    f.set("k", 0, 10, "v");
    assertThat(f.touch("k", 100)).isEqualTo(Status.TOUCHED);
    f.clock.advance(99, TimeUnit.SECONDS);
    assertThat(f.value("k")).isEqualTo("v");
    f.clock.advance(1, TimeUnit.SECONDS);
    assertThat(f.value("k")).isNull();
  }

  @Test
  void touchCanShortenOrRemoveTheDeadline() {
    f.set("k", 0, 0, "v");
    f.touch("k", 5);
    f.clock.advance(5, TimeUnit.SECONDS);
    assertThat(f.value("k")).isNull();

    f.set("n", 0, 5, "v");
    f.touch("n", 0);
    f.clock.advance(365, TimeUnit.DAYS);
    assertThat(f.value("n")).isEqualTo("v");
  }

  @Test
  void touchWithNegativeExptimeExpiresTheItem() {
    f.set("k", "v");
    assertThat(f.touch("k", -1)).isEqualTo(Status.TOUCHED);
    assertThat(f.value("k")).isNull();
  }

  @Test
  void touchKeepsValueFlagsAndCas() {
    f.set("k", 3, 10, "v");
    long cas = f.cas("k");
    f.touch("k", 100);
    assertThat(f.value("k")).isEqualTo("v");
    assertThat(f.item("k").flags()).isEqualTo(3);
    assertThat(f.cas("k")).isEqualTo(cas);
  }

  @Test
  void touchCounts() {
    f.set("k", "v");
    f.touch("k", 10);
    assertThat(f.touch("missing", 10)).isEqualTo(Status.NOT_FOUND);
    f.set("e", 0, 1, "v");
    f.clock.advance(1, TimeUnit.SECONDS);
    assertThat(f.touch("e", 10)).isEqualTo(Status.NOT_FOUND);
    assertThat(f.nonZeroCounters()).containsAllEntriesOf(
        Map.of("cmd_touch", 3L, "touch_hits", 1L, "touch_misses", 2L))
        .doesNotContainKeys("cmd_get", "get_hits", "get_misses");
  }

  @Test
  void gatReturnsValuesAndSetsTheDeadline() {
    f.set("a", 1, 10, "x");
    f.set("b", 2, 0, "y");
    Result.Values v = f.gat(100, "a", "missing", "b");
    assertThat(v.withCas()).isFalse();
    assertThat(v.hits()).extracting(h -> CommandFixture.text(h.key())).containsExactly("a", "b");
    assertThat(v.hits()).extracting(h -> CommandFixture.text(h.value())).containsExactly("x", "y");
    assertThat(v.hits()).extracting(Result.Hit::flags).containsExactly(1, 2);
    f.clock.advance(99, TimeUnit.SECONDS);
    assertThat(f.value("a")).isEqualTo("x");
    assertThat(f.value("b")).isEqualTo("y");
    f.clock.advance(1, TimeUnit.SECONDS);
    assertThat(f.value("a")).isNull();
    assertThat(f.value("b")).isNull();
  }

  @Test
  void gatsReportsTheUnchangedCas() {
    f.set("k", "v");
    long cas = f.cas("k");
    Result.Values v = f.gats(100, "k");
    assertThat(v.withCas()).isTrue();
    assertThat(v.hits()).singleElement().extracting(Result.Hit::cas).isEqualTo(cas);
    assertThat(f.cas("k")).isEqualTo(cas);
  }

  @Test
  void gatCountsLikeATouch() {
    f.set("a", "x");
    f.gat(10, "a", "missing", "a");
    f.gats(10, "other");
    assertThat(f.nonZeroCounters()).isEqualTo(Map.of(
        "cmd_set", 1L, "total_items", 1L, "cmd_touch", 4L, "touch_hits", 2L, "touch_misses", 2L));
  }

  @Test
  void gatMarksTheItemFetched() {
    f.set("k", "v");
    assertThat(f.item("k").fetched()).isFalse();
    f.gat(10, "k");
    assertThat(f.item("k").fetched()).isTrue();
  }

  @Test
  void gatDoesNotFindExpiredOrFlushedItems() {
    f.set("e", 0, 1, "v");
    f.set("g", "v");
    f.clock.advance(1, TimeUnit.SECONDS);
    f.flushAll(0);
    assertThat(f.gat(100, "e", "g").hits()).isEmpty();
    assertThat(f.count(Counter.TOUCH_MISSES)).isEqualTo(2);
  }
}
