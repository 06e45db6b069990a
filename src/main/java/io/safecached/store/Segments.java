package io.safecached.store;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.BooleanSupplier;
import java.util.function.IntPredicate;
import java.util.function.LongSupplier;

/** {@link OffHeapStore}'s segment bookkeeping: write heads, S3-FIFO queues, free lists and per-segment counts. */
final class Segments {
  /** An eviction picks, of this many oldest segments of a queue, the one with the fewest live bytes. */
  static final int VICTIM_WINDOW = 4;
  /**
   * The small queue's share of the segments, in percent: S3-FIFO's 10 % let a key just written go before it was
   * read once whenever a client moved on to new keys while old ones still held the main queue (bench/compare's
   * 16 KB cell missed 12 % of gets, memcached none); at 30 % (memcached's HOT is 20 %, COLD what is left) a
   * replay of moving windows of keys hits 99.8 % instead of 94.5 %, and the Zipf traces are unchanged.
   */
  static final int SMALL_PERCENT = 30;
  /** {@link #shrinkStep()}: the occupied segments fit the limit. */
  static final int FITS = 0;
  /** {@link #shrinkStep()}: an empty segment was given back to the limit. */
  static final int RELEASED = 1;
  /** {@link #shrinkStep()}: over the limit with nothing empty to give back; an eviction must free a segment. */
  static final int OVER = 2;

  private final int segmentSize;
  private final int segmentCount;
  /** Bytes items may occupy now: the limit less the reservations. */
  private final LongSupplier room;
  /** True once the store is closed (read with the segment lock held). */
  private final BooleanSupplier closed;

  // per segment
  final int[] writeEnd;
  final AtomicIntegerArray writers;
  final AtomicLongArray liveBytes;
  final AtomicIntegerArray liveItems;
  final AtomicLongArray maxDeadline;
  final AtomicLongArray maxStored;
  /** Readers of each segment: replies still copying or sending a value from it. A pinned segment is not reused. */
  final AtomicIntegerArray pins;
  /** Values out to the transport over the store's memory now, at most {@link #handOffLimit}. */
  private final AtomicInteger handOffs = new AtomicInteger();
  private final int handOffLimit;
  final StoredValue.Pins segmentPins = new SegmentPins();

  /**
   * Guards the FIFO, the free list and the segment counts; taken inside a head's lock, never the other way. The
   * whole lock order: the store's evict lock, then a stripe lock (a write, or an eviction's walk, which holds one
   * at a time; only a close holds them all), then a head's lock, then this one. No stripe lock is taken while this
   * one is held.
   */
  final Object lock = new Object();
  /** S3-FIFO's small queue: full segments of new records, oldest first. */
  private final ArrayDeque<Integer> small = new ArrayDeque<>();
  /** S3-FIFO's main queue: full segments of records read while in the small queue, or moved again since. */
  private final ArrayDeque<Integer> main = new ArrayDeque<>();
  private final List<ArrayDeque<Integer>> queues = List.of(small, main);
  /** Empty segments ready for a head. */
  private final ArrayDeque<Integer> free = new ArrayDeque<>();
  /** Empty segments not counted against the limit (after it was lowered): used again before fresh ones. */
  private final ArrayDeque<Integer> unused = new ArrayDeque<>();
  /** Emptied segments still pinned by readers: reused once the last one lets go. */
  private final ArrayDeque<Integer> draining = new ArrayDeque<>();
  /** Segments counted against the limit: heads, queued, free, the main head and the spare. */
  private int occupied;
  /** The open segment evictions move surviving records into; -1 when none. */
  private int mainHead = -1;
  /** Below this many segments no spare is set aside before the first eviction (a head needs them all). */
  static final int MIN_FOR_SPARE = 8;
  /** An empty segment kept for the main head, so that an eviction can always move what it keeps; -1 if none. */
  private int spare = -1;
  /** The next segment never used. */
  private int fresh;
  private final int[] heads = new int[OffHeapStore.TTL_CLASSES];
  private final Object[] headLocks = new Object[OffHeapStore.TTL_CLASSES];

