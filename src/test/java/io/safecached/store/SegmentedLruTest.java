package io.safecached.store;

import static io.safecached.store.StoreFixture.VALUE_SIZE;
import static io.safecached.store.StoreFixture.weightOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.safecached.store.stats.Counter;
import io.safecached.store.stats.Counters;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** memcached's segmented LRU: list moves, the active bit, reclaiming at the tail, the crawler, striping. */
class SegmentedLruTest {

  private static String value() {
    return "x".repeat(VALUE_SIZE);
  }

  private static String place(StoreFixture f, String key) {
    return f.store.placeOf(Key.of(key));
  }

  @Test
  void newItemsGoToHotAndUnreadOnesFlowToCold() {
    StoreFixture f = new StoreFixture(100L * weightOf("k00"), 1);
    for (int i = 0; i < 10; i++) {
      f.put("k0" + i, value());
    }
    assertThat(place(f, "k09")).isEqualTo("HOT");
    assertThat(place(f, "k00")).as("20%% of the segment at most stays in HOT").isEqualTo("COLD");
    f.store.audit();
  }

  @Test
  void aHitActivatesOnlyAnItemReadBefore() {
    StoreFixture f = new StoreFixture(100L * weightOf("k00"), 1);
    for (int i = 0; i < 10; i++) {
      f.put("k0" + i, value());
    }
    f.put("k", value());
    assertThat(f.read("k")).isTrue();
    assertThat(place(f, "k")).as("first read: fetched, not active (memcached)").isEqualTo("HOT");
    assertThat(f.read("k")).isTrue();
    assertThat(place(f, "k")).isEqualTo("HOT+active");
    f.put("k", "new version");
    assertThat(place(f, "k")).as("a new version starts over").isEqualTo("HOT");
  }

  @Test
  void activeItemsLeavingHotGoToWarm() {
    StoreFixture f = new StoreFixture(100L * weightOf("k00"), 1);
    for (int i = 0; i < 10; i++) {
      f.put("k0" + i, value());
    }
    f.put("a", value());
    f.read("a");
    f.read("a");
    for (int i = 0; i < 10; i++) {
      f.put("k1" + i, value());
    }
    assertThat(place(f, "a")).as("active bit used up on the move").isEqualTo("WARM");
  }

  @Test
  void anActiveItemInColdIsSavedOnce() {
    int capacity = 10;
    StoreFixture f = new StoreFixture(capacity * (long) weightOf("k00"), 1);
    f.put("a00", value());
    for (int i = 1; i < capacity; i++) {
      f.put(String.format("k%02d", i), value());
    }
    assertThat(place(f, "a00")).isEqualTo("COLD");
    f.read("a00");
    f.read("a00");
    assertThat(place(f, "a00")).isEqualTo("COLD+active");

    f.put("n00", value()); // full: a00 at COLD's tail is saved to WARM, k01 goes instead
    assertThat(place(f, "a00")).isEqualTo("WARM");
    assertThat(f.value("k01")).isNull();
    assertThat(f.count(Counter.EVICTIONS)).isEqualTo(1);

    // only a new read saves it again: once the rest of the segment was evicted it is next
    f.store.setMemoryLimit(2L * weightOf("k00"));
    assertThat(f.value("a00")).as("WARM goes before HOT").isNull();
    assertThat(f.store.itemCount()).isEqualTo(2);
    assertThat(f.count(Counter.EVICTED_UNFETCHED)).as("a00 was read").isEqualTo(f.count(Counter.EVICTIONS) - 1);
    f.store.audit();
  }

  @Test
  void aReadItemSurvivesAScanThatEvictsUnreadOnes() {
    int capacity = 50;
    StoreFixture f = new StoreFixture(capacity * (long) weightOf("scan000"), 1);
    f.put("kept", value());
    for (int i = 0; i < 10 * capacity; i++) {
      f.read("kept");
      f.put(String.format("scan%03d", i), value());
    }
    assertThat(f.value("kept")).isNotNull();
    assertThat(f.count(Counter.EVICTIONS)).isGreaterThan(8L * capacity);
  }

