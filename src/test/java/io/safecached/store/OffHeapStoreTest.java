package io.safecached.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.safecached.store.stats.Counter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The off-heap store's own properties: exact round trips, bounded memory, concurrency, hostile keys, expiry. */
class OffHeapStoreTest {
  private final List<StoreFixture> fixtures = new ArrayList<>();

  private StoreFixture fixture(long limit) {
    StoreFixture f = new StoreFixture(limit);
    fixtures.add(f);
    return f;
  }

  @AfterEach
  void close() {
    fixtures.forEach(f -> f.store.close());
  }

  private static byte[] valueFor(byte[] key, int length, long version) {
    byte[] v = new byte[length];
    SplittableRandom r = new SplittableRandom(Arrays.hashCode(key) * 31L + version);
    for (int i = 0; i < length; i++) {
      v[i] = (byte) r.nextInt();
    }
    return v;
  }

  private static Item item(StoreFixture f, byte[] value, int flags, long exptime) {
    long now = f.store.now();
    return new Item(value, flags, f.store.nextCas(), Expiry.deadline(exptime, now), now);
  }

  /** Random sets, deletes, appends and touches against a map, with no eviction: every read matches the map. */
  @Test
  void randomOperationsMatchAMapExactly() {
    StoreFixture f = fixture(64L << 20);
    Map<String, byte[]> model = new HashMap<>();
    Map<String, Integer> flags = new HashMap<>();
    SplittableRandom r = new SplittableRandom(7);
    for (int step = 0; step < 40_000; step++) {
      String k = "key:" + r.nextInt(2_000);
      Key key = Key.of(k);
      switch (r.nextInt(6)) {
        case 0, 1 -> {
          byte[] v = valueFor(key.bytes(), r.nextInt(r.nextBoolean() ? 200 : 20_000), step);
          int fl = r.nextInt();
          f.store.compute(key, old -> item(f, v, fl, 0));
          model.put(k, v);
          flags.put(k, fl);
        }
        case 2 -> assertThat(f.store.remove(key)).isEqualTo(model.remove(k) != null);
        case 3 -> {
          byte[] tail = valueFor(key.bytes(), r.nextInt(50), -step);
          f.store.compute(key, old -> {
            if (old == null) {
              return null;
            }
            byte[] joined = Arrays.copyOf(old.value(), old.value().length + tail.length);
            System.arraycopy(tail, 0, joined, old.value().length, tail.length);
            return new Item(joined, old.flags(), f.store.nextCas(), old.expiresAt(), f.store.now());
          });
          model.computeIfPresent(k, (kk, old) -> {
            byte[] joined = Arrays.copyOf(old, old.length + tail.length);
            System.arraycopy(tail, 0, joined, old.length, tail.length);
            return joined;
          });
        }
        case 4 -> f.store.compute(key, old -> old == null ? null : old.withExpiry(0));
        default -> {
          Item got = f.store.get(key);
          byte[] want = model.get(k);
          if (want == null) {
            assertThat(got).isNull();
          } else {
            assertThat(got).isNotNull();
            assertThat(got.value()).isEqualTo(want);
            assertThat(got.flags()).isEqualTo(flags.get(k));
          }
        }
      }
    }
    for (Map.Entry<String, byte[]> e : model.entrySet()) {
      assertThat(f.store.get(Key.of(e.getKey())).value()).isEqualTo(e.getValue());
    }
    assertThat(f.store.itemCount()).isEqualTo(model.size());
    assertThat(f.count(Counter.EVICTIONS)).isZero();
    f.store.audit();
  }