  Segments(int segmentCount, int segmentSize, LongSupplier room, BooleanSupplier closed) {
    this.segmentCount = segmentCount;
    this.segmentSize = segmentSize;
    this.room = room;
    this.closed = closed;
    this.writeEnd = new int[segmentCount];
    this.writers = new AtomicIntegerArray(segmentCount);
    this.liveBytes = new AtomicLongArray(segmentCount);
    this.liveItems = new AtomicIntegerArray(segmentCount);
    this.maxDeadline = new AtomicLongArray(segmentCount);
    this.maxStored = new AtomicLongArray(segmentCount);
    this.pins = new AtomicIntegerArray(segmentCount);
    this.handOffLimit = Math.max(1, segmentCount / OffHeapStore.HAND_OFF_SHARE);
    for (int i = 0; i < OffHeapStore.TTL_CLASSES; i++) {
      heads[i] = -1;
      headLocks[i] = new Object();
    }
  }

  /**
   * Room for {@code fp} bytes in the head of {@code ttlClass}: the location, with the segment's writer count
   * raised (the caller lowers it when the record is written), or -1 when a segment is needed and none is free.
   */
  long allocate(int ttlClass, int fp) {
    synchronized (headLocks[ttlClass]) {
      while (true) {
        int seg = heads[ttlClass];
        if (seg >= 0 && writeEnd[seg] + fp <= segmentSize) {
          int off = writeEnd[seg];
          writeEnd[seg] = off + fp;
          writers.incrementAndGet(seg);
          return KeyIndex.location(seg, off);
        }
        synchronized (lock) {
          if (closed.getAsBoolean()) {
            throw new IllegalStateException("store closed");
          }
          int next = takeFree();
          if (next < 0) {
            return -1;
          }
          if (spare < 0 && allowedSegments() >= MIN_FOR_SPARE) {
            spare = takeFree(); // set aside early: the first eviction can move what it keeps too
          }
          if (seg >= 0) {
            small.addLast(seg);
          }
          heads[ttlClass] = next;
        }
      }
    }
  }

  /** An empty segment for a head, or -1 (segment lock held). */
  private int takeFree() {
    if (!draining.isEmpty()) {
      drain();
    }
    Integer f = free.pollFirst();
    if (f != null) {
      return f;
    }
    if (occupied < allowedSegments()) {
      Integer u = unused.pollFirst();
      if (u != null) {
        occupied++;
        return u;
      }
      if (fresh < segmentCount) {
        occupied++;
        return fresh++;
      }
    }
    return -1;
  }

  /** Segments items may occupy: the limit less the reservations, in whole segments (at least one). */
  private int allowedSegments() {
    long r = room.getAsLong();
    return (int) Math.max(1, Math.min(segmentCount, r / segmentSize));
  }

  /**
   * A queued segment whose records are all dead by now ({@code dead} says so), taken off its queue; -1 if none
   * (segment lock held).
   */
  int deadSegment(IntPredicate dead) {
    for (ArrayDeque<Integer> q : queues) {
      for (Integer seg : q) {
        if (writers.get(seg) == 0 && pins.get(seg) == 0 && dead.test(seg)) {
          q.remove(seg);
          return seg;
        }
      }
    }
    return -1;
  }

  /**
   * Of the {@value #VICTIM_WINDOW} oldest segments of {@code q} with no writes in progress, the one holding the
   * fewest live bytes (the oldest among equals), taken off the queue; -1 if none (segment lock held). Deleted and
   * replaced records are dead space until their segment goes, so under churn this frees the most room per walk
   * while still taking one of the oldest, as a log-structured file system's cleaner does.
   */
  private int oldestIdle(ArrayDeque<Integer> q) {
    int best = -1;
    long bestLive = Long.MAX_VALUE;
    int seen = 0;
    for (Integer seg : q) {
      if (writers.get(seg) != 0 || pins.get(seg) != 0) {
        continue;
      }
      long live = liveBytes.get(seg);
      if (live < bestLive) {
        best = seg;
        bestLive = live;
      }
      if (++seen == VICTIM_WINDOW) {
        break;
      }
    }
    if (best >= 0) {
      q.remove(best);
    }
    return best;
  }

