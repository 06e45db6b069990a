package io.safecached.store;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.locks.StampedLock;

/**
 * The compact index: key hash to item location, 8 bytes a slot and no Java object per item.
 *
 * <p>256 stripes, picked by the top 8 bits of the key's 64-bit keyed hash, each an open-addressing table of
 * {@code long} slots with linear probing (doubled at a load of 4/5, never shrunk; deletions shift later slots
 * back, so there are no tombstones) that is its own {@link StampedLock}: lookups share the read lock, changes take
 * the write lock. A slot packs the low 16 bits of the hash (its home bucket in tables up to 65,536 slots, and a
 * tag that spares most key comparisons), the segment number plus one and the item's offset in 8-byte units:
 * {@code home:16 | segment+1:24 | offset/8:24}; 0 is an empty slot. Keys are compared where the slot points, in
 * the segment, through {@link Locations}.
 *
 * <p>Under load the network stack and the values sent push much of the index out of the CPU's caches between two
 * requests, so each object a lookup passes through on its way to a slot is likely a cache miss. Hence the stripe
 * is the lock (lock word, table and mask in one object rather than two) and keeps a table of one chunk at hand
 * without the array of chunks: under memcaslap's 100-byte load (2 server threads, perf) the lookup's share of the
 * server's user time fell from 20-21.5 % to 11.5-14.5 %.
 *
 * <p>A table of {@value #CHUNK} slots or more is held in chunks of {@value #CHUNK} ({@code long[]} of 4 KB), and a
 * table that grows gives its chunks to a pool that the next table to grow takes its chunks from. The stripes fill
 * evenly, so they grow at about the same time, and the tables they outgrow are reused rather than left dead in the
 * old generation, which the serial collector does not collect while it has room: without the pool they took as
 * many bytes again as the live index (about 8 MB at {@code -m 64} full of 100-byte values). The pool never holds
 * more chunks than the largest stripe's table.
 */
final class KeyIndex {
  static final int STRIPE_BITS = 8;
  static final int STRIPES = 1 << STRIPE_BITS;
  private static final int INITIAL = 16;
  static final int CHUNK_BITS = 9;
  static final int CHUNK = 1 << CHUNK_BITS;
  private static final int CHUNK_MASK = CHUNK - 1;
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
  /** Chunks of outgrown tables, for the next table that grows (its own lock: stripes grow under their own). */
  private final ArrayDeque<long[]> spare = new ArrayDeque<>();
  /** Whole chunks ever allocated rather than taken from the pool (for tests; under {@code spare}'s lock). */
  private long chunksAllocated;

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

  /** Chunks spare in the pool (for tests). */
  int spareChunks() {
    synchronized (spare) {
      return spare.size();
    }
  }

  /** Whole chunks allocated so far, not counting those reused from the pool (for tests). */
  long chunksAllocated() {
    synchronized (spare) {
      return chunksAllocated;
    }
  }

  /** An empty table of {@code capacity} slots (a power of two), its chunks from the pool where it has them. */
  private long[][] newTable(int capacity) {
    if (capacity < CHUNK) {
      return emptyTable(capacity);
    }
    long[][] t = new long[capacity >>> CHUNK_BITS][];
    int reused = 0;
    synchronized (spare) {
      while (reused < t.length && !spare.isEmpty()) {
        t[reused++] = spare.pop();
      }
      chunksAllocated += t.length - reused;
    }
    for (int i = 0; i < reused; i++) {
      Arrays.fill(t[i], 0L);
    }
    for (int i = reused; i < t.length; i++) {
      t[i] = new long[CHUNK];
    }
    return t;
  }

  /** Gives an outgrown table's whole chunks to the pool. */
  private void retire(long[][] table) {
    if (table[0].length == CHUNK) {
      synchronized (spare) {
        for (long[] c : table) {
          spare.push(c);
        }
      }
    }
  }

  /** A table of {@code capacity} slots (a power of two) in this class's chunk layout, all empty (warm restart). */
  static long[][] emptyTable(int capacity) {
    long[][] t = new long[Math.max(1, capacity >>> CHUNK_BITS)][];
    for (int i = 0; i < t.length; i++) {
      t[i] = new long[Math.min(capacity, CHUNK)];
    }
    return t;
  }

  /**
   * One stripe: its table and, being a {@link StampedLock}, the lock that guards it. Every method but the lock's
   * own needs the lock held as it says.
   */
  final class Stripe extends StampedLock {
    /** The slots, in chunks of {@link #CHUNK} (one shorter chunk while the table is smaller). */
    private long[][] table;
    /** The table's only chunk while it has one ({@code table[0]}), else null: lookups skip the outer array. */
    private long[] only;
    private int mask;
    volatile int count;

