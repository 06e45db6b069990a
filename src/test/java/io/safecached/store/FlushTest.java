package io.safecached.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.safecached.store.stats.Counter;
import io.safecached.store.stats.Counters;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** flush_all in O(1): immediate and delayed flushes, what stays visible, get_flushed, and the purge. */
class FlushTest {

  @Test
  void immediateFlushHidesEarlierItemsAndKeepsLaterOnes() {
    StoreFixture f = new StoreFixture();
    f.put("a", "1");
    f.put("b", "2");
    f.store.flushAll(f.clock.millis());
    f.put("c", "3");
    assertThat(f.value("a")).isNull();
    assertThat(f.value("b")).isNull();
    assertThat(f.value("c")).isEqualTo("3");
    // a later write of a flushed key is a new item and visible
    f.put("a", "new");
    assertThat(f.value("a")).isEqualTo("new");
  }

  @Test
  void readingAFlushedItemCountsGetFlushed() {
    // a background executor that never runs, so the flushed items are still there when read
    List<Runnable> pending = new ArrayList<>();
    FakeClock clock = new FakeClock();
    Counters counters = new Counters();
    OffHeapStore store = new OffHeapStore(1 << 20, 4096, clock, counters, pending::add);
    Key a = Key.of("a");
    store.compute(a, old -> new Item(new byte[] {'1'}, 0, store.nextCas(), 0, clock.millis()));
    store.flushAll(clock.millis());
    assertThat(pending).hasSize(1);
    assertThat(store.itemCount()).as("flush is O(1): nothing removed yet").isEqualTo(1);
    assertThat(store.get(a)).isNull();
    assertThat(counters.get(Counter.GET_FLUSHED)).isEqualTo(1);
    assertThat(counters.get(Counter.GET_EXPIRED)).isZero();
    assertThat(store.itemCount()).isZero();
  }

  @Test
  void flushedItemIsInvisibleToComputeAndRemove() {
    StoreFixture f = new StoreFixture();
    f.put("a", "1");
    f.put("b", "1");
    f.store.flushAll(f.clock.millis());
    Item[] seen = {new Item(new byte[0], 0, 0, 0, 0)};
    f.store.compute(Key.of("a"), old -> {
      seen[0] = old;
      return old;
    });
    assertThat(seen[0]).isNull();
    assertThat(f.store.remove(Key.of("b"))).isFalse();
  }

  /** memcached's clock ticks whole seconds: flush_all N takes hold in the second before the deadline's. */
  @Test
  void delayedFlushTakesHoldInTheSecondBeforeTheDeadline() {
    StoreFixture f = new StoreFixture();
    f.put("a", "1");
    long deadline = f.clock.millis() + 10_000;
    long holds = deadline - 1_000;
    f.store.flushAll(deadline);
    f.clock.advanceMillis(5_000);
    f.put("b", "2"); // stored before the flush takes hold: flushed too
    f.clock.set(holds - 1);
    assertThat(f.value("a")).isEqualTo("1");
    assertThat(f.value("b")).isEqualTo("2");
    f.clock.set(holds);
    assertThat(f.value("a")).isNull();
    assertThat(f.value("b")).isNull();
    assertThat(f.count(Counter.GET_FLUSHED)).isEqualTo(2);
  }

  /** Like memcached, an item stored during the second in which the flush took hold is dropped as well. */
  @Test
  void itemsStoredDuringTheFlushSecondAreDropped() {
    StoreFixture f = new StoreFixture();
    long deadline = f.clock.millis() + 10_000;
    f.store.flushAll(deadline);
    f.clock.set(deadline - 1);
    f.put("late", "1");
    assertThat(f.value("late")).isNull();
    f.clock.set(deadline);
    f.put("next", "2");
    assertThat(f.value("next")).isEqualTo("2");
  }

  /** flush_all 1 takes hold at once and also drops what is stored in the rest of that second (memcached). */
  @Test
  void aOneSecondDelayTakesHoldAtOnce() {
    StoreFixture f = new StoreFixture();
    f.put("a", "1");
    f.clock.advanceMillis(300);
    f.store.flushAll(f.clock.millis() + 1_000);
    assertThat(f.value("a")).isNull();
    f.put("same-second", "2");
    assertThat(f.value("same-second")).isNull();
    f.clock.set(FakeClock.START + 1_000);
    f.put("next-second", "3");
    assertThat(f.value("next-second")).isEqualTo("3");
  }