  @Test
  void expiredItemsAtTheTailAreReclaimedNotEvicted() {
    int capacity = 20;
    StoreFixture f = new StoreFixture(capacity * (long) weightOf("k00"), 1);
    for (int i = 0; i < 5; i++) {
      f.put("e0" + i, value(), 5);
    }
    f.read("e00");
    for (int i = 5; i < capacity; i++) {
      f.put(String.format("k%02d", i), value());
    }
    f.clock.advance(10, TimeUnit.SECONDS);
    for (int i = 0; i < 5; i++) {
      f.put("n0" + i, value());
    }
    assertThat(f.count(Counter.RECLAIMED)).isEqualTo(5);
    assertThat(f.count(Counter.EXPIRED_UNFETCHED)).isEqualTo(4);
    assertThat(f.count(Counter.EVICTIONS)).isZero();
    assertThat(f.count(Counter.GET_EXPIRED)).as("no lookup saw them").isZero();
    assertThat(f.store.itemCount()).isEqualTo(capacity);
    assertThat(f.value("k05")).isEqualTo(value());
  }

  @Test
  void crawlReclaimsExpiredItemsAndCountsThem() {
    StoreFixture f = new StoreFixture(64L << 20);
    for (int i = 0; i < 300; i++) {
      f.put("e" + i, "v", 5);
      f.put("k" + i, "v");
    }
    f.read("e0");
    f.clock.advance(5, TimeUnit.SECONDS);
    assertThat(f.store.itemCount()).as("curr_items counts expired items until reclaimed").isEqualTo(600);
    assertThat(f.store.crawl()).isEqualTo(300);
    assertThat(f.store.itemCount()).isEqualTo(300);
    long left = 0;
    for (int i = 0; i < 300; i++) {
      left += SegmentedLruStore.weight(Key.of("k" + i), new Item(new byte[1], 0, 0, 0, 0));
    }
    assertThat(f.store.bytesUsed()).isEqualTo(left);
    assertThat(f.count(Counter.RECLAIMED)).isEqualTo(300);
    assertThat(f.count(Counter.EXPIRED_UNFETCHED)).isEqualTo(299);
    assertThat(f.count(Counter.GET_EXPIRED)).isZero();
    assertThat(f.store.crawl()).as("nothing left to reclaim").isZero();
    f.store.audit();
  }

  @Test
  void crawlReclaimsFlushedItems() {
    List<Runnable> pending = new ArrayList<>();
    FakeClock clock = new FakeClock();
    Counters counters = new Counters();
    SegmentedLruStore store = new SegmentedLruStore(1 << 20, clock, counters, pending::add, 4);
    for (int i = 0; i < 50; i++) {
      store.compute(Key.of("k" + i), old -> new Item(new byte[10], 0, store.nextCas(), 0, clock.millis()));
    }
    store.flushAll(clock.millis());
    store.compute(Key.of("after"), old -> new Item(new byte[10], 0, store.nextCas(), 0, clock.millis()));
    assertThat(store.itemCount()).isEqualTo(51);
    assertThat(store.crawl()).isEqualTo(50);
    assertThat(store.itemCount()).isEqualTo(1);
    assertThat(counters.get(Counter.RECLAIMED)).isEqualTo(50);
    assertThat(counters.get(Counter.GET_FLUSHED)).isZero();
    assertThat(store.get(Key.of("after"))).isNotNull();
  }

  @Test
  void crawlerStepsCoverEverySegmentInTurn() {
    StoreFixture f = new StoreFixture(64L << 20, 16);
    for (int i = 0; i < 1000; i++) {
      f.put("e" + i, "v", 1);
    }
    f.clock.advance(2, TimeUnit.SECONDS);
    long reclaimed = 0;
    int steps = 0;
    while (f.store.itemCount() > 0 && steps < 1000) {
      reclaimed += f.store.crawlStep(37);
      steps++;
    }
    assertThat(reclaimed).isEqualTo(1000);
    assertThat(steps).as("bounded work per step (a chain may overshoot)").isGreaterThanOrEqualTo(20);
  }

