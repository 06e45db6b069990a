package io.safecached.store;

import io.safecached.store.KeyIndex.Stripe;
import java.nio.ByteBuffer;
import java.util.function.ToLongFunction;

/**
 * A consistency check of {@link OffHeapStore} for tests: every index slot is found again by its own key, and the
 * records reachable from the index add up to the segments' and the store's counts.
 */
final class StoreAudit {
  private StoreAudit() {}

  /**
   * Checks the index against the segments' counts and the store's {@code bytes}; throws on the first
   * disagreement. Call while nothing else uses the store. Returns {items, bytes}.
   */
  static long[] check(KeyIndex index, RegionMemory memory, Segments segments, int segmentCount, long bytes,
      ToLongFunction<byte[]> hash) {
    long count = 0;
    long weight = 0;
    long[] perSegBytes = new long[segmentCount];
    int[] perSegItems = new int[segmentCount];
    for (int si = 0; si < KeyIndex.STRIPES; si++) {
      Stripe s = index.stripe(si);
      for (int i = 0, n = s.capacity(); i < n; i++) {
        long slot = s.slot(i);
        if (slot != 0) {
          long loc = slot & KeyIndex.LOCATION_MASK;
          ByteBuffer b = memory.at(loc);
          int off = KeyIndex.offsetOf(loc);
          byte[] key = ItemLayout.key(b, off);
          long h = hash.applyAsLong(key);
          if (index.stripe(h) != s || s.find(key, h) < 0 || s.locationAt(s.find(key, h)) != loc) {
            throw new IllegalStateException("slot not found by its own key");
          }
          int fp = ItemLayout.footprint(b, off);
          count++;
          weight += fp;
          perSegBytes[KeyIndex.segmentOf(loc)] += fp;
          perSegItems[KeyIndex.segmentOf(loc)]++;
        }
      }
    }
    for (int seg = 0; seg < segmentCount; seg++) {
      if (perSegBytes[seg] != segments.liveBytes.get(seg) || perSegItems[seg] != segments.liveItems.get(seg)) {
        throw new IllegalStateException("segment " + seg + " counts disagree");
      }
    }
    if (count != index.count() || weight != bytes) {
      throw new IllegalStateException("store totals disagree: " + count + " items, " + weight + " bytes reachable; "
          + index.count() + " items, " + bytes + " bytes counted");
    }
    return new long[] {count, weight};
  }
}
