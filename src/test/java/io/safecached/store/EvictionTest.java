package io.safecached.store;

import static io.safecached.store.StoreFixture.VALUE_SIZE;
import static io.safecached.store.StoreFixture.weightOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.safecached.store.stats.Counter;
import org.junit.jupiter.api.Test;

/** The memory bound holds, evictions are counted, and the segmented LRU keeps popular keys through a scan. */
class EvictionTest {

  private static void fill(StoreFixture f, String prefix, int n) {
    for (int i = 0; i < n; i++) {
      f.put(prefix + i, "x".repeat(VALUE_SIZE));
    }
  }

  @Test
  void weightCountsKeyValueAndOverhead() {
    StoreFixture f = new StoreFixture();
    f.put("key", "value");
    assertThat(f.store.bytesUsed()).as("32-byte header, key and value, padded to 8").isEqualTo(40);
    assertThat(OffHeapStore.footprint(3, 5)).isEqualTo(40);
    assertThat(OffHeapStore.footprint(3, 6)).isEqualTo(48);
    f.put("key", "v".repeat(100));
    assertThat(f.store.bytesUsed()).as("replacing re-weighs").isEqualTo(136);
    f.store.remove(Key.of("key"));
    assertThat(f.store.bytesUsed()).isZero();
  }

  @Test
  void fillingFarBeyondTheLimitStaysWithinIt() {
    long limit = 256 * 1024;
    StoreFixture f = new StoreFixture(limit);
    int n = (int) (20 * limit / weightOf("k0000"));
    long peak = 0;
    for (int i = 0; i < n; i++) {
      f.put(String.format("k%04d", i), "x".repeat(VALUE_SIZE));
      peak = Math.max(peak, f.store.bytesUsed());
    }
    f.store.cleanUp();
    assertThat(f.store.memoryLimit()).isEqualTo(limit);
    assertThat(f.store.bytesUsed()).isLessThanOrEqualTo(limit);
    assertThat(peak).as("the bound holds when each write returns").isLessThanOrEqualTo(limit);
    assertThat(f.store.bytesUsed()).isEqualTo(f.store.itemCount() * weightOf("k0000"));
    assertThat(f.store.itemCount()).isGreaterThan(limit / weightOf("k0000") / 2);
    long evictions = f.count(Counter.EVICTIONS);
    assertThat(evictions).isEqualTo(n - f.store.itemCount());
    assertThat(f.count(Counter.EVICTED_UNFETCHED)).as("nothing was read").isEqualTo(evictions);
    assertThat(f.count(Counter.RECLAIMED)).isZero();
  }

  @Test
  void evictingReadItemsIsNotCountedAsUnfetched() {
    StoreFixture f = new StoreFixture(1 << 20);
    fill(f, "r", 100);
    for (int i = 0; i < 100; i++) {
      assertThat(f.read("r" + i)).isTrue();
    }
    f.store.setMemoryLimit(10L * weightOf("r00"));
    f.store.cleanUp();
    assertThat(f.store.memoryLimit()).isEqualTo(10L * weightOf("r00"));
    assertThat(f.store.bytesUsed()).isLessThanOrEqualTo(f.store.memoryLimit());
    assertThat(f.count(Counter.EVICTIONS)).isGreaterThanOrEqualTo(90);
    assertThat(f.count(Counter.EVICTED_UNFETCHED)).isZero();
  }

  @Test
  void raisingTheLimitKeepsEverything() {
    StoreFixture f = new StoreFixture(64L * weightOf("k0"));
    fill(f, "k", 10);
    f.store.setMemoryLimit(1L << 30);
    f.store.cleanUp();
    assertThat(f.store.itemCount()).isEqualTo(10);
    assertThat(f.count(Counter.EVICTIONS)).isZero();
  }

  @Test
  void anItemLargerThanTheWholeLimitIsNotKept() {
    StoreFixture f = new StoreFixture(4096);
    f.put("small", "s");
    f.put("huge", "h".repeat(10_000));
    f.store.cleanUp();
    assertThat(f.store.bytesUsed()).isLessThanOrEqualTo(4096);
    assertThat(f.value("huge")).isNull();
  }

