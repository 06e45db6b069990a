package io.safecached.store;

import static io.safecached.store.StoreFixture.VALUE_SIZE;
import static io.safecached.store.StoreFixture.weightOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.safecached.store.stats.Counter;
import org.junit.jupiter.api.Test;

/**
 * What every memcached user expects of eviction (issue 7): an item just written survives until older, unread
 * items have gone. Caffeine's W-TinyLFU broke both tests here: its admission rejected new one-hit items once the
 * cache was full.
 */
class RecencyTest {

  /**
   * memcaslap's pattern: each step sets a fresh key, reads it back at once and reads the key set a moment
   * earlier (a tenth of the capacity ago, so well within it).
   */
  @Test
  void aWriteFollowedByAReadHitsWhileTheStoreChurns() {
    long limit = 4L << 20;
    StoreFixture f = new StoreFixture(limit);
    String value = "v".repeat(VALUE_SIZE);
    int capacity = (int) (limit / weightOf("fresh:000000"));
    int lag = capacity / 10;
    int pairs = 20 * capacity;
    int misses = 0;
    int lateMisses = 0;
    for (int i = 0; i < pairs; i++) {
      String key = String.format("fresh:%06d", i);
      f.put(key, value);
      if (!f.read(key)) {
        misses++;
      }
      if (i >= lag && !f.read(String.format("fresh:%06d", i - lag))) {
        lateMisses++;
      }
      f.clock.advanceMillis(1);
    }
    assertThat(f.count(Counter.EVICTIONS)).as("the store churned").isGreaterThan(pairs / 2);
    assertThat(misses).as("gets right after their sets, of %d", pairs).isZero();
    assertThat(lateMisses).as("gets %d sets later, of %d", lag, pairs - lag).isZero();
    assertThat(f.store.bytesUsed()).isLessThanOrEqualTo(limit);
  }

  @Test
  void recentlyWrittenItemsSurviveWhileOlderUnreadOnesAreEvicted() {
    int capacity = 1000;
    StoreFixture f = new StoreFixture((long) capacity * weightOf("k0000"));
    int n = 3 * capacity;
    for (int i = 0; i < n; i++) {
      f.put(String.format("k%04d", i), "x".repeat(VALUE_SIZE));
    }
    // FIFO among unread items: what is left is exactly the newest ones; whole segments go, and each wastes the
    // tail an item does not fit in, so a little less than the capacity is held
    int held = (int) f.store.itemCount();
    assertThat(held).isGreaterThan(capacity * 8 / 10).isLessThanOrEqualTo(capacity);
    for (int i = 0; i < n; i++) {
      assertThat(f.value(String.format("k%04d", i)) != null).as("k%04d held", i).isEqualTo(i >= n - held);
    }
    assertThat(f.count(Counter.EVICTIONS)).isEqualTo(n - held);
    assertThat(f.count(Counter.EVICTED_UNFETCHED)).isEqualTo(n - held);
  }

  /**
   * A client moves on to new keys while the keys it read before still fill the cache (a deploy, memcaslap's next
   * run): each new key is read for the first time a fifth of the capacity later. The old keys, read often but no
   * more, must go before the new ones are read once; S3-FIFO's small queue of a tenth of the cache lost most of
   * them, and bench/compare's 16 KB cell missed 12 % of its gets against memcached's none.
   */
  @Test
  void newKeysReadLaterThanATenthOfTheCacheOutliveOldKeysNoLongerRead() {
    long limit = 4L << 20;
    StoreFixture f = new StoreFixture(limit);
    String value = "v".repeat(VALUE_SIZE);
    int capacity = (int) (limit / weightOf("old:000000"));
    for (int i = 0; i < capacity; i++) {
      f.put(String.format("old:%06d", i), value);
    }
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < capacity; i++) {
        f.read(String.format("old:%06d", i));
      }
    }
    int lag = capacity / 5;
    int n = 2 * capacity;
    int lateMisses = 0;
    for (int i = 0; i < n; i++) {
      f.put(String.format("new:%06d", i), value);
      if (i >= lag && !f.read(String.format("new:%06d", i - lag))) {
        lateMisses++;
      }
    }
    assertThat(f.count(Counter.EVICTIONS)).as("the store churned").isGreaterThan(capacity);
    assertThat(lateMisses).as("first gets %d sets later, of %d", lag, n - lag).isLessThan((n - lag) / 100);
  }
}