  /** Values of every size from empty to a whole segment's worth, under churn at a small limit. */
  @Test
  void churnOfMixedSizesStaysWithinTheLimitAndNeverCorruptsAValue() {
    long limit = 4L << 20;
    StoreFixture f = new StoreFixture(limit, OffHeapStore.segmentSizeFor(limit, 64 * 1024), null);
    fixtures.add(f);
    SplittableRandom r = new SplittableRandom(11);
    Map<String, Long> versions = new HashMap<>();
    Map<String, Integer> lengths = new HashMap<>();
    for (int step = 0; step < 30_000; step++) {
      String k = "k" + r.nextInt(3_000);
      Key key = Key.of(k);
      int op = r.nextInt(10);
      if (op < 6) {
        int len = r.nextInt(4) == 0 ? r.nextInt(60_000) : r.nextInt(300);
        long version = step;
        byte[] v = valueFor(key.bytes(), len, version);
        f.store.compute(key, old -> item(f, v, 0, r.nextInt(5) == 0 ? 2 : 0));
        versions.put(k, version);
        lengths.put(k, len);
      } else if (op < 7) {
        f.store.remove(key);
        versions.remove(k);
      } else {
        Item got = f.store.get(key);
        if (got != null) {
          assertThat(versions).containsKey(k);
          assertThat(got.value()).isEqualTo(valueFor(key.bytes(), lengths.get(k), versions.get(k)));
        }
      }
      if (step % 1000 == 0) {
        f.clock.advance(1, TimeUnit.SECONDS);
      }
      assertThat(f.store.bytesUsed()).isLessThanOrEqualTo(limit);
    }
    assertThat(f.count(Counter.EVICTIONS)).isPositive();
    assertThat((long) f.store.segmentsAllocated() * f.store.segmentSize()).isLessThanOrEqualTo(limit);
    f.store.audit();
  }

  @Test
  void anItemLargerThanASegmentIsCountedAsEvictedAndNotKept() {
    StoreFixture f = new StoreFixture(8L << 20, 64 * 1024, null);
    fixtures.add(f);
    f.put("old", "v");
    f.store.compute(Key.of("old"), old -> item(f, new byte[70_000], 0, 0));
    assertThat(f.store.get(Key.of("old"))).isNull();
    assertThat(f.count(Counter.EVICTIONS)).isEqualTo(1);
    f.store.audit();
  }

