package io.safecached.store;

import io.safecached.store.Segment.Node;
import io.safecached.store.stats.Counter;
import io.safecached.store.stats.Counters;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;

/**
 * The on-heap store safecached had before {@link OffHeapStore}, kept only as the JMH baseline ({@code StoreBench}):
 * {@link ItemStore} with memcached 1.6's segmented LRU (HOT, WARM, COLD), striped over hash segments.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li><b>Segments.</b> A key's hash picks one of a power-of-two number of segments (64, fewer for small
 *       limits so that each holds at least {@link #MIN_SEGMENT_SHARE} of the limit). Each segment has its own
 *       lock, its own chained hash table (doubled at a load of 3/4, never shrunk) and three doubly linked lists
 *       ({@link Segment}). A node holds the key bytes, their hash, the current {@link Item}, the chain link, the
 *       list links, which list it is on and an {@code active} bit. Lookups take the segment lock and allocate
 *       nothing. No thread ever holds two segment locks.</li>
 *   <li><b>Hash.</b> Keys are hashed with a multilinear hash whose random multipliers are drawn per store
 *       ({@link KeyHash}), so a client cannot choose keys that collide, as it could with
 *       {@code Arrays.hashCode} ("Aa" and "BB"), and chains stay short.</li>
 *   <li><b>LRU.</b> As in memcached (doc/new_lru.txt): new and replaced items go to the head of HOT. A lookup
 *       never moves an item; a hit on an item that was read before sets its {@code active} bit (memcached:
 *       the second hit makes an item active, one more keeps it so). On every write the segment is balanced:
 *       while HOT holds more than {@value #HOT_PERCENT}% of the segment's bytes its tail goes to WARM if active
 *       (bit cleared), else to COLD; while WARM holds more than {@value #WARM_PERCENT}% its tail goes back to
 *       WARM's head if active (bit cleared), else to COLD. The percentages are of what the segment holds, as
 *       memcached's are of what a slab class holds.</li>
 *   <li><b>Eviction.</b> While the store's bytes exceed the limit, one segment gives up COLD's tail: an
 *       expired or flushed item is reclaimed ({@code reclaimed}, {@code expired_unfetched}); an active one
 *       moves to WARM with its bit cleared (at most {@value #ACTIVE_RESCUES} per eviction, like memcached's
 *       5 tries); anything else is evicted ({@code evictions}, {@code evicted_unfetched}). With COLD empty
 *       WARM's tail goes, then HOT's. The segment is the one whose first victim was stored longest ago
 *       ({@link Item#storedAt()}): each segment publishes that time in a shared array of one {@code long} per
 *       segment whenever one of its tails changes, and an eviction scans the array without locks (ties go to
 *       the writing segment, then to the ones after it), then locks the segment it picked and evicts whatever
 *       is at its tail by then. So eviction follows one store-wide LRU instead of 64 separate ones, in which a
 *       key at the capacity edge lives or dies by how many writes its segment happened to get. When the
 *       segment picked has nothing left but the item just written, the segments give up items in turn, so one
 *       big item can always be stored. Bytes are counted store-wide, so {@link #bytesUsed()} is at or below
 *       {@link #memoryLimit()} when a write returns.</li>
 *   <li><b>Memory.</b> An item weighs its key and value bytes plus {@link #PER_ITEM_OVERHEAD}, the layout
 *       on a 64-bit JVM with compressed oops (12-byte headers, 8-byte alignment): the node 40 B (header 12,
 *       five references 20, hash 4, list and active bit 2, padding 2), the {@link Item} 64 B (header 12, four
 *       longs 32, two ints 8, one reference 4, three booleans 3, padding 5), the key's and the value's array
 *       headers 16 B each, on average 4 B of padding to 8 bytes for each array, and on average 8 B of hash
 *       table (4-byte slots, 4/3 to 8/3 of them per item). That is 40 + 64 + 32 + 8 + 8 = 152. JOL's walk of
 *       stores of 100,000 to 200,000 items with 9- to 11-byte keys and 100-byte values gives 153 to 157 B
 *       (those sizes pad more than the average).</li>
 *   <li><b>Values in flight.</b> A value that a client is still sending is reserved here when its header
 *       arrives ({@link #reserve}), as memcached allocates the item then: reserved bytes count against the limit
 *       with the items, so a reservation evicts like a write, and all reservations together stay within
 *       1/{@value #RESERVATION_SHARE} of the limit, so that clients that stall cannot evict more than that. The
 *       decoders give a reservation back when the value is complete (the item then weighs in instead) or its
 *       connection ends.</li>
 *   <li><b>Expiry and flush.</b> Deadlines use memcached's rules ({@link Expiry}); every lookup checks them,
 *       so a dead item is never returned, and a lookup that finds one removes it and counts
 *       {@code get_expired} or {@code get_flushed}. As in memcached, {@code flush_all} is O(1): an immediate
 *       flush records the highest CAS handed out and every item at or below it is dead (an item whose CAS the client
 *       chose with meta {@code E} is dead when it was stored by the flush's millisecond instead: such a CAS
 *       orders nothing, and later memcached flushes by time, not CAS); a delayed flush
 *       records the second in which it takes hold (memcached's clock ticks whole seconds: the second before
 *       the deadline's) and every item stored before that second ends is dead from then on. Dead items are
 *       reclaimed at the COLD tail, by {@link #crawl()} (memcached's LRU crawler: one segment lock at a time,
 *       at most {@value #CRAWL_BATCH} nodes per lock hold), which a daemon thread runs in steps
 *       ({@link #startCrawler}), and by a full crawl after each flush on the background executor.</li>
 *   <li><b>Time</b> comes from the injected {@link Clock}; eviction and balancing run on the writing thread,
 *       so tests are deterministic.</li>
 * </ul>
 */
