package io.safecached.store;

import io.safecached.store.stats.Counter;
import io.safecached.store.stats.Counters;
import java.nio.charset.StandardCharsets;

/** An {@link OffHeapStore} on a {@link FakeClock} with purges on the calling thread. */
final class StoreFixture {
  /** The value size of the store tests' items. */
  static final int VALUE_SIZE = 1000;

  final FakeClock clock = new FakeClock();
  final Counters counters = new Counters();
  final OffHeapStore store;

  StoreFixture() {
    this(64L * 1024 * 1024);
  }

  /** A store whose segments suit items of up to four times {@link #VALUE_SIZE}. */
  StoreFixture(long memoryLimit) {
    this(memoryLimit, OffHeapStore.segmentSizeFor(memoryLimit, 4 * VALUE_SIZE), null);
  }

  /** A store of {@code segments} segments. */
  StoreFixture(long memoryLimit, int segments) {
    this(memoryLimit, (int) (memoryLimit / segments) & ~7, null);
  }

  /** A store with an explicit segment size, its segments in {@code memoryFile} when that is not null. */
  StoreFixture(long memoryLimit, int segmentSize, java.nio.file.Path memoryFile) {
    store = new OffHeapStore(memoryLimit, segmentSize, clock, counters, Runnable::run, memoryFile);
  }

  /** Stores {@code value} under {@code key} like {@code set key 0 <exptime>}; returns the new item. */
  Item put(String key, String value, long exptime) {
    long now = store.now();
    long deadline = Expiry.deadline(exptime, now);
    return store.compute(Key.of(key), old -> new Item(bytes(value), 0, store.nextCas(), deadline, now));
  }

  Item put(String key, String value) {
    return put(key, value, 0);
  }

  /** The live value of {@code key} as text, or null. */
  String value(String key) {
    Item item = store.get(Key.of(key));
    return item == null ? null : new String(item.value(), StandardCharsets.ISO_8859_1);
  }

  /** Reads like a get command does: a hit marks the item fetched. */
  boolean read(String key) {
    Item item = store.get(Key.of(key));
    if (item != null) {
      item.markFetched(clock.millis());
    }
    return item != null;
  }

  /** What an item of {@link #VALUE_SIZE} bytes under {@code key} weighs in the store. */
  static int weightOf(String key) {
    return OffHeapStore.footprint(key.length(), VALUE_SIZE);
  }

  long count(Counter c) {
    return counters.get(c);
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }
}