  /**
   * Takes the fullest open head's segment (the main head's too) away for eviction, when everything is open heads
   * (a limit of few segments); -1 when every head has writes in progress. Takes a head's lock, then the segment
   * lock, in the order writers do.
   */
  int stealHead() {
    synchronized (lock) {
      if (mainHead >= 0) {
        int seg = mainHead;
        mainHead = -1;
        return seg;
      }
    }
    int best = -1;
    int bestEnd = -1;
    for (int c = 0; c < OffHeapStore.TTL_CLASSES; c++) {
      int seg = heads[c];
      if (seg >= 0 && writeEnd[seg] > bestEnd) {
        best = c;
        bestEnd = writeEnd[seg];
      }
    }
    if (best < 0) {
      return -1;
    }
    synchronized (headLocks[best]) {
      synchronized (lock) {
        int seg = heads[best];
        if (seg < 0 || writers.get(seg) != 0) {
          return -1;
        }
        heads[best] = -1;
        return seg;
      }
    }
  }

  /**
   * An emptied segment: the evictor's spare if it has none, else the free list; while readers still pin it,
   * it waits in {@link #draining} instead (segment lock held).
   */
  private void recycle(int seg) {
    if (pins.get(seg) != 0) {
      draining.addLast(seg);
      return;
    }
    writeEnd[seg] = 0;
    maxDeadline.set(seg, 0);
    maxStored.set(seg, 0);
    if (spare < 0) {
      spare = seg;
    } else if (occupied > allowedSegments()) {
      release(seg);
    } else {
      free.addLast(seg);
    }
  }

  /** Recycles the drained segments no reader pins any more; true if there was one (segment lock held). */
  private boolean drain() {
    boolean any = false;
    for (int n = draining.size(); n > 0; n--) {
      int seg = draining.pollFirst();
      if (pins.get(seg) == 0) {
        recycle(seg);
        any = true;
      } else {
        draining.addLast(seg);
      }
    }
    return any;
  }

  /** Gives an empty segment back to the limit's count (its memory stays with the store). */
  private void release(int seg) {
    writeEnd[seg] = 0;
    occupied--;
    unused.addLast(seg);
  }

  /**
   * Room for {@code fp} bytes in the main head (evict lock held): when it is full it joins the main queue and
   * the spare segment takes its place. -1 when there is no spare.
   */
  long mainRoom(int fp) {
    synchronized (lock) {
      if (mainHead < 0 || writeEnd[mainHead] + fp > segmentSize) {
        if (spare < 0) {
          spare = takeFree(); // the limit was raised, or a segment given back, since the spare went
        }
        if (spare < 0) {
          return -1;
        }
        if (mainHead >= 0) {
          main.addLast(mainHead);
        }
        mainHead = spare;
        spare = -1;
      }
      int off = writeEnd[mainHead];
      writeEnd[mainHead] = off + fp;
      return KeyIndex.location(mainHead, off);
    }
  }