  @Test
  void theCrawlerThreadReclaimsAndStops() throws InterruptedException {
    StoreFixture f = new StoreFixture(64L << 20);
    for (int i = 0; i < 100; i++) {
      f.put("e" + i, "v", 1);
    }
    f.clock.advance(2, TimeUnit.SECONDS);
    try {
      f.store.startCrawler(1);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (f.store.itemCount() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertThat(f.store.itemCount()).isZero();
      assertThat(f.count(Counter.RECLAIMED)).isEqualTo(100);
    } finally {
      Thread t = f.store.crawlerThread();
      f.store.close();
      assertThat(t).isNotNull();
      assertThat(t.isAlive()).isFalse();
    }
  }

  @Test
  void loweringTheLimitEvictsDownToItAtOnce() {
    StoreFixture f = new StoreFixture(4L << 20, 8);
    int n = (int) ((4L << 20) / weightOf("k0000"));
    for (int i = 0; i < n; i++) {
      f.put(String.format("k%04d", i), value());
    }
    long before = f.store.itemCount();
    f.store.setMemoryLimit(1L << 20);
    assertThat(f.store.bytesUsed()).isLessThanOrEqualTo(1L << 20).isGreaterThan((1L << 20) - 2 * weightOf("k0000"));
    assertThat(f.count(Counter.EVICTIONS)).isEqualTo(before - f.store.itemCount());
    f.store.audit();
  }

  @Test
  void anItemHalfTheLimitFitsWhenEverySegmentIsFullOfSmallItems() {
    long limit = 1L << 20;
    StoreFixture f = new StoreFixture(limit, 8);
    for (int i = 0; i < 20_000; i++) {
      f.put("s" + i, "v".repeat(50));
    }
    assertThat(f.store.bytesUsed()).isGreaterThan(limit - 300);
    String big = "B".repeat((int) (limit / 2) - SegmentedLruStore.PER_ITEM_OVERHEAD - 3);
    f.put("big", big);
    assertThat(f.value("big")).as("stored").isNotNull().hasSize(big.length());
    assertThat(f.store.bytesUsed()).isLessThanOrEqualTo(limit);
    f.store.audit();
  }

  @Test
  void concurrentGetSetDeleteKeepsTheAccountsExact() throws Exception {
    long limit = 256 * 1024;
    StoreFixture f = new StoreFixture(limit, 4);
    SegmentedLruStore store = f.store;
    int threads = 4;
    int iterations = 50_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Long>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        long seed = t;
        results.add(pool.submit(() -> {
          SplittableRandom r = new SplittableRandom(seed);
          long peakOver = 0;
          for (int i = 0; i < iterations; i++) {
            Key key = Key.of("k" + r.nextInt(3000));
            int op = r.nextInt(10);
            if (op < 6) {
              Item item = store.get(key);
              if (item != null) {
                item.markFetched(store.now());
              }
            } else if (op < 9) {
              byte[] v = new byte[r.nextInt(2000)];
              store.compute(key, old -> new Item(v, 0, store.nextCas(), 0, store.now()));
            } else {
              store.remove(key);
            }
            peakOver = Math.max(peakOver, store.bytesUsed() - limit);
          }
          return peakOver;
        }));
      }
      for (Future<Long> r : results) {
        r.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
    long[] reachable = store.audit();
    assertThat(store.itemCount()).isEqualTo(reachable[0]).isPositive();
    assertThat(store.bytesUsed()).isEqualTo(reachable[1]).isLessThanOrEqualTo(limit);
    assertThat(f.count(Counter.EVICTIONS)).isPositive();
  }
}