public final class SegmentedLruStore implements ItemStore, AutoCloseable {
  /** Bytes of Java object overhead counted for every item besides its key and value (see the class notes). */
  public static final int PER_ITEM_OVERHEAD = 152;

  /** The most segments a store has. */
  static final int MAX_SEGMENTS = 64;
  /** The least share of the limit per segment when the store picks its segment count. */
  static final long MIN_SEGMENT_SHARE = 1L << 20;
  static final int HOT_PERCENT = 20;
  static final int WARM_PERCENT = 40;
  /** Active items a single eviction may move from COLD to WARM before it evicts regardless. */
  static final int ACTIVE_RESCUES = 5;
  /** Items a single write may move between lists while balancing, per list. */
  static final int MAX_MOVES = 32;
  /** Nodes the crawler looks at per lock hold. */
  static final int CRAWL_BATCH = 512;
  /** Nodes the crawler thread looks at per step. */
  static final int CRAWL_STEP = 256 * 1024;
  /** Values still arriving may reserve at most 1/this of the limit. */
  static final int RESERVATION_SHARE = 2;

  private static final byte HOT = Segment.HOT;
  private static final byte WARM = Segment.WARM;
  private static final byte COLD = Segment.COLD;

  private final Segment[] segments;
  /** Per segment, when its next victim was stored (epoch ms), {@link Long#MAX_VALUE} if empty; see {@link Segment}. */
  private final long[] victimAges;
  private final int segmentMask;
  private final KeyHash keyHash = new KeyHash();
  private final Clock clock;
  private final Counters counters;
  private final Executor background;
  private final AtomicLong casSequence = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong items = new AtomicLong();
  /** Bytes reserved for values still arriving ({@link #reserve}); counted against the limit with the items. */
  private final AtomicLong reserved = new AtomicLong();
  private volatile long limit;
  /** Items with a CAS at or below this were flushed. */
  private volatile long flushedCas;
  /** When the last immediate flush ran (epoch ms); items with a client-given CAS stored until then were flushed. */
  private volatile long flushedAt = Long.MIN_VALUE;
  /** Epoch ms of the start of the second in which a delayed flush takes (or took) hold; 0 = none. */
  private volatile long flushSecond;
  /** Where the crawler thread's next step starts: segment, bucket. */
  private int crawlSegment;
  private int crawlBucket;
  private volatile Thread crawler;

  /** A store with the given memory limit, clock and counters; full crawls after a flush run on {@code background}. */
  public SegmentedLruStore(long memoryLimitBytes, Clock clock, Counters counters, Executor background) {
    this(memoryLimitBytes, clock, counters, background, segmentsFor(memoryLimitBytes));
  }

