package io.safecached.store;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Policy;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.safecached.store.stats.Counter;
import io.safecached.store.stats.Counters;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * {@link ItemStore} on a Caffeine cache bounded by weight in bytes, evicting with W-TinyLFU.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li><b>Memory.</b> An item weighs its key and value bytes plus {@link #PER_ITEM_OVERHEAD}, the measured
 *       cost of the Java objects around them: the item (56 B), the key wrapper (24 B), two array headers (32 B
 *       plus padding) and Caffeine's node and hash table slot for a weighted cache with variable expiry (about
 *       107 B). The sum of weights is held at or below {@code -m}. Caffeine's frequency sketch is extra.</li>
 *   <li><b>Expiry.</b> Deadlines use memcached's rules ({@link Expiry}); every read checks the deadline, so an
 *       expired item is never returned, and Caffeine's timer wheel drops expired items
 *       {@code EXPIRY_GRACE_MILLIS} later, which leaves lookups a window to count {@code get_expired}.</li>
 *   <li><b>Flush.</b> As in memcached, {@code flush_all} is O(1): an immediate flush records the highest CAS
 *       handed out and every item at or below it is dead; a delayed flush records the second in which it takes
 *       hold (memcached's one-second clock: the second before the deadline's) and every item stored before that
 *       second ends is dead from then on. Dead items are removed in the background.</li>
 *   <li><b>Maintenance</b> runs on the calling thread, so the weight bound holds when a write returns and
 *       tests are deterministic; time comes from the injected {@link Clock}.</li>
 * </ul>
 */
public final class CaffeineItemStore implements ItemStore {
  /** Bytes of Java object overhead counted for every item besides its key and value. */
  public static final int PER_ITEM_OVERHEAD = 224;

  /**
   * How long Caffeine keeps an item past its deadline. Caffeine hides expired entries from every lookup, so
   * without this grace a lookup would never see an expired item and {@code get_expired} would stay 0; the
   * store's own deadline check keeps such items invisible meanwhile.
   */
  static final long EXPIRY_GRACE_MILLIS = 1_000;

  private final Cache<Key, Item> cache;
  private final Policy.Eviction<Key, Item> eviction;
  private final Clock clock;
  private final Counters counters;
  private final Executor background;
  private final AtomicLong casSequence = new AtomicLong();
  /** Items with a CAS at or below this were flushed. */
  private volatile long flushedCas;
  /** Epoch ms of the start of the second in which a delayed flush takes (or took) hold; 0 = none. */
  private volatile long flushSecond;

  /** A store with the given memory limit, clock and counters; background purges run on {@code background}. */
  public CaffeineItemStore(long memoryLimitBytes, Clock clock, Counters counters, Executor background) {
    this.clock = clock;
    this.counters = counters;
    this.background = background;
    this.cache = Caffeine.newBuilder()
        .executor(Runnable::run)
        .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
        .maximumWeight(memoryLimitBytes)
        .weigher((Key k, Item v) -> weight(k, v))
        .expireAfter(new DeadlineExpiry())
        .evictionListener((Key k, Item v, RemovalCause cause) -> onEviction(v, cause))
        .build();
    this.eviction = cache.policy().eviction().orElseThrow();
  }

  /** A store on the system clock with background work in the common pool. */
  public CaffeineItemStore(long memoryLimitBytes, Counters counters) {
    this(memoryLimitBytes, Clock.SYSTEM, counters, ForkJoinPool.commonPool());
  }

  /** The weight of one item: key and value bytes plus {@link #PER_ITEM_OVERHEAD}. */
  public static int weight(Key key, Item item) {
    long w = (long) key.length() + item.value().length + PER_ITEM_OVERHEAD;
    return (int) Math.min(Integer.MAX_VALUE, w);
  }

  @Override
  public Item get(Key key) {
    Item item = cache.getIfPresent(key);
    if (item == null) {
      return null;
    }
    long now = clock.millis();
    if (isLive(item, now)) {
      return item;
    }
    discard(key, item, now);
    return null;
  }

  @Override
  public Item compute(Key key, UnaryOperator<Item> fn) {
    long now = clock.millis();
    Item[] result = new Item[1];
    cache.asMap().compute(key, (k, old) -> {
      Item live = old;
      if (old != null && !isLive(old, now)) {
        countDead(old, now);
        live = null;
      }
      Item next = fn.apply(live);
      result[0] = next;
      // an item stored already expired (negative exptime) is kept until Caffeine drops it, as memcached keeps
      // it until a lookup or its crawler finds it: a get in between counts get_expired
      return next;
    });
    return result[0];
  }

