package io.safecached.store;

import io.safecached.store.KeyIndex.Stripe;
import io.safecached.store.stats.Counter;
import io.safecached.store.stats.Counters;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * {@link ItemStore} that keeps every item (key, value, flags, CAS, times, marks) in segments off the Java heap,
 * found through a compact index; log-structured after Segcache.
 *
 * <p>This class holds the reads and writes and the liveness rules. Beside it: {@link Eviction} frees segments
 * (the walk of a victim, the expiry sweep, the crawl of the index), {@link Segments} keeps the segments'
 * bookkeeping (heads, queues, free lists, counts) and chooses victims, {@link Records} reads and writes one
 * record, {@link Reservations} keeps room for values still arriving, {@link StoredMarks} writes a read item's
 * marks, {@link WarmRestart} saves and restores the lot.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li><b>Segments (Segcache, memcached's slab pages).</b> {@code -m} is cut into equal segments
 *       ({@value #DEFAULT_SEGMENT} bytes, or enough for the largest item, or less for a tiny limit), allocated
 *       off the heap when first used ({@link RegionMemory}). Items are appended, each an exact-size record of
 *       32 bytes of header, key and value padded to 8 ({@link ItemLayout}), so there are no slab classes to
 *       waste up to a quarter of each item, as memcached's do ({@link Records} reads and writes them). A change
 *       writes a new record and the old one is dead space until its segment is evicted.</li>
 *   <li><b>Index (Segcache's hash table, memcached's primary hash).</b> {@link KeyIndex}: 8 bytes a slot, no
 *       Java object per item, striped locks; keys are hashed with a keyed multilinear hash drawn per store
 *       ({@link KeyHash}), so clients cannot choose colliding keys. Like memcached's hash table it lives outside
 *       {@code -m}.</li>
 *   <li><b>Write heads grouped by lifetime (Segcache's TTL buckets).</b> New records go to one of
 *       {@value #TTL_CLASSES} open segments ({@link Segments}' heads) by remaining lifetime (none, up to 10 s,
 *       1 min, 10 min, 1 h, 1 day, longer), so a segment's items tend to expire together. Each segment records
 *       the latest deadline and the latest store time of what it holds: a segment whose items are all expired or
 *       flushed is reclaimed whole by the {@link ExpirySweeper} without looking at any other item, and one whose
 *       items were all deleted or replaced is reused without being read at all.</li>
 *   <li><b>Eviction (FIFO with reinsertion: Segcache's merge, S3-FIFO's second chance, memcached's ACTIVE).</b>
 *       When no segment is free, the oldest full segment is walked once: each record still indexed that was read
 *       at least twice since it was written (memcached's ACTIVE bit) is kept, compacted to the segment's start
 *       with its bit cleared, up to half the segment; the rest is evicted (or reclaimed when dead). The segment
 *       then takes new writes after its survivors, so they are the newest again. So a key just written lives
 *       until older ones are gone, and a key read often survives a scan.</li>
 *   <li><b>Locks.</b> A lookup takes its stripe's read lock (readers never block each other); a fetch for a
 *       reply pins the record's segment there and leaves the value in place ({@link StoredValue}), a plain get
 *       copies it out; a change takes the stripe's write lock, appends under its head's short lock and points the
 *       slot at the new record. Eviction holds one stripe lock at a time, so no thread holds two stripe locks;
 *       a writer that needs room releases its stripe lock first and retries. A segment with writes still being
 *       copied into it is never evicted ({@code writers}), nor one pinned by readers ({@code pins}); a segment
 *       emptied while pinned waits in {@code draining} until its last reader lets go. The lock order is written at
 *       {@link Segments#lock}: the evict lock, a stripe lock, a head's lock, the segment lock.</li>
 *   <li><b>Marks.</b> Fetched, active, win token and last access are written in the record; the token is
 *       claimed with an atomic compare-and-set there, so exactly one client wins it.</li>
 *   <li><b>Expiry and flush</b> follow memcached's rules: every lookup checks
 *       them; {@code flush_all} is O(1) (by CAS, by store time for client-chosen CAS values, and by the second
 *       for a delayed flush).</li>
 *   <li><b>Values in flight</b> are reserved against the limit ({@link Reservations}), at most half of it, in whole
 *       segments set aside with hysteresis: a reservation that comes and goes does not evict a segment each
 *       time, nor take away the empty segment evictions move read items into.</li>
 *   <li><b>Warm restart (memcached's {@code -e}).</b> With a memory file the segments are its pages, and a
 *       clean {@link #close()} writes the index and the segments' metadata beside it with checksums
 *       ({@link WarmRestart}); the next start with the same limit and file serves every unexpired item.</li>
 * </ul>
 */
public final class OffHeapStore implements ItemStore, AutoCloseable {
  /** The usual segment size. */
  public static final int DEFAULT_SEGMENT = 1 << 20;
  /** The smallest segment, for tiny limits. */
  static final int MIN_SEGMENT = 4096;
  /** The largest segment: offsets are kept in 24 bits of 8-byte units. */
  static final int MAX_SEGMENT = 1 << 27;
  static final int TTL_CLASSES = 7;
  /**
   * At most 1/this of the segments can be held by values handed to the transport: a peer that stops reading
   * holds its replies' segments, and the rest must stay free for eviction. Beyond it values are copied.
   */
  static final int HAND_OFF_SHARE = 8;
  /** How long a stop waits for replies still reading the store's memory before it leaves it to the collector. */
  static final long CLOSE_WAIT_MILLIS = 2_000;
  private static final long[] TTL_BOUNDS = {10_000L, 60_000L, 600_000L, 3_600_000L, 86_400_000L};

  private final RegionMemory memory;
  private final int segmentSize;
  private final int segmentCount;
  private final KeyIndex index;
  private final KeyHash keyHash;
  private final Clock clock;
  private final Counters counters;
  private final Executor background;
  private final Records records;

  private final Segments segments;
  /** Where read items write their marks (one for the store: an item carries its hash and location). */
  private final StoredMarks storedMarks;
  /** Frees segments: the walk of a victim, the expiry sweep; its lock is the evict lock. */
  private final Eviction eviction;
  /** Room kept for values still arriving. */
  private final Reservations reservations;

  private final AtomicLong casSequence = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private volatile long limit;
  private volatile long flushedCas;
  private volatile long flushedAt = Long.MIN_VALUE;
  private volatile long flushSecond;
  private volatile ExpirySweeper sweeper;
  private volatile boolean closed;
  private final String restartNote;

  /** A store of {@code memoryLimitBytes} whose largest item takes {@code maxItemBytes}, memory off the heap. */
  public OffHeapStore(long memoryLimitBytes, int maxItemBytes, Clock clock, Counters counters, Executor background) {
    this(memoryLimitBytes, segmentSizeFor(memoryLimitBytes, maxItemBytes), clock, counters, background, null);
  }

  /** A store on the system clock with 1 MB items at most; background work in the common pool. */
  public OffHeapStore(long memoryLimitBytes, Counters counters) {
    this(memoryLimitBytes, 1 << 20, Clock.SYSTEM, counters, ForkJoinPool.commonPool());
  }

  /**
   * A store whose segments are pages of {@code memoryFile} (memcached's {@code -e}): when the file holds a
   * clean stop's state for the same limit and segment size, every unexpired item is served again; otherwise it
   * starts empty and {@link #restartNote()} says why.
   */
  public static OffHeapStore withMemoryFile(long memoryLimitBytes, int maxItemBytes, Clock clock, Counters counters,
      Executor background, java.nio.file.Path memoryFile) {
    return new OffHeapStore(memoryLimitBytes, segmentSizeFor(memoryLimitBytes, maxItemBytes), clock, counters,
        background, memoryFile);
  }

  OffHeapStore(long memoryLimitBytes, int segmentSize, Clock clock, Counters counters, Executor background,
      java.nio.file.Path memoryFile) {
    if (segmentSize < 64 || segmentSize > MAX_SEGMENT || (segmentSize & 7) != 0) {
      throw new IllegalArgumentException("segment size must be a multiple of 8 up to " + MAX_SEGMENT);
    }
    this.segmentSize = segmentSize;
    this.segmentCount = (int) Math.max(1, Math.min(1 << 23, memoryLimitBytes / segmentSize));
    this.limit = memoryLimitBytes;
    this.clock = clock;
    this.counters = counters;
    this.background = background;
    this.reservations = new Reservations(segmentSize, () -> limit, this::shrinkToLimit);
    this.segments = new Segments(segmentCount, segmentSize, this::segmentLimit, () -> closed);
    if (memoryFile == null) {
      this.memory = new RegionMemory(segmentCount, segmentSize);
      this.keyHash = new KeyHash();
      this.records = new Records(Math.floorDiv(clock.millis(), 1000));
      this.index = new KeyIndex(new Locations());
      this.restartNote = null;
    } else {
      this.memory = new RegionMemory(segmentCount, segmentSize, memoryFile);
      WarmRestart.State saved = WarmRestart.load(memoryFile, memoryLimitBytes, segmentSize, segmentCount, memory);
      this.keyHash = saved.ok() ? new KeyHash(saved.multipliers()) : new KeyHash();
      this.records = new Records(saved.ok() ? saved.baseSecond() : Math.floorDiv(clock.millis(), 1000));
      this.index = new KeyIndex(new Locations());
      this.restartNote = saved.note();
      if (saved.ok()) {
        restore(saved);
      }
    }
    this.eviction = new Eviction(this, segments, memory, index, records, clock, counters, bytes);
    this.storedMarks = new StoredMarks(index, memory, records, this::isClosed);
  }

  /**
   * The segment size for a limit and largest item: {@value #DEFAULT_SEGMENT}, larger when one item needs more,
   * smaller for a limit under 64 of them (at least {@value #MIN_SEGMENT}), always a multiple of 8.
   */
  static int segmentSizeFor(long limit, int maxItemBytes) {
    long need = ItemLayout.footprint(250, Math.max(0, maxItemBytes));
    long size = DEFAULT_SEGMENT;
    while (size > MIN_SEGMENT && limit / size < 64) {
      size >>= 1;
    }
    size = Math.max(size, need);
    return (int) Math.min(MAX_SEGMENT, (size + 4095) & ~4095L);
  }

  /** Bytes a record of this key and value length takes; {@code bytes} in stats counts these. */
  public static int footprint(int keyLength, int valueLength) {
    return ItemLayout.footprint(keyLength, valueLength);
  }

  /** Why a memory file's contents were not used, or null when they were, or when there is no file. */
  public String restartNote() {
    return restartNote;
  }

  /** The segment size in bytes. */
  public int segmentSize() {
    return segmentSize;
  }

  /** The longest probe run in the index (for tests). */
  int longestProbeRun() {
    return index.longestRun();
  }

  /** Segments allocated so far. */
  public int segmentsAllocated() {
    return memory.allocated();
  }

  // ---------------------------------------------------------------- reading

  long hashOf(byte[] k) {
    return keyHash.hash64(k);
  }

  @Override
  public Item get(Key key) {
    return lookUp(key, false, false);
  }

  @Override
  public Item fetch(Key key, boolean mark) {
    return lookUp(key, true, mark);
  }

  /**
   * The live item for {@code key}: for a reply ({@code forReply}) with its value left in its segment, which is
   * pinned, and marked fetched when {@code mark}; else with its value copied out. A dead item found is removed.
   */
  private Item lookUp(Key key, boolean forReply, boolean mark) {
    byte[] k = key.bytes();
    long h = hashOf(k);
    Stripe s = index.stripe(h);
    long now = clock.millis();
    long stamp = s.readLock();
    try {
      ensureOpen();
      int i = s.find(k, h);
      if (i < 0) {
        return null;
      }
      long loc = s.locationAt(i);
      ByteBuffer b = memory.at(loc);
      int off = KeyIndex.offsetOf(loc);
      if (isLive(b, off, now)) {
        int m = ItemLayout.marks(b, off);
        long accessed = records.accessMillis(b, off);
        ItemLayout.countRead(b, off);
        Item item = forReply ? pinned(b, off, m, loc) : records.read(b, off, true);
        if (mark) {
          b.putInt(off + ItemLayout.ACCESS, records.relativeSecond(now));
          if ((m & ItemLayout.FETCHED) == 0) {
            ItemLayout.setMarks(b, off, ItemLayout.FETCHED);
          }
        }
        return item.restored((m & ItemLayout.FETCHED) != 0, accessed, (m & ItemLayout.TOKEN) != 0,
            (m & ItemLayout.EXPLICIT_CAS) != 0, storedMarks, h, loc);
      }
    } finally {
      s.unlockRead(stamp);
    }
    // dead: remove it under the write lock, if it is still there
    stamp = s.writeLock();
    try {
      ensureOpen();
      int i = s.find(k, h);
      if (i >= 0) {
        long loc = s.locationAt(i);
        ByteBuffer b = memory.at(loc);
        int off = KeyIndex.offsetOf(loc);
        if (!isLive(b, off, now)) {
          countDead(b, off, now);
          unindex(s, i, loc);
        }
      }
    } finally {
      s.unlockWrite(stamp);
    }
    return null;
  }

  /**
   * The record at {@code off} (marks {@code m}) as an item whose value stays in its segment, pinned (stripe read
   * lock held: an evictor unindexes the record under the write lock before it looks at the pins, so it sees this
   * one).
   */
  private Item pinned(ByteBuffer b, int off, int m, long loc) {
    int seg = KeyIndex.segmentOf(loc);
    segments.pins.incrementAndGet(seg);
    StoredValue value = StoredValue.pinned(b, off + ItemLayout.HEADER + ItemLayout.keyLength(b, off),
        ItemLayout.valueLength(b, off), segments.segmentPins, seg);
    return Item.fetched(value, b.getInt(off + ItemLayout.FLAGS), b.getLong(off + ItemLayout.CAS),
        records.deadline(b, off, m), records.storedMillis(b, off), (m & ItemLayout.STALE) != 0,
        (m & ItemLayout.KEY_BINARY) != 0);
  }

  /** Refuses use after {@link #close()}, whose memory is freed (checked with a stripe lock held). */
  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("store closed");
    }
  }

  /** True once {@link #close()} has run: nothing reads, writes or evicts after it. */
  boolean isClosed() {
    return closed;
  }

  /** The store time (ms) at or before which items with a client-chosen CAS are flushed. */
  long flushedAt() {
    return flushedAt;
  }

  /** The second of a delayed flush, 0 when none is pending. */
  long flushSecond() {
    return flushSecond;
  }

  // ---------------------------------------------------------------- liveness and counting

  /** Whether the record at {@code off} of {@code b} is neither expired nor flushed at {@code now}. */
  boolean isLive(ByteBuffer b, int off, long now) {
    int m = ItemLayout.marks(b, off);
    long deadline = records.deadline(b, off, m);
    if (deadline != 0 && now >= deadline) {
      return false;
    }
    return !flushed(b, off, m, now);
  }

  private boolean flushed(ByteBuffer b, int off, int marks, long now) {
    long stored = records.storedMillis(b, off);
    // a CAS the client chose (meta E) orders nothing: such an item is flushed when it was stored by the time of
    // the flush (in the same millisecond too, erring towards flushed)
    if ((marks & ItemLayout.EXPLICIT_CAS) != 0 ? stored <= flushedAt : b.getLong(off) <= flushedCas) {
      return true;
    }
    long second = flushSecond;
    return second != 0 && now >= second && stored < second + 1000;
  }

  private void countDead(ByteBuffer b, int off, long now) {
    if (flushed(b, off, ItemLayout.marks(b, off), now)) {
      counters.increment(Counter.GET_FLUSHED);
    } else {
      counters.increment(Counter.GET_EXPIRED);
    }
  }

  // ---------------------------------------------------------------- writing

  @Override
  public Item compute(Key key, UnaryOperator<Item> fn) {
    byte[] k = key.bytes();
    long h = hashOf(k);
    Stripe s = index.stripe(h);
    Item next = null;
    boolean decided = false;
    long decidedOn = -1;
    boolean noRoom = false;
    while (true) {
      long now = clock.millis();
      long stamp = s.writeLock();
      try {
        ensureOpen();
        int i = s.find(k, h);
        long loc = i < 0 ? 0 : s.locationAt(i);
        Item live = null;
        if (i >= 0) {
          ByteBuffer b = memory.at(loc);
          int off = KeyIndex.offsetOf(loc);
          if (isLive(b, off, now)) {
            int m = ItemLayout.marks(b, off);
            live = records.read(b, off, false).restored((m & ItemLayout.FETCHED) != 0, records.accessMillis(b, off),
                (m & ItemLayout.TOKEN) != 0, (m & ItemLayout.EXPLICIT_CAS) != 0, storedMarks, h, loc);
          } else {
            countDead(b, off, now);
            unindex(s, i, loc);
            i = -1;
            loc = 0;
          }
        }
        if (!decided || decidedOn != loc) {
          next = fn.apply(live);
          decided = true;
          decidedOn = loc;
        }
        boolean inPlace = live != null && next != null && next != live && sameVersion(live, next);
        if (next == live && live != null || inPlace) {
          next.value(); // read while the lock is held: the caller may want it
        }
        if (live != null) {
          live.detach();
        }
        if (next == null) {
          if (i >= 0) {
            unindex(s, i, loc);
          }
          return null;
        }
        if (next == live) {
          return next;
        }
        byte[] value = next.value();
        int fp = ItemLayout.footprint(k.length, value.length);
        if (fp > segmentSize || fp > limit) {
          return evictedAtOnce(s, i, loc, next); // more than a segment or the whole limit: never kept
        }
        if (inPlace) {
          rewriteInPlace(loc, next);
          return next;
        }
        long at = segments.allocate(lifetimeClass(next.expiresAt(), now), fp);
        if (at >= 0) {
          int seg = KeyIndex.segmentOf(at);
          // the segment counts this writer until the record is indexed and counted: a sweep that saw no writer
          // and no live record in between would recycle it under the new record
          try {
            records.write(memory.at(at), KeyIndex.offsetOf(at), k, next);
            if (i >= 0) {
              s.replace(i, at);
              retire(loc);
            } else {
              s.insert(at, h);
            }
            segments.liveBytes.addAndGet(seg, fp);
            segments.liveItems.incrementAndGet(seg);
            bytes.addAndGet(fp);
            long deadline = next.expiresAt();
            segments.maxDeadline.accumulateAndGet(seg, deadline == 0 ? Long.MAX_VALUE : deadline, Math::max);
            segments.maxStored.accumulateAndGet(seg, now, Math::max);
          } finally {
            segments.writers.decrementAndGet(seg);
          }
          return next.bind(storedMarks, h, at);
        }
        if (noRoom) {
          // no segment could be freed (every one still read by replies going out): as a value larger than a segment
          return evictedAtOnce(s, i, loc, next);
        }
      } finally {
        s.unlockWrite(stamp);
      }
      noRoom = !eviction.makeRoom();
    }
  }

  /** The same version of the same data with, at most, another deadline: touch keeps the record's place. */
  private static boolean sameVersion(Item live, Item next) {
    return live.cas() == next.cas() && next.sharesValueWith(live) && live.flags() == next.flags()
        && live.stale() == next.stale() && live.keyBinary() == next.keyBinary();
  }

  private void rewriteInPlace(long loc, Item next) {
    ByteBuffer b = memory.at(loc);
    int off = KeyIndex.offsetOf(loc);
    records.writeDeadline(b, off, next.expiresAt(), records.storedSecondMillis(b, off));
    if (next.tokenSent()) {
      ItemLayout.setMarks(b, off, ItemLayout.TOKEN);
    }
    long deadline = next.expiresAt();
    segments.maxDeadline.accumulateAndGet(KeyIndex.segmentOf(loc), deadline == 0 ? Long.MAX_VALUE : deadline,
        Math::max);
  }

  @Override
  public boolean remove(Key key) {
    byte[] k = key.bytes();
    long h = hashOf(k);
    Stripe s = index.stripe(h);
    long now = clock.millis();
    long stamp = s.writeLock();
    try {
      ensureOpen();
      int i = s.find(k, h);
      if (i < 0) {
        return false;
      }
      long loc = s.locationAt(i);
      ByteBuffer b = memory.at(loc);
      int off = KeyIndex.offsetOf(loc);
      boolean live = isLive(b, off, now);
      if (!live) {
        countDead(b, off, now);
      }
      unindex(s, i, loc);
      return live;
    } finally {
      s.unlockWrite(stamp);
    }
  }

  /** Takes slot {@code i} (holding {@code loc}) out of the index; its record becomes dead space. */
  /**
   * A write that is not kept: counted as stored and evicted at once, and the key's old value (in slot {@code i}
   * at {@code loc}, when {@code i >= 0}) goes too (stripe write lock held).
   */
  private Item evictedAtOnce(Stripe s, int i, long loc, Item next) {
    if (i >= 0) {
      unindex(s, i, loc);
    }
    eviction.countEviction(next.fetched());
    return next;
  }

  private void unindex(Stripe s, int i, long loc) {
    s.removeAt(i);
    retire(loc);
  }

  /** Accounts the record at {@code loc} as gone. */
  private void retire(long loc) {
    eviction.retire(loc);
  }

  private static int lifetimeClass(long deadline, long now) {
    if (deadline == 0) {
      return 0;
    }
    long left = deadline - now;
    for (int c = 0; c < TTL_BOUNDS.length; c++) {
      if (left <= TTL_BOUNDS[c]) {
        return c + 1;
      }
    }
    return TTL_CLASSES - 1;
  }

  // ---------------------------------------------------------------- expiry

  /**
   * Reclaims segments whose records are all expired or flushed (a bounded batch, see {@link Eviction#sweep});
   * returns the segments freed.
   */
  int sweep() {
    return eviction.sweep();
  }

  /**
   * Reclaims every expired and flushed record now, wherever it is, by walking the index one stripe at a time;
   * for tests and for an operator's explicit request. Returns how many it reclaimed.
   */
  public long crawl() {
    return eviction.crawl();
  }

  /** Runs the crawler now: reclaims every expired and flushed item at once (tests call it). */
  public void cleanUp() {
    crawl();
    sweep();
  }

  /** Starts the background sweeper, every {@code periodMillis}; {@link #close()} stops it. */
  public synchronized void startCrawler(long periodMillis) {
    if (sweeper == null && !closed) {
      sweeper = ExpirySweeper.start(this::sweep, periodMillis);
    }
  }

  // ---------------------------------------------------------------- ItemStore

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
   * that second. Once it holds, the background executor reclaims every flushed item ({@link #cleanUp()}: a walk of
   * the index, one stripe lock at a time), so {@code curr_items} drops soon after, as memcached's crawler makes
   * it drop.
   */
  @Override
  public void flushAll(long deadlineMillis) {
    long now = clock.millis();
    if (deadlineMillis <= now) {
      flushSecond = 0;
      flushNow(now);
      return;
    }
    long second = (Math.floorDiv(deadlineMillis, 1000) - 1) * 1000;
    flushSecond = second;
    if (second <= now) {
      flushNow(now);
    }
  }

  /** Drops everything stored until {@code now} (by CAS, and by time for client-chosen CAS values). */
  private void flushNow(long now) {
    flushedCas = casSequence.get();
    flushedAt = now;
    background.execute(this::cleanUp);
  }

  @Override
  public long itemCount() {
    return index.count();
  }

  @Override
  public long bytesUsed() {
    return bytes.get();
  }

  @Override
  public long memoryLimit() {
    return limit;
  }

  /**
   * Lowering the limit evicts whole segments, oldest first, down to it. The segments are fixed when the store
   * is made, so a limit raised beyond the starting one holds no more than the starting one did.
   */
  @Override
  public void setMemoryLimit(long newLimit) {
    limit = newLimit;
    shrinkToLimit();
  }

  /**
   * Reserves room for a value still arriving, as memcached allocates an item when its header arrives: the bytes
   * count against the limit with the segments (evicting as a write does) until {@link #release}d, and all
   * reservations together stay within {@link #reservationLimit()} (see {@link Reservations}).
   */
  @Override
  public boolean reserve(long n) {
    return reservations.reserve(n);
  }

  @Override
  public void release(long n) {
    reservations.release(n);
  }

  @Override
  public long reservedBytes() {
    return reservations.reserved();
  }

  @Override
  public long reservationLimit() {
    return reservations.limit();
  }

  /** What the segments may hold: the limit less the segments set aside for values still arriving. */
  private long segmentLimit() {
    return limit - reservations.setAside();
  }

  private void shrinkToLimit() {
    eviction.shrinkToLimit();
  }

  @Override
  public Counters counters() {
    return counters;
  }

  /**
   * Stops the sweeper and frees the memory. With a memory file, first saves what a warm restart needs (the
   * index, the segments' metadata and checksums) and writes the file's pages to disk.
   */
  @Override
  public void close() {
    ExpirySweeper sw;
    synchronized (this) {
      if (closed) {
        return;
      }
      sw = sweeper;
      sweeper = null;
    }
    if (sw != null) {
      sw.close();
    }
    boolean unread = segments.awaitUnpinned(CLOSE_WAIT_MILLIS);
    synchronized (eviction.lock) {
      for (int si = 0; si < KeyIndex.STRIPES; si++) {
        index.stripe(si).asWriteLock().lock();
      }
      try {
        synchronized (segments.lock) {
          if (memory.fileBacked()) {
            WarmRestart.save(memory, snapshot());
          }
          closed = true;
          if (unread) {
            memory.close();
          }
          // else a reply still reads from the memory: the collector frees it once the last one lets go
        }
      } finally {
        for (int si = 0; si < KeyIndex.STRIPES; si++) {
          index.stripe(si).asWriteLock().unlock();
        }
      }
    }
  }

  /** Readers of segments now: values being copied into replies or out to the transport. */
  public int pinned() {
    return segments.pinned();
  }

  /** Values out to the transport over the store's memory now. */
  public int handedOff() {
    return segments.handedOff();
  }

  // ---------------------------------------------------------------- warm restart

  /** Everything a warm restart needs besides the segments' bytes (all locks held): see {@link WarmRestart#snapshot}. */
  private WarmRestart.State snapshot() {
    return WarmRestart.snapshot(index, segments, keyHash.multipliers(), records.baseSecond, casSequence.get(),
        flushedCas, flushedAt, flushSecond, limit, bytes.get());
  }

  /** Takes over a saved state: the sequences here, the index and the segments in {@link WarmRestart#restore}. */
  private void restore(WarmRestart.State st) {
    casSequence.set(st.casSequence());
    flushedCas = st.flushedCas();
    flushedAt = st.flushedAt();
    flushSecond = st.flushSecond();
    WarmRestart.restore(st, index, segments);
    bytes.set(st.bytes());
  }

  // ---------------------------------------------------------------- index callbacks and marks

  /** Reads keys and their hashes where the index points. */
  private final class Locations implements KeyIndex.Locations {
    @Override
    public boolean keyAt(long location, byte[] key) {
      return ItemLayout.keyEquals(memory.at(location), KeyIndex.offsetOf(location), key);
    }

    @Override
    public int hashAt(long location) {
      return (int) hashOf(ItemLayout.key(memory.at(location), KeyIndex.offsetOf(location)));
    }
  }

  // ---------------------------------------------------------------- consistency (tests)

  /** Checks the index against the segments' counts; call while nothing else uses the store. Returns {items, bytes}. */
  long[] audit() {
    return StoreAudit.check(index, memory, segments, segmentCount, bytes.get(), this::hashOf);
  }
}
