package io.safecached.store;

import io.safecached.store.KeyIndex.Stripe;
import io.safecached.store.stats.Counter;
import io.safecached.store.stats.Counters;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Frees segments for {@link OffHeapStore}: picks a victim from {@link Segments}' queues and walks it once, keeping
 * or evicting each record (S3-FIFO's second chance, Segcache's merge), sweeps segments whose records are all
 * expired or flushed, and crawls the index for expired and flushed records on request. Its {@link #lock} is the
 * evict lock, taken outside the segment lock and the stripe locks (see {@link Segments#lock} for the order).
 */
final class Eviction {
  /** Eviction modes: see {@link #evictSegment}. */
  private static final int PROMOTE = 0;
  private static final int REINSERT = 1;
  private static final int KEEP_LIVE = 2;
  /** Sweep steps look at this many dead segments at most. */
  static final int SWEEP_BATCH = 64;
  /** How long an eviction waits for a segment to become free before it gives up (evict lock held). */
  static final long MAX_WAIT_NANOS = 50_000_000L;

  /** The evict lock: one eviction or sweep at a time; a stop takes it too. */
  final Object lock = new Object();
  private final OffHeapStore store;
  private final Segments segments;
  private final RegionMemory memory;
  private final KeyIndex index;
  private final Records records;
  private final Clock clock;
  private final Counters counters;
  /** The store's {@code bytes}: footprints of the records indexed. */
  private final AtomicLong bytes;

  Eviction(OffHeapStore store, Segments segments, RegionMemory memory, KeyIndex index, Records records, Clock clock,
      Counters counters, AtomicLong bytes) {
    this.store = store;
    this.segments = segments;
    this.memory = memory;
    this.index = index;
    this.records = records;
    this.clock = clock;
    this.counters = counters;
    this.bytes = bytes;
  }

  /**
   * Frees a segment when none is free (no lock held but the caller's own). False when none could be freed within
   * {@link #MAX_WAIT_NANOS}: every segment is an open head with a write in progress or is still read by replies
   * going out (which may be this thread's own connections, which it cannot write while it waits here).
   */
  boolean makeRoom() {
    synchronized (lock) {
      Waiting waiting = new Waiting();
      while (!store.isClosed()) {
        if (segments.hasRoom()) {
          return true;
        }
        if (!freeOne() && !waiting.more()) {
          return false;
        }
      }
      return true; // closed: the caller's next step says so
    }
  }

  /**
   * Evicts until the segments occupied fit the limit (after it was lowered, or values were reserved), or until
   * nothing could be freed for {@link #MAX_WAIT_NANOS}; the next call goes on from there.
   */
  void shrinkToLimit() {
    synchronized (lock) {
      Waiting waiting = new Waiting();
      while (!store.isClosed()) {
        int step = segments.shrinkStep();
        if (step == Segments.FITS) {
          return;
        }
        if (step == Segments.RELEASED) {
          continue;
        }
        if (!freeOne() && !waiting.more()) {
          return;
        }
      }
    }
  }

  /** One wait for a segment: spins a little (writes in progress end within microseconds), then sleeps briefly. */
  private static final class Waiting {
    private static final int SPINS = 1_000;
    private static final long PARK_NANOS = 100_000L;
    private final long deadline = System.nanoTime() + MAX_WAIT_NANOS;
    private int spins;

    /** Waits a moment; false once the wait has lasted {@link #MAX_WAIT_NANOS}. */
    boolean more() {
      if (System.nanoTime() - deadline >= 0) {
        return false;
      }
      if (spins < SPINS) {
        spins++;
        Thread.onSpinWait();
      } else {
        LockSupport.parkNanos(PARK_NANOS);
      }
      return true;
    }
  }

  /**
   * Frees one segment (evict lock held). First one whose records were all deleted or replaced (reused unread),
   * then one whose records are all expired or flushed, then S3-FIFO's choice: the oldest of the small queue while
   * it holds {@value Segments#SMALL_PERCENT} % of the segments or more (or the main queue is empty), else the
   * oldest of the main queue;
   * when everything is an open head, the fullest head. Returns false when every candidate still has writes in
   * progress.
   */
  private boolean freeOne() {
    long now = clock.millis();
    int victim = -1;
    int mode;
    synchronized (segments.lock) {
      if (segments.drainAny()) {
        return true;
      }
      if (segments.recycleEmpty()) {
        return true;
      }
      mode = KEEP_LIVE;
      victim = segments.deadSegment(seg -> segmentDead(seg, now));
      if (victim < 0) {
        boolean fromSmall = segments.smallFirst();
        mode = fromSmall ? PROMOTE : REINSERT;
        victim = segments.oldestIdle(fromSmall);
        if (victim < 0) {
          mode = fromSmall ? REINSERT : PROMOTE;
          victim = segments.oldestIdle(!fromSmall);
        }
      }
    }
    if (victim < 0) {
      victim = segments.stealHead();
      mode = PROMOTE;
      if (victim < 0) {
        return false;
      }
    }
    evictSegment(victim, mode, now);
    return true;
  }

  /** True when every record of {@code seg} is expired or flushed by now. */
  private boolean segmentDead(int seg, long now) {
    long d = segments.maxDeadline.get(seg);
    if (d != Long.MAX_VALUE && d != 0 && now >= d) {
      return true;
    }
    long stored = segments.maxStored.get(seg);
    if (stored < store.flushedAt()) {
      return true;
    }
    long second = store.flushSecond();
    return second != 0 && now >= second && stored < second + 1000;
  }

  /**
   * Walks {@code seg} once (evict lock held; the segment is off every queue). Each record still indexed either
   * moves to the main head or is evicted (reclaimed when dead): from the small queue ({@link #PROMOTE}) the ones
   * read since they were written move, with their count reset; from the main queue ({@link #REINSERT}) the ones
   * read since their last move, with their count reset too (a second chance, as CLOCK gives); from a segment
   * thought dead ({@link #KEEP_LIVE}) whatever is still live. A record that cannot move (no room left) is
   * evicted. The emptied segment is recycled. When every record would move (all read, none deleted or replaced),
   * they stay where they are with their counts reset and the segment joins the main queue whole: a cache whose
   * items are all being read does not copy each of them at every pass (with 16 KB values most walks are such).
   */
  private void evictSegment(int seg, int mode, long now) {
    boolean whole = mode != KEEP_LIVE && keepsAll(seg, now);
    ByteBuffer b = memory.segment(seg);
    int end = segments.writeEnd[seg];
    for (int off = 0; off < end; ) {
      int fp = ItemLayout.footprint(b, off);
      if (ItemLayout.keyLength(b, off) != 0) {
        if (whole && keeps(b, off, mode, now)) {
          ItemLayout.setFrequency(b, off, 0); // not moved: no index change, no lock
        } else {
          walkRecord(seg, b, off, fp, whole ? -1 : mode, now);
        }
      }
      off += fp;
    }
    if (whole) {
      segments.keptWhole(seg);
    } else {
      segments.evicted(seg);
    }
  }

  /** True when a walk of {@code seg} would keep every record in it, and none of its space is dead. */
  private boolean keepsAll(int seg, long now) {
    int end = segments.writeEnd[seg];
    if (segments.liveBytes.get(seg) != end) {
      return false;
    }
    ByteBuffer b = memory.segment(seg);
    for (int off = 0; off < end; ) {
      if (ItemLayout.keyLength(b, off) != 0 && !keeps(b, off, PROMOTE, now)) {
        return false;
      }
      off += ItemLayout.footprint(b, off);
    }
    return true;
  }

  /** True when an eviction in {@code mode} keeps the record at {@code off} (if it is still indexed). */
  private boolean keeps(ByteBuffer b, int off, int mode, long now) {
    return (mode == KEEP_LIVE || ItemLayout.frequency(ItemLayout.marks(b, off)) > 0) && store.isLive(b, off, now);
  }

  /**
   * One record of a walk, under its stripe's write lock: nothing when it is no longer indexed; else moved to the
   * main head when {@code mode} keeps it and there is room, or evicted ({@code mode} -1: evicted unless it was
   * read meanwhile, then left in place with its count reset).
   */
  private void walkRecord(int seg, ByteBuffer b, int off, int fp, int mode, long now) {
    byte[] key = ItemLayout.key(b, off);
    long h = store.hashOf(key);
    Stripe s = index.stripe(h);
    long loc = KeyIndex.location(seg, off);
    long stamp = s.writeLock();
    try {
      int i = s.findLocation(loc, h);
      if (i < 0) {
        return;
      }
      boolean live = store.isLive(b, off, now);
      int m = ItemLayout.marks(b, off);
      int freq = ItemLayout.frequency(m);
      if (mode < 0 && live && freq > 0) {
        ItemLayout.setFrequency(b, off, 0);
        return;
      }
      boolean keep = mode >= 0 && live && (mode == KEEP_LIVE || freq > 0);
      long to = keep ? segments.mainRoom(fp) : -1;
      if (to >= 0) {
        int toSeg = KeyIndex.segmentOf(to);
        ByteBuffer d = memory.segment(toSeg);
        int toOff = KeyIndex.offsetOf(to);
        d.put(toOff, b, off, fp);
        ItemLayout.setFrequency(d, toOff, mode == KEEP_LIVE ? freq : 0);
        s.replace(i, to);
        segments.liveBytes.addAndGet(seg, -fp);
        segments.liveItems.decrementAndGet(seg);
        segments.liveBytes.addAndGet(toSeg, fp);
        segments.liveItems.incrementAndGet(toSeg);
        long dl = records.deadline(d, toOff, m);
        segments.maxDeadline.accumulateAndGet(toSeg, dl == 0 ? Long.MAX_VALUE : dl, Math::max);
        segments.maxStored.accumulateAndGet(toSeg, records.storedMillis(d, toOff), Math::max);
        return;
      }
      s.removeAt(i);
      retire(seg, fp);
      if (live) {
        countEviction((m & ItemLayout.FETCHED) != 0);
      } else {
        countReclaimed((m & ItemLayout.FETCHED) != 0);
      }
    } finally {
      s.unlockWrite(stamp);
    }
  }

  /** Counts one live item evicted ({@code evictions}, and {@code evicted_unfetched} when never read). */
  void countEviction(boolean fetched) {
    counters.increment(Counter.EVICTIONS);
    if (!fetched) {
      counters.increment(Counter.EVICTED_UNFETCHED);
    }
  }

  /** Counts one dead item reclaimed ({@code reclaimed}, and {@code expired_unfetched} when never read). */
  private void countReclaimed(boolean fetched) {
    counters.increment(Counter.RECLAIMED);
    if (!fetched) {
      counters.increment(Counter.EXPIRED_UNFETCHED);
    }
  }

  /**
   * Reclaims segments whose records are all expired or flushed, at most {@link #SWEEP_BATCH} of them, each
   * walked once; segments emptied by deletes go back to the free list unread. Returns the segments freed.
   */
  int sweep() {
    long now = clock.millis();
    int freed = 0;
    synchronized (lock) {
      if (store.isClosed()) {
        return 0;
      }
      List<Integer> dead = new ArrayList<>();
      freed += segments.sweep(dead, SWEEP_BATCH, seg -> segmentDead(seg, now));
      freed += segments.sweepHeads(dead, seg -> segmentDead(seg, now));
      for (int seg : dead) {
        evictSegment(seg, KEEP_LIVE, now);
        freed++;
      }
    }
    return freed;
  }

  /**
   * Reclaims every expired and flushed record now, wherever it is, by walking the index one stripe at a time
   * (memcached's crawler, run on demand: for tests, for a flush that took hold, and for an operator's explicit
   * request). Returns how many it reclaimed.
   */
  long crawl() {
    long now = clock.millis();
    long reclaimed = 0;
    for (int si = 0; si < KeyIndex.STRIPES; si++) {
      Stripe s = index.stripe(si);
      long stamp = s.writeLock();
      try {
        if (store.isClosed()) {
          return reclaimed;
        }
        List<Long> dead = new ArrayList<>();
        for (int i = 0, n = s.capacity(); i < n; i++) {
          long slot = s.slot(i);
          if (slot != 0) {
            long loc = slot & KeyIndex.LOCATION_MASK;
            if (!store.isLive(memory.at(loc), KeyIndex.offsetOf(loc), now)) {
              dead.add(loc);
            }
          }
        }
        for (long loc : dead) {
          ByteBuffer b = memory.at(loc);
          int off = KeyIndex.offsetOf(loc);
          int i = s.findLocation(loc, store.hashOf(ItemLayout.key(b, off)));
          if (i >= 0) {
            boolean fetched = (ItemLayout.marks(b, off) & ItemLayout.FETCHED) != 0;
            s.removeAt(i);
            retire(loc);
            countReclaimed(fetched);
            reclaimed++;
          }
        }
      } finally {
        s.unlockWrite(stamp);
      }
    }
    return reclaimed;
  }

  /** Accounts the record at {@code loc}, taken out of the index, as dead space in its segment. */
  void retire(long loc) {
    retire(KeyIndex.segmentOf(loc), ItemLayout.footprint(memory.at(loc), KeyIndex.offsetOf(loc)));
  }

  /** Accounts a record of {@code fp} bytes in segment {@code seg}, taken out of the index, as dead space. */
  private void retire(int seg, int fp) {
    segments.liveBytes.addAndGet(seg, -fp);
    segments.liveItems.decrementAndGet(seg);
    bytes.addAndGet(-fp);
  }
}
