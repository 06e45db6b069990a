package io.safecached.store;

import java.util.concurrent.locks.StampedLock;

/**
 * The compact index: key hash to item location, 8 bytes a slot and no Java object per item.
 *
 * <p>256 stripes, picked by the top 8 bits of the key's 64-bit keyed hash, each an open-addressing table of
 * {@code long} slots with linear probing (doubled at a load of 4/5, never shrunk; deletions shift later slots
 * back, so there are no tombstones) and its own {@link StampedLock}: lookups share the read lock, changes take
 * the write lock. A slot packs the low 16 bits of the hash (its home bucket in tables up to 65,536 slots, and a
 * tag that spares most key comparisons), the segment number plus one and the item's offset in 8-byte units:
 * {@code home:16 | segment+1:24 | offset/8:24}; 0 is an empty slot. Keys are compared where the slot points, in
 * the segment, through {@link Locations}.
 */
final class KeyIndex {
  static final int STRIPE_BITS = 8;
  static final int STRIPES = 1 << STRIPE_BITS;
  private static final int INITIAL = 16;
  private static final int SMALL_TABLE = 1 << 16;
  static final long LOCATION_MASK = (1L << 48) - 1;

  /** What the index needs to know of the items its slots point at. */
  interface Locations {
    /** True when the item at {@code location} has key {@code key}. */
    boolean keyAt(long location, byte[] key);

    /** The low 32 bits of the hash of the key of the item at {@code location}. */
    int hashAt(long location);
  }

  /** A location: segment and offset. */
  static long location(int segment, int offset) {
    return ((long) (segment + 1) << 24) | (offset >>> 3);
  }

  static int segmentOf(long location) {
    return (int) ((location >>> 24) & 0xFF_FFFF) - 1;
  }

  static int offsetOf(long location) {
    return (int) (location & 0xFF_FFFF) << 3;
  }

  private final Stripe[] stripes = new Stripe[STRIPES];
  private final Locations locations;

  KeyIndex(Locations locations) {
    this.locations = locations;
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new Stripe();
    }
  }

  Stripe stripe(long hash) {
    return stripes[(int) (hash >>> (64 - STRIPE_BITS))];
  }

  Stripe stripe(int i) {
    return stripes[i];
  }

  /** Items indexed, summed over the stripes without their locks. */
  long count() {
    long n = 0;
    for (Stripe s : stripes) {
      n += s.count;
    }
    return n;
  }

  /** The longest probe run over all stripes (for tests; call while nothing else uses the index). */
  int longestRun() {
    int n = 0;
    for (Stripe s : stripes) {
      n = Math.max(n, s.longestRun());
    }
    return n;
  }

  /** One stripe: a lock and its table. Every method but the lock's own needs the lock held as it says. */
  final class Stripe {
    final StampedLock lock = new StampedLock();
    long[] table = new long[INITIAL];
    volatile int count;

    /** The slot index of {@code key}, or -1 (read or write lock). */
    int find(byte[] key, long hash) {
      long[] t = table;
      int mask = t.length - 1;
      int tag = (int) hash & 0xFFFF;
      for (int i = (int) hash & mask; ; i = (i + 1) & mask) {
        long s = t[i];
        if (s == 0) {
          return -1;
        }
        if ((int) (s >>> 48) == tag && locations.keyAt(s & LOCATION_MASK, key)) {
          return i;
        }
      }
    }

    /** The slot index holding {@code location} for a key of hash {@code hash}, or -1 (read or write lock). */
    int findLocation(long location, long hash) {
      long[] t = table;
      int mask = t.length - 1;
      for (int i = (int) hash & mask; ; i = (i + 1) & mask) {
        long s = t[i];
        if (s == 0) {
          return -1;
        }
        if ((s & LOCATION_MASK) == location) {
          return i;
        }
      }
    }

    long locationAt(int slot) {
      return table[slot] & LOCATION_MASK;
    }

    /** Points slot {@code slot} at {@code location} (write lock). */
    void replace(int slot, long location) {
      table[slot] = (table[slot] & ~LOCATION_MASK) | location;
    }

    /** Adds {@code location} for a key of hash {@code hash} that is not in the table (write lock). */
    void insert(long location, long hash) {
      if ((count + 1) * 5L > table.length * 4L) {
        resize();
      }
      place(table, (((long) hash & 0xFFFF) << 48) | location, (int) hash);
      count++;
    }

    private void place(long[] t, long slot, int hashLow) {
      int mask = t.length - 1;
      int i = hashLow & mask;
      while (t[i] != 0) {
        i = (i + 1) & mask;
      }
      t[i] = slot;
    }

    /** Empties slot {@code slot}, shifting back the slots after it that may move (write lock). */
    void removeAt(int slot) {
      long[] t = table;
      int mask = t.length - 1;
      int hole = slot;
      for (int j = (hole + 1) & mask; t[j] != 0; j = (j + 1) & mask) {
        int home = home(t[j], mask);
        // the entry at j may fill the hole when its home is not cyclically within (hole, j]
        boolean between = hole <= j ? hole < home && home <= j : hole < home || home <= j;
        if (!between) {
          t[hole] = t[j];
          hole = j;
        }
      }
      t[hole] = 0;
      count--;
    }

    private int home(long slot, int mask) {
      if (mask < SMALL_TABLE) {
        return (int) (slot >>> 48) & mask;
      }
      return locations.hashAt(slot & LOCATION_MASK) & mask;
    }

    private void resize() {
      long[] old = table;
      long[] t = new long[old.length * 2];
      int mask = t.length - 1;
      for (long s : old) {
        if (s != 0) {
          int hashLow = mask < SMALL_TABLE ? (int) (s >>> 48) : locations.hashAt(s & LOCATION_MASK);
          place(t, s, hashLow);
        }
      }
      table = t;
    }

    /** The longest run of occupied slots: what a lookup that misses may have to probe (for tests). */
    int longestRun() {
      int longest = 0;
      int run = 0;
      for (int i = 0; i < 2 * table.length; i++) {
        run = table[i & (table.length - 1)] != 0 ? run + 1 : 0;
        longest = Math.max(longest, Math.min(run, table.length));
      }
      return longest;
    }

    /** Replaces the table wholesale (warm restart; write lock). */
    void load(long[] slots, int n) {
      table = slots;
      count = n;
    }
  }
}