  /** A store with an explicit number of segments (a power of two), for tests. */
  SegmentedLruStore(long memoryLimitBytes, Clock clock, Counters counters, Executor background, int segmentCount) {
    if (segmentCount < 1 || segmentCount > MAX_SEGMENTS || Integer.bitCount(segmentCount) != 1) {
      throw new IllegalArgumentException("segments must be a power of two up to " + MAX_SEGMENTS);
    }
    this.limit = memoryLimitBytes;
    this.clock = clock;
    this.counters = counters;
    this.background = background;
    this.segments = new Segment[segmentCount];
    this.victimAges = new long[segmentCount];
    for (int i = 0; i < segmentCount; i++) {
      segments[i] = new Segment(victimAges, i);
    }
    this.segmentMask = segmentCount - 1;
  }

  /** A store on the system clock; full crawls after a flush run in the common pool. */
  public SegmentedLruStore(long memoryLimitBytes, Counters counters) {
    this(memoryLimitBytes, Clock.SYSTEM, counters, ForkJoinPool.commonPool());
  }

  private static int segmentsFor(long limit) {
    long n = Math.max(1, Math.min(MAX_SEGMENTS, limit / MIN_SEGMENT_SHARE));
    return Integer.highestOneBit((int) n);
  }

  /** The weight of one item: key and value bytes plus {@link #PER_ITEM_OVERHEAD}. */
  public static int weight(Key key, Item item) {
    return weight(key.length(), item);
  }

  static int weight(int keyLength, Item item) {
    long w = (long) keyLength + item.value().length + PER_ITEM_OVERHEAD;
    return (int) Math.min(Integer.MAX_VALUE, w);
  }

  // ---------------------------------------------------------------- ItemStore

  /** A get that marks the item read; the value is on the heap, so there is nothing to hold. */
  @Override
  public Item fetch(Key key, boolean mark) {
    Item item = get(key);
    if (item != null && mark) {
      item.markFetched(now());
    }
    return item;
  }

  @Override
  public Item get(Key key) {
    byte[] k = key.bytes();
    int h = hash(k);
    Segment s = segmentFor(h);
    long now = clock.millis();
    synchronized (s) {
      Node n = s.find(k, h);
      if (n == null) {
        return null;
      }
      Item item = n.item;
      if (isLive(item, now)) {
        if (!n.active && item.fetched()) {
          n.active = true;
        }
        return item;
      }
      unlink(s, n);
      countDead(item, now);
      return null;
    }
  }

  @Override
  public Item compute(Key key, UnaryOperator<Item> fn) {
    byte[] k = key.bytes();
    int h = hash(k);
    Segment s = segmentFor(h);
    long now = clock.millis();
    Item next;
    Node written;
    synchronized (s) {
      Node n = s.find(k, h);
      Item live = null;
      if (n != null) {
        live = n.item;
        if (!isLive(live, now)) {
          countDead(live, now);
          live = null;
        }
      }
      next = fn.apply(live);
      if (next == null) {
        if (n != null) {
          unlink(s, n);
        }
        return null;
      }
      if (n != null && next == live) {
        return next;
      }
      int w = weight(k.length, next);
      if (w > limit) {
        // more than the whole limit: never kept, counted as stored and evicted at once
        if (n != null) {
          unlink(s, n);
        }
        countEviction(next);
        return next;
      }
      if (n == null) {
        n = new Node(k, h, next);
        s.insert(n);
        s.link(n, HOT);
        bytes.addAndGet(w);
        items.incrementAndGet();
      } else {
        int old = weight(k.length, n.item);
        boolean sameVersion = live != null && live.cas() == next.cas();
        n.item = next;
        s.listBytes[n.list] += w - old;
        bytes.addAndGet(w - old);
        if (!sameVersion) {
          // a new version is a new item for the LRU; touch keeps its place
          n.active = false;
          s.moveTo(n, HOT);
        } else {
          s.replacedInPlace(n);
        }
      }
      written = n;
      balance(s);
    }
    if (overLimit()) {
      evict(indexOf(h), written, now);
    }
    return next;
  }