  /**
   * 65,536 keys that all share one {@code String.hashCode} (every string of 16 "Aa"/"BB" pairs): the keyed hash
   * spreads them, so no lookup probes more than a few slots.
   */
  @Test
  void keysCraftedToCollideDoNotDegradeLookups() {
    StoreFixture f = fixture(64L << 20);
    List<String> keys = new ArrayList<>();
    for (int bits = 0; bits < 1 << 16; bits++) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < 16; i++) {
        sb.append((bits >>> i & 1) == 0 ? "Aa" : "BB");
      }
      keys.add(sb.toString());
    }
    assertThat(keys.stream().mapToInt(String::hashCode).distinct().count()).isEqualTo(1);
    for (String k : keys) {
      f.put(k, "v");
    }
    assertThat(f.store.itemCount()).isEqualTo(keys.size());
    // a random hash gives each stripe's table (512 slots, half full) runs whose longest over the 256 stripes is
    // 28-53 slots (80 runs measured); keys that collided would all share one home: one run of 65,536
    assertThat(f.store.longestProbeRun()).as("longest run of occupied slots").isLessThan(128);
    for (String k : keys) {
      assertThat(f.value(k)).isEqualTo("v");
    }
  }

  /**
   * Writers fill fresh segments of a lifetime class while the sweeper runs all the time: a sweep must never take
   * a segment whose record is being written (it has no live record yet), so every key reads back its value.
   */
  @Test
  void theSweeperNeverTakesASegmentUnderAWrite() throws Exception {
    StoreFixture f = new StoreFixture(64L << 20, 64 * 1024, null);
    fixtures.add(f);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
    Thread sweeper = new Thread(() -> {
      while (writing.get()) {
        f.store.sweep();
      }
    });
    sweeper.start();
    List<Thread> writers = new ArrayList<>();
    for (int t = 0; t < 3; t++) {
      int id = t;
      writers.add(new Thread(() -> {
        try {
          for (int i = 0; i < 20_000 && failure.get() == null; i++) {
            String key = "w" + id + ":" + i;
            f.put(key, key + "x".repeat(2_000), 3_600); // a class of its own, and each segment holds few
            if (!(key + "x".repeat(2_000)).equals(f.value(key))) {
              throw new AssertionError("lost or wrong value for " + key);
            }
          }
        } catch (Throwable e) {
          failure.compareAndSet(null, e);
        }
      }));
    }
    writers.forEach(Thread::start);
    for (Thread t : writers) {
      t.join(120_000);
    }
    writing.set(false);
    sweeper.join(10_000);
    assertThat(failure.get()).isNull();
    f.store.audit();
  }

  /** Four threads write and read overlapping keys; every value read is one that was written whole for its key. */
  @Test
  void concurrentWritersAndReadersNeverSeeATornValue() throws Exception {
    StoreFixture f = new StoreFixture(8L << 20, OffHeapStore.segmentSizeFor(8L << 20, 16 * 1024), null);
    fixtures.add(f);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int seed = t;
      threads.add(new Thread(() -> {
        SplittableRandom r = new SplittableRandom(seed);
        try {
          for (int i = 0; i < 40_000 && failure.get() == null; i++) {
            byte[] k = ("k" + r.nextInt(5_000)).getBytes();
            if (r.nextInt(3) == 0) {
              long version = r.nextLong() & 0xFFFF;
              int len = r.nextInt(10) == 0 ? 8_000 : 100;
              byte[] v = valueFor(k, len, version);
              byte[] tagged = Arrays.copyOf(v, len + 2);
              tagged[len] = (byte) version;
              tagged[len + 1] = (byte) (version >>> 8);
              f.store.compute(Key.wrap(k), old -> new Item(tagged, 0, f.store.nextCas(), 0, f.store.now()));
            } else {
              Item got = f.store.get(Key.wrap(k));
              if (got != null) {
                byte[] v = got.value();
                int len = v.length - 2;
                long version = (v[len] & 0xFF) | (v[len + 1] & 0xFF) << 8;
                assertThat(Arrays.copyOf(v, len)).isEqualTo(valueFor(k, len, version));
                got.markFetched(f.store.now());
              }
            }
          }
        } catch (Throwable e) {
          failure.compareAndSet(null, e);
        }
      }));
    }
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join(60_000);
    }
    assertThat(failure.get()).isNull();
    assertThat(f.count(Counter.EVICTIONS)).as("the store churned").isPositive();
    f.store.audit();
  }

  /** Items of one lifetime share segments, which go whole once expired; items that never expire stay. */
  @Test
  void expiredSegmentsAreReclaimedWholeByTheSweeper() {
    StoreFixture f = fixture(16L << 20);
    for (int i = 0; i < 2_000; i++) {
      f.put("short" + i, "x".repeat(1000), 5);
      f.put("long" + i, "x".repeat(1000));
    }
    f.clock.advance(10, TimeUnit.SECONDS);
    int freed = f.store.sweep();
    assertThat(freed).isPositive();
    assertThat(f.store.itemCount()).as("every expired item is gone, the open head's too").isEqualTo(2_000);
    assertThat(f.count(Counter.RECLAIMED)).isEqualTo(2_000);
    assertThat(f.count(Counter.EXPIRED_UNFETCHED)).isEqualTo(f.count(Counter.RECLAIMED));
    for (int i = 0; i < 2_000; i++) {
      assertThat(f.value("long" + i)).isNotNull();
    }
    f.store.audit();
  }

  /** Segments whose items were all deleted are reused without an eviction. */
  @Test
  void deletedSegmentsAreReusedWithoutEvicting() {
    long limit = 2L << 20;
    StoreFixture f = fixture(limit);
    for (int round = 0; round < 20; round++) {
      for (int i = 0; i < 1_000; i++) {
        f.put("r" + round + ":" + i, "x".repeat(1000));
      }
      for (int i = 0; i < 1_000; i++) {
        f.store.remove(Key.of("r" + round + ":" + i));
      }
    }
    assertThat(f.count(Counter.EVICTIONS)).isZero();
    assertThat(f.store.itemCount()).isZero();
    f.store.audit();
  }

  @Test
  void theSweeperThreadStopsOnClose() {
    StoreFixture f = new StoreFixture(1L << 20);
    f.store.startCrawler(10);
    f.store.close();
    assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("safecached-sweeper"));
  }
}
