package io.safecached.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.safecached.store.stats.Counter;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * memcached's exptime rules: 0 never expires, up to 30 days is relative, beyond that an absolute Unix time,
 * negative is already expired; an item is gone from the moment its deadline is reached.
 */
class ExpiryTest {
  private static final long NOW = FakeClock.START;
  private static final long THIRTY_DAYS = 60L * 60 * 24 * 30;

  @Test
  void zeroNeverExpires() {
    assertThat(Expiry.deadline(0, NOW)).isZero();
    StoreFixture f = new StoreFixture();
    f.put("k", "v", 0);
    f.clock.advance(3650, TimeUnit.DAYS);
    assertThat(f.value("k")).isEqualTo("v");
  }

  @Test
  void upToThirtyDaysIsRelative() {
    assertThat(Expiry.MAX_RELATIVE_SECONDS).isEqualTo(2_592_000L);
    assertThat(Expiry.deadline(1, NOW)).isEqualTo(NOW + 1000);
    assertThat(Expiry.deadline(THIRTY_DAYS, NOW)).isEqualTo(NOW + THIRTY_DAYS * 1000);
  }

  @Test
  void beyondThirtyDaysIsAbsoluteUnixTime() {
    long inAnHour = NOW / 1000 + 3600;
    assertThat(Expiry.deadline(inAnHour, NOW)).isEqualTo(inAnHour * 1000);
    StoreFixture f = new StoreFixture();
    f.put("k", "v", inAnHour);
    f.clock.set(inAnHour * 1000 - 1);
    assertThat(f.value("k")).isEqualTo("v");
    f.clock.set(inAnHour * 1000);
    assertThat(f.value("k")).isNull();
  }

  @Test
  void oneSecondPastThirtyDaysIsIn1970AndAlreadyExpired() {
    assertThat(Expiry.deadline(THIRTY_DAYS + 1, NOW)).isLessThanOrEqualTo(NOW);
    StoreFixture f = new StoreFixture();
    f.put("k", "old");
    f.put("k", "new", THIRTY_DAYS + 1);
    assertThat(f.value("k")).isNull();
  }

  @Test
  void negativeIsAlreadyExpiredAndRemovesTheOldValue() {
    assertThat(Expiry.deadline(-1, NOW)).isLessThanOrEqualTo(NOW).isNotZero();
    assertThat(Expiry.deadline(Long.MIN_VALUE, NOW)).isLessThanOrEqualTo(NOW).isNotZero();
    StoreFixture f = new StoreFixture();
    f.put("k", "old");
    f.put("k", "new", -1);
    assertThat(f.value("k")).isNull();
    assertThat(f.store.itemCount()).as("the lookup removed it").isZero();
  }

  @Test
  void hugeAbsoluteTimesDoNotOverflow() {
    assertThat(Expiry.deadline(Long.MAX_VALUE, NOW)).isGreaterThan(NOW);
    assertThat(Expiry.deadline(0xFFFF_FFFFL, NOW)).isEqualTo(0xFFFF_FFFFL * 1000);
    StoreFixture f = new StoreFixture();
    f.put("max", "v", Long.MAX_VALUE);
    f.put("u32", "v", 0xFFFF_FFFFL);
    f.clock.advance(3650, TimeUnit.DAYS);
    f.store.cleanUp();
    assertThat(f.value("max")).isEqualTo("v");
    assertThat(f.value("u32")).isEqualTo("v");
  }

  @Test
  void goneExactlyAtTheDeadline() {
    StoreFixture f = new StoreFixture();
    Item item = f.put("k", "v", 10);
    assertThat(item.expiresAt()).isEqualTo(NOW + 10_000);
    f.clock.advanceMillis(9_999);
    assertThat(f.value("k")).isEqualTo("v");
    assertThat(item.expiredAt(f.clock.millis())).isFalse();
    f.clock.advanceMillis(1);
    assertThat(item.expiredAt(f.clock.millis())).isTrue();
    assertThat(f.value("k")).isNull();
  }

  @Test
  void expiredItemIsInvisibleToCompute() {
    StoreFixture f = new StoreFixture();
    f.put("k", "v", 5);
    f.clock.advance(5, TimeUnit.SECONDS);
    Item[] seen = {new Item(new byte[0], 0, 0, 0, 0)};
    f.store.compute(Key.of("k"), old -> {
      seen[0] = old;
      return old;
    });
    assertThat(seen[0]).isNull();
    assertThat(f.store.remove(Key.of("k"))).isFalse();
  }

  /** memcached's do_item_get counts get_expired when a lookup finds an expired item; expired_unfetched is not. */
  @Test
  void getOfExpiredItemCountsGetExpired() {
    StoreFixture f = new StoreFixture();
    f.put("k", "v", 5);
    f.clock.advance(5, TimeUnit.SECONDS);
    assertThat(f.value("k")).isNull();
    assertThat(f.count(Counter.GET_EXPIRED)).isEqualTo(1);
    assertThat(f.count(Counter.GET_FLUSHED)).isZero();
    assertThat(f.count(Counter.EXPIRED_UNFETCHED)).as("memcached 1.6.18, observed").isZero();
    assertThat(f.store.itemCount()).isZero();
    assertThat(f.value("k")).isNull();
    assertThat(f.count(Counter.GET_EXPIRED)).as("the expired item was removed by the first lookup").isEqualTo(1);
  }

  @Test
  void reclaimingAnUnreadExpiredItemCountsExpiredUnfetched() {
    StoreFixture f = new StoreFixture();
    f.put("unread", "v", 5);
    Item read = f.put("read", "v", 5);
    read.markFetched(f.clock.millis());
    f.clock.advance(1, TimeUnit.HOURS);
    f.store.cleanUp();
    assertThat(f.store.itemCount()).isZero();
    assertThat(f.count(Counter.EXPIRED_UNFETCHED)).isEqualTo(1);
    assertThat(f.count(Counter.RECLAIMED)).isEqualTo(2);
    assertThat(f.count(Counter.EVICTIONS)).isZero();
  }
}