    Stripe() {
      setTable(newTable(INITIAL), INITIAL - 1);
    }

    private void setTable(long[][] t, int m) {
      table = t;
      only = t.length == 1 ? t[0] : null;
      mask = m;
    }

    /** The number of slots (read or write lock). */
    int capacity() {
      return mask + 1;
    }

    /** Slot {@code i}, 0 when empty (read or write lock). */
    long slot(int i) {
      return table[i >>> CHUNK_BITS][i & CHUNK_MASK];
    }

    private void set(int i, long slot) {
      table[i >>> CHUNK_BITS][i & CHUNK_MASK] = slot;
    }

    /** The slot index of {@code key}, or -1 (read or write lock). */
    int find(byte[] key, long hash) {
      int m = mask;
      int tag = (int) hash & 0xFFFF;
      long[] o = only;
      if (o != null) {
        for (int i = (int) hash & m; ; i = (i + 1) & m) {
          long s = o[i];
          if (s == 0) {
            return -1;
          }
          if ((int) (s >>> 48) == tag && locations.keyAt(s & LOCATION_MASK, key)) {
            return i;
          }
        }
      }
      long[][] t = table;
      for (int i = (int) hash & m; ; i = (i + 1) & m) {
        long s = t[i >>> CHUNK_BITS][i & CHUNK_MASK];
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
      long[][] t = table;
      int m = mask;
      for (int i = (int) hash & m; ; i = (i + 1) & m) {
        long s = t[i >>> CHUNK_BITS][i & CHUNK_MASK];
        if (s == 0) {
          return -1;
        }
        if ((s & LOCATION_MASK) == location) {
          return i;
        }
      }
    }

    long locationAt(int slot) {
      return slot(slot) & LOCATION_MASK;
    }

    /** Points slot {@code slot} at {@code location} (write lock). */
    void replace(int slot, long location) {
      set(slot, (slot(slot) & ~LOCATION_MASK) | location);
    }

    /** Adds {@code location} for a key of hash {@code hash} that is not in the table (write lock). */
    void insert(long location, long hash) {
      if ((count + 1) * 5L > capacity() * 4L) {
        resize();
      }
      place(table, mask, ((hash & 0xFFFF) << 48) | location, (int) hash);
      count++;
    }

    private void place(long[][] t, int m, long slot, int hashLow) {
      int i = hashLow & m;
      while (t[i >>> CHUNK_BITS][i & CHUNK_MASK] != 0) {
        i = (i + 1) & m;
      }
      t[i >>> CHUNK_BITS][i & CHUNK_MASK] = slot;
    }

    /** Empties slot {@code slot}, shifting back the slots after it that may move (write lock). */
    void removeAt(int slot) {
      int m = mask;
      int hole = slot;
      for (int j = (hole + 1) & m; slot(j) != 0; j = (j + 1) & m) {
        long s = slot(j);
        int home = home(s, m);
        // the entry at j may fill the hole when its home is not cyclically within (hole, j]
        boolean between = hole <= j ? hole < home && home <= j : hole < home || home <= j;
        if (!between) {
          set(hole, s);
          hole = j;
        }
      }
      set(hole, 0);
      count--;
    }

    private int home(long slot, int m) {
      if (m < SMALL_TABLE) {
        return (int) (slot >>> 48) & m;
      }
      return locations.hashAt(slot & LOCATION_MASK) & m;
    }

    private void resize() {
      long[][] old = table;
      int oldCapacity = capacity();
      int capacity = oldCapacity * 2;
      long[][] t = newTable(capacity);
      int m = capacity - 1;
      for (int i = 0; i < oldCapacity; i++) {
        long s = old[i >>> CHUNK_BITS][i & CHUNK_MASK];
        if (s != 0) {
          int hashLow = m < SMALL_TABLE ? (int) (s >>> 48) : locations.hashAt(s & LOCATION_MASK);
          place(t, m, s, hashLow);
        }
      }
      setTable(t, m);
      retire(old);
    }

    /** The longest run of occupied slots: what a lookup that misses may have to probe (for tests). */
    int longestRun() {
      int longest = 0;
      int run = 0;
      for (int i = 0; i < 2 * capacity(); i++) {
        run = slot(i & mask) != 0 ? run + 1 : 0;
        longest = Math.max(longest, Math.min(run, capacity()));
      }
      return longest;
    }

    /** The table itself, in chunks (a warm-restart snapshot; every lock held, nothing changes it after). */
    long[][] chunks() {
      return table;
    }

    /** Replaces the table wholesale with one in {@link #emptyTable} chunks (warm restart; write lock). */
    void load(long[][] slots, int n) {
      int capacity = 0;
      for (long[] c : slots) {
        capacity += c.length;
      }
      setTable(slots, capacity - 1);
      count = n;
    }
  }
}