  /** Waits up to {@code millis} for every reader of every segment to let go; true when none is left. */
  boolean awaitUnpinned(long millis) {
    long until = System.nanoTime() + millis * 1_000_000L;
    while (pinned() != 0) {
      if (System.nanoTime() - until > 0) {
        return false;
      }
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  /** Readers of segments now: values being copied into replies or out to the transport. */
  int pinned() {
    int n = 0;
    for (int seg = 0; seg < segmentCount; seg++) {
      n += pins.get(seg);
    }
    return n;
  }

  /** Values out to the transport over the store's memory now. */
  int handedOff() {
    return handOffs.get();
  }

  /** Counts readers per segment for {@link StoredValue}, and bounds how many values leave without a copy. */
  private final class SegmentPins implements StoredValue.Pins {
    @Override
    public void unpin(int segment) {
      pins.decrementAndGet(segment);
    }

    @Override
    public boolean startHandOff() {
      while (true) {
        int n = handOffs.get();
        if (n >= handOffLimit) {
          return false;
        }
        if (handOffs.compareAndSet(n, n + 1)) {
          return true;
        }
      }
    }

    @Override
    public void endHandOff(int segment) {
      handOffs.decrementAndGet();
      pins.decrementAndGet(segment);
    }
  }


  /** True when a head can get a segment without an eviction: one is free, or the limit allows one more. */
  boolean hasRoom() {
    synchronized (lock) {
      return !free.isEmpty() || occupied < allowedSegments() && (fresh < segmentCount || !unused.isEmpty());
    }
  }

  /**
   * One step down to the limit: {@link #FITS} when the occupied segments fit it, {@link #RELEASED} when a free
   * segment or the spare went back to it, else {@link #OVER}.
   */
  int shrinkStep() {
    synchronized (lock) {
      if (occupied <= allowedSegments()) {
        return FITS;
      }
      Integer f = free.pollFirst();
      if (f != null) {
        release(f);
        return RELEASED;
      }
      if (spare >= 0) {
        release(spare);
        spare = -1;
        return RELEASED;
      }
    }
    return OVER;
  }

  /** Recycles the drained segments no reader pins any more; true if there was one (segment lock held). */
  boolean drainAny() {
    return !draining.isEmpty() && drain();
  }

  /**
   * Recycles the first queued segment whose records were all deleted or replaced (unread), if one has no writes
   * in progress and no readers; true if there was one (segment lock held).
   */
  boolean recycleEmpty() {
    for (ArrayDeque<Integer> q : queues) {
      for (Integer seg : q) {
        if (writers.get(seg) == 0 && pins.get(seg) == 0 && liveItems.get(seg) == 0) {
          q.remove(seg);
          recycle(seg);
          return true;
        }
      }
    }
    return false;
  }

  /**
   * S3-FIFO's choice: the small queue goes first while it holds {@value #SMALL_PERCENT} % of the segments or
   * more, or the main queue is empty (segment lock held).
   */
  boolean smallFirst() {
    return !small.isEmpty() && (small.size() * 100 >= occupied * SMALL_PERCENT || main.isEmpty());
  }

  /** {@link #oldestIdle(ArrayDeque)} of the small queue ({@code fromSmall}) or the main one (segment lock held). */
  int oldestIdle(boolean fromSmall) {
    return oldestIdle(fromSmall ? small : main);
  }

  /** A walked segment whose records stay where they are: the newest of the main queue now. */
  void keptWhole(int seg) {
    synchronized (lock) {
      main.addLast(seg);
    }
  }

  /** An evicted segment, now empty: recycled. */
  void evicted(int seg) {
    synchronized (lock) {
      recycle(seg);
    }
  }

  /**
   * One sweep's look at the queues: recycles the segments whose records were all deleted or replaced, and takes
   * off their queue, into {@code dead}, up to {@code batch} segments whose records are all expired or flushed
   * ({@code segmentDead}); segments with writes in progress are left. Returns the segments recycled.
   */
  int sweep(List<Integer> dead, int batch, IntPredicate segmentDead) {
    int freed = 0;
    synchronized (lock) {
      for (ArrayDeque<Integer> q : queues) {
        for (java.util.Iterator<Integer> it = q.iterator(); it.hasNext() && dead.size() < batch; ) {
          int fate = sweepOne(it.next(), dead, segmentDead);
          if (fate != KEPT) {
            it.remove();
            freed += fate == RECYCLED ? 1 : 0;
          }
        }
      }
    }
    return freed;
  }

  /**
   * Closes the open heads no write has reached since all their records died: those whose records were all
   * deleted or replaced are recycled, those whose records are all expired or flushed ({@code segmentDead}) go
   * into {@code dead} (off every head; the caller walks them). A head of a lifetime class that is no longer
   * written would otherwise hold its segment for good. Takes each head's lock, then the segment lock, in the
   * order writers do. Returns the segments recycled.
   */
  int sweepHeads(List<Integer> dead, IntPredicate segmentDead) {
    int freed = 0;
    for (int c = 0; c < heads.length; c++) {
      synchronized (headLocks[c]) {
        synchronized (lock) {
          int seg = heads[c];
          if (seg < 0 || writeEnd[seg] == 0) {
            continue;
          }
          int fate = sweepOne(seg, dead, segmentDead);
          if (fate != KEPT) {
            heads[c] = -1;
            freed += fate == RECYCLED ? 1 : 0;
          }
        }
      }
    }
    return freed;
  }

  /** {@link #sweepOne}: the segment stays where it is. */
  private static final int KEPT = 0;
  /** {@link #sweepOne}: the segment was recycled. */
  private static final int RECYCLED = 1;
  /** {@link #sweepOne}: the segment went into the dead list. */
  private static final int DEAD = 2;

  /**
   * A sweep's rule for one segment with no write in progress (segment lock held): recycled when its records were
   * all deleted or replaced, put in {@code dead} when they are all expired or flushed, else kept. The caller takes
   * a segment that is not {@link #KEPT} off its queue or head.
   */
  private int sweepOne(int seg, List<Integer> dead, IntPredicate segmentDead) {
    if (writers.get(seg) != 0) {
      return KEPT;
    }
    if (liveItems.get(seg) == 0) {
      recycle(seg);
      return RECYCLED;
    }
    if (segmentDead.test(seg)) {
      dead.add(seg);
      return DEAD;
    }
    return KEPT;
  }

  // ---------------------------------------------------------------- warm restart

  /** The size of a segment in bytes. */
  int segmentSize() {
    return segmentSize;
  }

  /** How many segments there are (allocated or not). */
  int segmentCount() {
    return segmentCount;
  }

  /**
   * The segments holding records, for a warm restart: the main queue, the main head, the small queue, then the
   * heads (segment lock held).
   */
  int[] order() {
    int[] all = new int[small.size() + main.size() + OffHeapStore.TTL_CLASSES + 1];
    int n = 0;
    for (int seg : main) {
      all[n++] = seg;
    }
    if (mainHead >= 0) {
      all[n++] = mainHead;
    }
    for (int seg : small) {
      all[n++] = seg;
    }
    for (int c = 0; c < OffHeapStore.TTL_CLASSES; c++) {
      if (heads[c] >= 0) {
        all[n++] = heads[c];
      }
    }
    return java.util.Arrays.copyOf(all, n);
  }

  /** The next segment never used (segment lock held). */
  int fresh() {
    return fresh;
  }

  /** Each segment's write end, live bytes, live items, latest deadline and latest store time, five a segment. */
  long[] metadata() {
    long[] segs = new long[segmentCount * 5];
    for (int seg = 0; seg < segmentCount; seg++) {
      segs[seg * 5] = writeEnd[seg];
      segs[seg * 5 + 1] = liveBytes.get(seg);
      segs[seg * 5 + 2] = liveItems.get(seg);
      segs[seg * 5 + 3] = maxDeadline.get(seg);
      segs[seg * 5 + 4] = maxStored.get(seg);
    }
    return segs;
  }

  /**
   * Takes over saved segments (before any use): those in {@code order} hold records and are all sealed now, in the
   * small queue; the others below {@code fresh} are unused.
   */
  void restore(int[] order, int fresh, long[] metadata) {
    for (int seg = 0; seg < segmentCount; seg++) {
      writeEnd[seg] = (int) metadata[seg * 5];
      liveBytes.set(seg, metadata[seg * 5 + 1]);
      liveItems.set(seg, (int) metadata[seg * 5 + 2]);
      maxDeadline.set(seg, metadata[seg * 5 + 3]);
      maxStored.set(seg, metadata[seg * 5 + 4]);
    }
    for (int seg : order) {
      small.addLast(seg); // read counts survive, so the next evictions sort them out again
    }
    occupied = order.length;
    this.fresh = fresh;
    boolean[] used = new boolean[segmentCount];
    for (int seg : order) {
      used[seg] = true;
    }
    for (int seg = 0; seg < this.fresh; seg++) {
      if (!used[seg]) {
        writeEnd[seg] = 0;
        unused.addLast(seg);
      }
    }
  }
}