  /**
   * With 64 segments, writing 10 times the capacity of fresh keys leaves the newest 90 % of a capacity's worth
   * all present: eviction takes the segment whose next victim is oldest. Evicting only from the writing segment
   * (64 separate LRUs) lost keys already among the newest 30 % to 85 % in trials, from segments that took more
   * writes than their share.
   */
  @Test
  void evictionFollowsOneStoreWideLruAcrossSegments() {
    int segments = 64;
    int capacity = segments * 32;
    StoreFixture f = new StoreFixture((long) capacity * weightOf("k00000"), segments);
    int n = 10 * capacity;
    for (int i = 0; i < n; i++) {
      f.clock.advanceMillis(1);
      f.put(String.format("k%05d", i), "x".repeat(VALUE_SIZE));
    }
    int newestMissing = -1;
    int present = 0;
    for (int age = 0; age < n; age++) {
      boolean there = f.store.get(Key.of(String.format("k%05d", n - 1 - age))) != null;
      present += there ? 1 : 0;
      if (!there && newestMissing < 0) {
        newestMissing = age;
      }
    }
    assertThat(f.store.bytesUsed()).isLessThanOrEqualTo(f.store.memoryLimit());
    assertThat(present).isGreaterThan(capacity - segments);
    assertThat(newestMissing).as("keys newer than this many writes are all present")
        .isGreaterThanOrEqualTo(capacity * 9 / 10);
    assertThat(f.count(Counter.EVICTIONS)).isEqualTo(n - f.store.itemCount());
    f.store.audit();
  }

  @Test
  void itemsAllReadSinceWrittenSurviveTheirSegmentsEvictionOnceWithTheirValues() {
    int segments = 16;
    int perSegment = 32;
    StoreFixture f = new StoreFixture((long) segments * perSegment * weightOf("a0000"), segments);
    int read = 2 * perSegment;
    for (int i = 0; i < read; i++) {
      f.put(String.format("a%04d", i), String.format("%0" + VALUE_SIZE + "d", i));
    }
    for (int i = 0; i < read; i++) {
      assertThat(f.read(String.format("a%04d", i))).isTrue();
    }
    // a cache's worth of keys nobody reads: the read ones leave the small queue for the main one, values intact
    fill(f, "n", segments * perSegment);
    for (int i = 0; i < read; i++) {
      assertThat(f.value(String.format("a%04d", i))).as("a%04d", i).isEqualTo(String.format("%0" + VALUE_SIZE + "d", i));
    }
    f.store.audit();
    // not read since: their count was reset, so newer keys that are read push them out in turn
    for (int i = 0; i < 3 * segments * perSegment; i++) {
      f.put("m" + i, "x".repeat(VALUE_SIZE));
      f.read("m" + i);
    }
    int left = 0;
    for (int i = 0; i < read; i++) {
      left += f.store.get(Key.of(String.format("a%04d", i))) != null ? 1 : 0;
    }
    assertThat(left).as("read once, long ago").isZero();
    assertThat(f.store.bytesUsed()).isLessThanOrEqualTo(f.store.memoryLimit());
    f.store.audit();
  }

  @Test
  void popularKeysSurviveAScanOfOneShotKeys() {
    int capacity = 200;
    StoreFixture f = new StoreFixture((long) capacity * weightOf("hot000"));
    int hot = 40;
    int recent = 40;
    fill(f, "hot", hot);
    fill(f, "rec", recent);
    // frequently read keys
    for (int round = 0; round < 8; round++) {
      for (int i = 0; i < hot; i++) {
        f.read("hot" + i);
      }
      f.store.cleanUp();
    }
    // recently read keys, read twice just before the scan
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < recent; i++) {
        f.read("rec" + i);
      }
      f.store.cleanUp();
    }
    int scan = 20 * capacity;
    fill(f, "scan", scan);
    f.store.cleanUp();

    int hotLeft = 0;
    for (int i = 0; i < hot; i++) {
      hotLeft += f.store.get(Key.of("hot" + i)) != null ? 1 : 0;
    }
    int recentLeft = 0;
    for (int i = 0; i < recent; i++) {
      recentLeft += f.store.get(Key.of("rec" + i)) != null ? 1 : 0;
    }
    int scanLeft = 0;
    for (int i = 0; i < scan; i++) {
      scanLeft += f.store.get(Key.of("scan" + i)) != null ? 1 : 0;
    }
    double hotRate = (double) hotLeft / hot;
    double recentRate = (double) recentLeft / recent;
    double scanRate = (double) scanLeft / scan;
    assertThat(f.store.bytesUsed()).isLessThanOrEqualTo(f.store.memoryLimit());
    assertThat(scanRate).isLessThan(0.1);
    assertThat(hotRate).as("frequently read keys survive (scan survival %.3f)", scanRate).isGreaterThan(0.8);
    assertThat(recentRate).as("recently read keys survive (scan survival %.3f)", scanRate).isGreaterThan(0.8);
    assertThat(f.count(Counter.EVICTIONS)).isGreaterThanOrEqualTo(scan - capacity);
    assertThat(f.count(Counter.EVICTED_UNFETCHED)).as("one-shot keys were never read")
        .isGreaterThanOrEqualTo(scan - capacity);
  }
}