  @Override
  public boolean remove(Key key) {
    byte[] k = key.bytes();
    int h = hash(k);
    Segment s = segmentFor(h);
    long now = clock.millis();
    synchronized (s) {
      Node n = s.find(k, h);
      if (n == null) {
        return false;
      }
      boolean live = isLive(n.item, now);
      if (!live) {
        countDead(n.item, now);
      }
      unlink(s, n);
      return live;
    }
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
      flushedAt = now;
      flushSecond = 0;
      background.execute(this::purgeDead);
      return;
    }
    long second = (Math.floorDiv(deadlineMillis, 1000) - 1) * 1000;
    flushSecond = second;
    if (second <= now) {
      flushedCas = casSequence.get();
      flushedAt = now;
      background.execute(this::purgeDead);
    }
  }

  @Override
  public long itemCount() {
    return items.get();
  }

  @Override
  public long bytesUsed() {
    return bytes.get();
  }

  @Override
  public long memoryLimit() {
    return limit;
  }

  /** Lowering the limit evicts down to it at once, oldest first as on a write. */
  @Override
  public void setMemoryLimit(long newLimit) {
    limit = newLimit;
    if (overLimit()) {
      evict(0, null, clock.millis());
    }
  }

  /**
   * Reserves room for a value still arriving, as memcached allocates an item when its header arrives: the bytes
   * count against the limit with the items (evicting as a write does) until {@link #release}d, and all
   * reservations together stay within {@link #reservationLimit()}.
   */
  @Override
  public boolean reserve(long n) {
    if (reserved.addAndGet(n) > reservationLimit()) {
      reserved.addAndGet(-n);
      return false;
    }
    if (overLimit()) {
      evict(0, null, clock.millis());
    }
    return true;
  }

  @Override
  public void release(long n) {
    reserved.addAndGet(-n);
  }

  @Override
  public long reservedBytes() {
    return reserved.get();
  }

  /** Half the limit: memcached's own rule for the item size ({@code -I} at most half of {@code -m}) fits one. */
  @Override
  public long reservationLimit() {
    return limit / RESERVATION_SHARE;
  }

  /** True while items and reservations together take more than the limit. */
  private boolean overLimit() {
    return bytes.get() + reserved.get() > limit;
  }

  @Override
  public Counters counters() {
    return counters;
  }

  // ---------------------------------------------------------------- crawler

  /**
   * memcached's LRU crawler: walks every segment, one lock hold per {@value #CRAWL_BATCH} nodes, and reclaims
   * expired and flushed items ({@code reclaimed}, and {@code expired_unfetched} for those never read).
   * Returns how many it reclaimed.
   */
  public long crawl() {
    long now = clock.millis();
    long reclaimed = 0;
    for (Segment s : segments) {
      int bucket = 0;
      while (bucket >= 0) {
        long[] found = new long[1];
        bucket = crawlBatch(s, bucket, CRAWL_BATCH, now, found);
        reclaimed += found[0];
      }
    }
    return reclaimed;
  }

  /** Removes every dead item now; run in the background after {@code flush_all}. The same walk as {@link #crawl}. */
  public void purgeDead() {
    crawl();
  }

  /** Runs the crawler now: reclaims every expired and flushed item at once (tests call it). */
  public void cleanUp() {
    crawl();
  }

  /**
   * One step of the crawler thread: looks at up to {@code maxNodes} nodes from where the last step stopped,
   * wrapping around the segments. Returns how many items it reclaimed.
   */
  long crawlStep(int maxNodes) {
    long now = clock.millis();
    long reclaimed = 0;
    int budget = maxNodes;
    int seg;
    int bucket;
    synchronized (this) {
      seg = crawlSegment;
      bucket = crawlBucket;
    }
    int segmentsSeen = 0;
    while (budget > 0 && segmentsSeen <= segments.length) {
      long[] found = new long[2];
      int batch = Math.min(budget, CRAWL_BATCH);
      int nextBucket = crawlBatch(segments[seg], bucket, batch, now, found);
      reclaimed += found[0];
      budget -= (int) Math.max(1, found[1]);
      if (nextBucket < 0) {
        seg = (seg + 1) & segmentMask;
        bucket = 0;
        segmentsSeen++;
      } else {
        bucket = nextBucket;
      }
    }
    synchronized (this) {
      crawlSegment = seg;
      crawlBucket = bucket;
    }
    return reclaimed;
  }

  /**
   * Walks the buckets of {@code s} from {@code bucket} under one lock hold until {@code maxNodes} nodes were
   * seen; reclaims dead ones. {@code found[0]} gets the reclaimed count, {@code found[1]} (if present) the nodes
   * seen. Returns the next bucket, or -1 at the end of the table.
   */
  private int crawlBatch(Segment s, int bucket, int maxNodes, long now, long[] found) {
    int seen = 0;
    synchronized (s) {
      Node[] table = s.table;
      int b = bucket;
      while (b < table.length && seen < maxNodes) {
        Node n = table[b];
        while (n != null) {
          Node chain = n.chain;
          seen++;
          if (!isLive(n.item, now)) {
            reclaim(s, n);
            found[0]++;
          }
          n = chain;
        }
        b++;
      }
      if (found.length > 1) {
        found[1] = seen;
      }
      return b < table.length ? b : -1;
    }
  }

  /**
   * Starts a daemon thread that runs a crawler step of {@value #CRAWL_STEP} nodes every {@code periodMillis};
   * {@link #close()} stops it.
   */
  public synchronized void startCrawler(long periodMillis) {
    if (crawler != null) {
      return;
    }
    Thread t = new Thread(() -> {
      long period = TimeUnit.MILLISECONDS.toNanos(periodMillis);
      while (crawler == Thread.currentThread()) {
        LockSupport.parkNanos(this, period);
        if (crawler != Thread.currentThread()) {
          break;
        }
        crawlStep(CRAWL_STEP);
      }
    }, "safecached-crawler");
    t.setDaemon(true);
    crawler = t;
    t.start();
  }

  /** Stops the crawler thread, if any, and waits up to a second for it. */
  @Override
  public void close() {
    Thread t;
    synchronized (this) {
      t = crawler;
      crawler = null;
    }
    if (t != null) {
      LockSupport.unpark(t);
      try {
        t.join(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The crawler thread, or null when none runs; for tests. */
  Thread crawlerThread() {
    return crawler;
  }

  // ---------------------------------------------------------------- liveness and counting

  private boolean isLive(Item item, long now) {
    return !item.expiredAt(now) && !flushed(item, now);
  }

  private boolean flushed(Item item, long now) {
    // a CAS the client chose (meta E) can be above the sequence or below it, so it orders nothing: such an item
    // is flushed when it was stored by the time of the flush (in the same millisecond too, erring towards flushed)
    if (item.explicitCas() ? item.storedAt() <= flushedAt : item.cas() <= flushedCas) {
      return true;
    }
    long second = flushSecond;
    return second != 0 && now >= second && item.storedAt() < second + 1000;
  }

  private void countDead(Item item, long now) {
    if (flushed(item, now)) {
      counters.increment(Counter.GET_FLUSHED);
    } else {
      // like memcached's do_item_get: expired_unfetched counts only items reclaimed without a lookup
      counters.increment(Counter.GET_EXPIRED);
    }
  }

  private void countEviction(Item item) {
    counters.increment(Counter.EVICTIONS);
    if (!item.fetched()) {
      counters.increment(Counter.EVICTED_UNFETCHED);
    }
  }

  /** Removes a dead item found by the crawler or at a tail, counted as memcached counts it. */
  private void reclaim(Segment s, Node n) {
    Item item = n.item;
    unlink(s, n);
    counters.increment(Counter.RECLAIMED);
    if (!item.fetched()) {
      counters.increment(Counter.EXPIRED_UNFETCHED);
    }
  }

  // ---------------------------------------------------------------- LRU

  /** Moves tails out of HOT and WARM while they hold more than their share of the segment. */
  private static void balance(Segment s) {
    long total = s.bytes();
    long hotMax = total * HOT_PERCENT / 100;
    for (int moves = 0; moves < MAX_MOVES && s.listBytes[HOT] > hotMax; moves++) {
      Node n = s.tails[HOT];
      if (n.active) {
        n.active = false;
        s.moveTo(n, WARM);
      } else {
        s.moveTo(n, COLD);
      }
    }
    long warmMax = total * WARM_PERCENT / 100;
    for (int moves = 0; moves < MAX_MOVES && s.listBytes[WARM] > warmMax; moves++) {
      Node n = s.tails[WARM];
      if (n.active) {
        n.active = false;
        s.moveTo(n, WARM);
      } else {
        s.moveTo(n, COLD);
      }
    }
  }

  /**
   * Frees one item of {@code s} other than {@code keep}: COLD's tail first (rescuing a few active items to
   * WARM), then WARM's, then HOT's. Returns false when {@code s} has nothing else.
   */
  private boolean evictOne(Segment s, Node keep, long now) {
    int rescues = 0;
    while (true) {
      Node n = s.tailOf(COLD, keep);
      if (n != null && n.active && rescues < ACTIVE_RESCUES && isLive(n.item, now)) {
        n.active = false;
        s.moveTo(n, WARM);
        rescues++;
        continue;
      }
      if (n == null) {
        n = s.tailOf(WARM, keep);
      }
      if (n == null) {
        n = s.tailOf(HOT, keep);
      }
      if (n == null) {
        return false;
      }
      if (!isLive(n.item, now)) {
        reclaim(s, n);
      } else {
        Item item = n.item;
        unlink(s, n);
        countEviction(item);
      }
      return true;
    }
  }

  /**
   * Frees bytes until the store is within its limit, each time from the segment whose next victim is oldest.
   * Never holds two segment locks: the ages are read without locks, then the segment picked is locked and gives
   * up what is at its tail by then.
   */
  private void evict(int home, Node keep, long now) {
    int misses = 0;
    while (overLimit()) {
      int pick = oldestVictim(home);
      Segment victim = segments[pick];
      synchronized (victim) {
        if (!overLimit()) {
          return;
        }
        if (evictOne(victim, keep, now)) {
          continue;
        }
      }
      // the segment had nothing but keep, or another thread emptied it after we read its age (it now reads as
      // empty): pick again, but after as many misses as segments take every segment in turn
      if (pick == home || ++misses >= segments.length) {
        evictRoundRobin(home + 1, keep, now);
        return;
      }
    }
  }

  /** The segment whose next victim was stored longest ago; {@code home} and then the ones after it win ties. */
  private int oldestVictim(int home) {
    int best = home;
    long bestAge = Segment.victimAge(victimAges, home);
    for (int i = 1; i < victimAges.length; i++) {
      int j = (home + i) & segmentMask;
      long age = Segment.victimAge(victimAges, j);
      if (age < bestAge) {
        best = j;
        bestAge = age;
      }
    }
    return best;
  }

  /**
   * Evicts one item per segment in turn, starting at {@code first}, until under the limit or nothing is left
   * but {@code keep}.
   */
  private void evictRoundRobin(int first, Node keep, long now) {
    boolean progress = true;
    while (progress && overLimit()) {
      progress = false;
      for (int i = 0; i < segments.length; i++) {
        Segment s = segments[(first + i) & segmentMask];
        synchronized (s) {
          if (!overLimit()) {
            return;
          }
          progress |= evictOne(s, keep, now);
        }
      }
    }
  }

  /** Removes {@code n} from its segment entirely. */
  private void unlink(Segment s, Node n) {
    s.unlinkList(n);
    s.delete(n);
    bytes.addAndGet(-n.weight());
    items.decrementAndGet();
  }

  // ---------------------------------------------------------------- hashing

  private int hash(byte[] k) {
    return keyHash.hash(k);
  }

  private int indexOf(int hash) {
    return (hash >>> 24) & segmentMask;
  }

  private Segment segmentFor(int hash) {
    return segments[indexOf(hash)];
  }

  // ---------------------------------------------------------------- consistency (tests)

  /**
   * Checks every segment's table against its lists and the store's totals, one segment lock at a time; call
   * it while nothing else uses the store. Returns {items, bytes} reachable through the tables.
   */
  long[] audit() {
    long count = 0;
    long weight = 0;
    for (Segment s : segments) {
      synchronized (s) {
        long[] found = s.audit();
        count += found[0];
        weight += found[1];
      }
    }
    if (count != items.get() || weight != bytes.get()) {
      throw new IllegalStateException("store totals disagree: " + count + " items, " + weight + " bytes reachable; "
          + items.get() + " items, " + bytes.get() + " bytes counted");
    }
    return new long[] {count, weight};
  }

  /** The list {@code key} is on (HOT, WARM, COLD) and its active bit, or null when absent; for tests. */
  String placeOf(Key key) {
    byte[] k = key.bytes();
    int h = hash(k);
    Segment s = segmentFor(h);
    synchronized (s) {
      Node n = s.find(k, h);
      if (n == null) {
        return null;
      }
      return new String[] {"HOT", "WARM", "COLD"}[n.list] + (n.active ? "+active" : "");
    }
  }
}