  @Test
  void itemsStoredAfterADelayedDeadlineSurvive() {
    StoreFixture f = new StoreFixture();
    f.put("old", "1");
    long deadline = f.clock.millis() + 10_000;
    f.store.flushAll(deadline);
    f.clock.set(deadline + 1);
    f.put("new", "2");
    f.clock.advance(1, TimeUnit.HOURS);
    assertThat(f.value("new")).isEqualTo("2");
    assertThat(f.value("old")).isNull();
  }

  /** Regression: an item stored in the very millisecond a delayed flush took hold vanished right after STORED. */
  @Test
  void anItemStoredAtTheDelayedDeadlineIsVisible() {
    StoreFixture f = new StoreFixture();
    long deadline = f.clock.millis() + 10_000;
    f.store.flushAll(deadline);
    f.clock.set(deadline);
    f.put("k", "v");
    assertThat(f.value("k")).isEqualTo("v");
    f.store.cleanUp();
    assertThat(f.value("k")).isEqualTo("v");
  }

  @Test
  void aLaterImmediateFlushHidesItemsStoredAfterADelayedOne() {
    StoreFixture f = new StoreFixture();
    long deadline = f.clock.millis() + 10_000;
    f.store.flushAll(deadline);
    f.clock.set(deadline + 1_000);
    f.put("after", "1");
    assertThat(f.value("after")).isEqualTo("1");
    f.store.flushAll(f.clock.millis());
    assertThat(f.value("after")).isNull();
    f.put("latest", "2");
    assertThat(f.value("latest")).isEqualTo("2");
  }

  /** As in memcached, which keeps one oldest_live setting: a new flush_all replaces a pending delayed one. */
  @Test
  void anImmediateFlushReplacesAPendingDelayedOne() {
    StoreFixture f = new StoreFixture();
    f.put("before", "1");
    long deadline = f.clock.millis() + 10_000;
    f.store.flushAll(deadline);
    f.store.flushAll(f.clock.millis());
    f.put("between", "2");
    f.clock.set(deadline + 1);
    assertThat(f.value("before")).isNull();
    assertThat(f.value("between")).isEqualTo("2");
  }

  @Test
  void purgeRemovesDeadItemsOnly() {
    List<Runnable> pending = new ArrayList<>();
    FakeClock clock = new FakeClock();
    Counters counters = new Counters();
    OffHeapStore store = new OffHeapStore(1 << 20, 4096, clock, counters, pending::add);
    for (int i = 0; i < 100; i++) {
      Key k = Key.of("k" + i);
      store.compute(k, old -> new Item(new byte[10], 0, store.nextCas(), 0, clock.millis()));
    }
    long before = store.bytesUsed();
    store.flushAll(clock.millis());
    Key survivor = Key.of("survivor");
    store.compute(survivor, old -> new Item(new byte[10], 0, store.nextCas(), 0, clock.millis()));
    assertThat(store.itemCount()).isEqualTo(101);
    assertThat(pending).hasSize(1);
    pending.get(0).run();
    assertThat(store.itemCount()).isEqualTo(1);
    assertThat(store.bytesUsed()).isLessThan(before);
    assertThat(store.get(survivor)).isNotNull();
    assertThat(counters.get(Counter.GET_FLUSHED)).as("a purge is not a read").isZero();
    assertThat(counters.get(Counter.EVICTIONS)).isZero();
  }

  @Test
  void purgeAfterADelayedDeadlineRemovesTheFlushedItems() {
    StoreFixture f = new StoreFixture();
    f.put("a", "1");
    f.put("b", "2");
    long deadline = f.clock.millis() + 2_000;
    f.store.flushAll(deadline);
    f.store.cleanUp();
    assertThat(f.store.itemCount()).as("not dead before the flush takes hold").isEqualTo(2);
    f.clock.set(deadline - 1_000);
    f.store.cleanUp();
    assertThat(f.store.itemCount()).isZero();
    f.clock.set(deadline);
    f.put("d", "4");
    f.store.cleanUp();
    assertThat(f.store.itemCount()).isEqualTo(1);
    assertThat(f.value("d")).isEqualTo("4");
  }
}
