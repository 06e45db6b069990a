package io.safecached.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.safecached.store.stats.Counter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Values fetched for a reply stay in the store's memory, held there: a held segment is never reused under a
 * reader, is reused once the reader lets go, and only a bounded number of values may be out to the transport.
 */
class PinnedValueTest {
  private final StoreFixture f = new StoreFixture(8L << 20, 16);

  @AfterEach
  void close() {
    f.store.close();
  }

  private static byte[] value(int length, int seed) {
    byte[] v = new byte[length];
    Arrays.fill(v, (byte) seed);
    v[0] = (byte) (seed >> 8);
    return v;
  }

  private void set(String key, byte[] value) {
    long now = f.store.now();
    f.store.compute(Key.of(key), old -> new Item(value, 7, f.store.nextCas(), 0, now));
  }

  /**
   * Writes keys of {@code size}-byte values until the cache has turned over {@code rounds} times, reading each
   * once, so that eviction moves them too and every kind of segment (spare, main head, free) is written.
   */
  private void churn(int size, int rounds) {
    long items = rounds * (8L << 20) / size;
    for (int i = 0; i < items; i++) {
      set("churn" + i, value(size, i));
      f.store.fetch(Key.of("churn" + i), true).release();
    }
  }

  @Test
  void aHeldSegmentIsNotReusedUnderItsReaderEvenOnceAllItsItemsExpired() {
    byte[] v = value(20_000, 1);
    long now = f.store.now();
    // first in its lifetime class's segment, which fills up and is closed behind it
    f.store.compute(Key.of("held"), old -> new Item(v, 0, f.store.nextCas(), now + 2_000, now));
    for (int i = 0; i < 40; i++) {
      byte[] filler = value(20_000, 100 + i);
      f.store.compute(Key.of("short" + i), old -> new Item(filler, 0, f.store.nextCas(), now + 2_000, now));
    }
    StoredValue held = f.store.fetch(Key.of("held"), true).storedValue();
    assertThat(held.inStore()).isTrue();
    assertThat(f.store.pinned()).isEqualTo(1);

    f.clock.advance(3, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(f.store.sweep()).as("segments of expired items reclaimed").isPositive();
    assertThat(f.store.get(Key.of("held"))).isNull();
    churn(10_000, 3);

    assertThat(f.count(Counter.EVICTIONS)).isPositive();
    assertThat(Arrays.equals(held.bytes(), v)).as("the bytes under the reader are intact").isTrue();
    held.release();
    assertThat(f.store.pinned()).isZero();
    assertThatThrownBy(held::bytes).isInstanceOf(IllegalStateException.class);
    // the segment it held is reused now: the cache keeps turning over within its limit
    churn(10_000, 2);
    assertThat(f.store.bytesUsed()).isLessThanOrEqualTo(8L << 20);
    f.store.audit();
  }

  /**
   * Regression (found by bench/fuzz, 2026-12-08, where a refused mg left values pinned): with every segment held by
   * a reader, a write that needed a segment waited for one for ever, holding the evict lock, so every other write
   * waited behind it and the event loop stopped. Now it waits {@link Eviction#MAX_WAIT_NANOS} at most, then the
   * write counts as stored and evicted at once, like a value larger than a segment; once the readers let go,
   * writes are kept again.
   */
  @Test
  @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aWriteGivesUpWhenEverySegmentIsHeldByAReader() {
    List<StoredValue> held = new ArrayList<>();
    Item kept;
    int i = 0;
    do {
      set("k" + i, value(100_000, i));
      kept = f.store.fetch(Key.of("k" + i), true);
      if (kept != null) {
        held.add(kept.storedValue()); // a reply still going out, for each value
      }
      i++;
    } while (kept != null && i < 1_000);
    assertThat(kept).as("a write with no segment to go to is not kept").isNull();
    assertThat(held).as("the cache filled first").hasSizeGreaterThan(40);
    String last = "k" + (i - 2);
    assertThat(f.store.get(Key.of(last))).isNotNull();
    set(last, value(100_000, 7)); // no room again: neither the new value nor the old one stays
    assertThat(f.store.get(Key.of(last))).isNull();

    held.forEach(StoredValue::release);
    assertThat(f.store.pinned()).isZero();
    set("after", value(100_000, 4));
    assertThat(f.store.get(Key.of("after"))).as("kept once the readers let go").isNotNull();
    f.store.audit();
  }

  @Test
  void aSegmentWithAReaderIsNotChosenForEvictionWhileOthersCanBe() {
    byte[] v = value(20_000, 1);
    set("held", v);
    StoredValue held = f.store.fetch(Key.of("held"), true).storedValue();
    churn(10_000, 3);
    assertThat(f.count(Counter.EVICTIONS)).isPositive();
    assertThat(Arrays.equals(held.bytes(), v)).as("the bytes under the reader are intact").isTrue();
    held.release();
    f.store.audit();
  }

  @Test
  void aFetchMarksTheItemAndReportsItsMarksFromBefore() {
    set("k", value(100, 2));
    Item first = f.store.fetch(Key.of("k"), true);
    assertThat(first.fetched()).as("not read before").isFalse();
    first.release();
    Item second = f.store.fetch(Key.of("k"), false);
    assertThat(second.fetched()).isTrue();
    second.release();
    assertThat(f.store.fetch(Key.of("missing"), true)).isNull();
    assertThat(f.store.pinned()).isZero();
  }

  @Test
  void valuesHandedOffAreBoundedToAShareOfTheSegmentsAndCopiedBeyond() {
    List<StoredValue> out = new ArrayList<>();
    int limit = Math.max(1, 16 / OffHeapStore.HAND_OFF_SHARE);
    for (int i = 0; i < limit + 3; i++) {
      set("big" + i, value(StoredValue.HAND_OFF_MIN, i));
      StoredValue v = f.store.fetch(Key.of("big" + i), true).storedValue();
      boolean handed = v.handOff() != null;
      assertThat(handed).as("hand-off %d of at most %d", i, limit).isEqualTo(i < limit);
      if (handed) {
        out.add(v);
      } else {
        v.release();
      }
    }
    assertThat(f.store.handedOff()).isEqualTo(limit);
    out.forEach(StoredValue::handOffDone);
    assertThat(f.store.handedOff()).isZero();
    assertThat(f.store.pinned()).isZero();
  }

  @Test
  void shortValuesAndValuesOnTheHeapAreNeverHandedOff() {
    set("small", value(StoredValue.HAND_OFF_MIN - 1, 3));
    StoredValue small = f.store.fetch(Key.of("small"), true).storedValue();
    assertThat(small.handOff()).isNull();
    small.release();
    assertThat(StoredValue.of(value(StoredValue.HAND_OFF_MIN, 4)).handOff()).isNull();
    assertThat(f.store.pinned()).isZero();
  }

  @Test
  void closingWithAValueStillHeldLeavesItsMemoryToTheCollector() {
    byte[] v = value(5_000, 5);
    set("k", v);
    StoredValue held = f.store.fetch(Key.of("k"), true).storedValue();
    long start = System.nanoTime();
    f.store.close();
    assertThat(System.nanoTime() - start).as("waited for the reader, boundedly")
        .isGreaterThanOrEqualTo(OffHeapStore.CLOSE_WAIT_MILLIS * 1_000_000L);
    // not freed: reading it is still safe
    assertThat(Arrays.equals(held.bytes(), v)).as("the bytes under the reader are intact").isTrue();
    held.release();
  }
}