  @Override
  public boolean remove(Key key) {
    boolean[] removed = new boolean[1];
    long now = clock.millis();
    cache.asMap().computeIfPresent(key, (k, old) -> {
      if (isLive(old, now)) {
        removed[0] = true;
      } else {
        countDead(old, now);
      }
      return null;
    });
    return removed[0];
  }

  @Override
  public long nextCas() {
    return casSequence.incrementAndGet();
  }

  @Override
  public long now() {
    return clock.millis();
  }

  /**
   * An immediate flush is exact (by CAS). A delayed one follows memcached, whose clock ticks whole seconds: it
   * takes hold at the start of the second before the deadline's, and drops every item stored before the end of
   * that second.
   */
  @Override
  public void flushAll(long deadlineMillis) {
    long now = clock.millis();
    if (deadlineMillis <= now) {
      flushedCas = casSequence.get();
      flushSecond = 0;
      background.execute(this::purgeDead);
      return;
    }
    long second = (Math.floorDiv(deadlineMillis, 1000) - 1) * 1000;
    flushSecond = second;
    if (second <= now) {
      flushedCas = casSequence.get();
      background.execute(this::purgeDead);
    }
  }

  @Override
  public long itemCount() {
    return cache.estimatedSize();
  }

  @Override
  public long bytesUsed() {
    return eviction.weightedSize().orElse(0L);
  }

  @Override
  public long memoryLimit() {
    return eviction.getMaximum();
  }

  @Override
  public void setMemoryLimit(long bytes) {
    eviction.setMaximum(bytes);
  }

  @Override
  public Counters counters() {
    return counters;
  }

  /** Removes every dead item now; normally run in the background after {@code flush_all}. */
  public void purgeDead() {
    long now = clock.millis();
    cache.asMap().forEach((k, v) -> {
      if (!isLive(v, now)) {
        cache.asMap().remove(k, v);
      }
    });
    cache.cleanUp();
  }

  /** Runs Caffeine's pending maintenance (eviction, expiry) now. */
  public void cleanUp() {
    cache.cleanUp();
  }

  private boolean isLive(Item item, long now) {
    return !item.expiredAt(now) && !flushed(item, now);
  }

  private boolean flushed(Item item, long now) {
    if (item.cas() <= flushedCas) {
      return true;
    }
    long second = flushSecond;
    return second != 0 && now >= second && item.storedAt() < second + 1000;
  }

  private void discard(Key key, Item item, long now) {
    if (cache.asMap().remove(key, item)) {
      countDead(item, now);
    }
  }

  private void countDead(Item item, long now) {
    if (flushed(item, now)) {
      counters.increment(Counter.GET_FLUSHED);
    } else {
      // like memcached's do_item_get: expired_unfetched counts only items reclaimed without a lookup
      counters.increment(Counter.GET_EXPIRED);
    }
  }

  private void onEviction(Item item, RemovalCause cause) {
    if (cause == RemovalCause.SIZE) {
      counters.increment(Counter.EVICTIONS);
      if (!item.fetched()) {
        counters.increment(Counter.EVICTED_UNFETCHED);
      }
    } else if (cause == RemovalCause.EXPIRED) {
      counters.increment(Counter.RECLAIMED);
      if (!item.fetched()) {
        counters.increment(Counter.EXPIRED_UNFETCHED);
      }
    }
  }

  /** Caffeine expiry from each item's own deadline. */
  private static final class DeadlineExpiry implements com.github.benmanes.caffeine.cache.Expiry<Key, Item> {
    @Override
    public long expireAfterCreate(Key key, Item item, long currentTime) {
      if (item.expiresAt() == 0) {
        return Long.MAX_VALUE;
      }
      long removeAt = item.expiresAt() > Long.MAX_VALUE - EXPIRY_GRACE_MILLIS
          ? Long.MAX_VALUE : item.expiresAt() + EXPIRY_GRACE_MILLIS;
      // at least the grace from now, so that an item stored or touched already expired is still seen (and
      // counted) by the next lookup, as in memcached
      return Math.max(TimeUnit.MILLISECONDS.toNanos(EXPIRY_GRACE_MILLIS),
          TimeUnit.MILLISECONDS.toNanos(removeAt) - currentTime);
    }

    @Override
    public long expireAfterUpdate(Key key, Item item, long currentTime, long currentDuration) {
      return expireAfterCreate(key, item, currentTime);
    }

    @Override
    public long expireAfterRead(Key key, Item item, long currentTime, long currentDuration) {
      return currentDuration;
    }
  }
}
