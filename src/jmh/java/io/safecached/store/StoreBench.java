package io.safecached.store;

import io.safecached.store.stats.Counters;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH: get and set on the store with 100-byte values, 100,000 keys all resident (64 MB limit), on the off-heap
 * store and, as the baseline, the on-heap segmented LRU it replaced (kept here, outside the product, for this
 * comparison only). Threads: {@code -t 1}, {@code -t 2}, {@code -t 4} on the JMH command line (default 2).
 * {@code -p keyCount=1000,100000} shows how much of a get is waiting on memory rather than computing, and
 * {@code -p overwrites=10} (each key written ten times more, in random order, under a limit ten times larger) how
 * much the log's spreading of live records over more segments adds.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Threads(2)
public class StoreBench {
  /** Keys, all resident. */
  @Param("100000")
  public int keyCount;

  /** Value size in bytes. */
  @Param("100")
  public int valueSize;

  /** Which store: {@code offheap} (the product's) or {@code onheap} (the segmented LRU it replaced). */
  @Param({"offheap", "onheap"})
  public String kind;

  /** Overwrites of every key before measuring: 0 leaves the records packed, more spreads them over more segments. */
  @Param("0")
  public int overwrites;

  private ItemStore store;
  private Key[] keys;
  private byte[] value;

  /** Fills the store with every key. */
  @Setup(Level.Trial)
  public void setUp() {
    long limit = (64L << 20) * (1 + overwrites);
    store = kind.equals("onheap") ? new SegmentedLruStore(limit, new Counters())
        : new OffHeapStore(limit, new Counters());
    value = new byte[valueSize];
    keys = new Key[keyCount];
    for (int i = 0; i < keyCount; i++) {
      keys[i] = Key.of("key:" + i);
      set(keys[i]);
    }
    for (int r = 0; r < overwrites; r++) {
      for (int i = 0; i < keyCount; i++) {
        set(keys[ThreadLocalRandom.current().nextInt(keyCount)]);
      }
    }
    if (store.itemCount() != keyCount) {
      throw new IllegalStateException("store holds " + store.itemCount() + " of " + keyCount + " items");
    }
  }

  private Item set(Key key) {
    long now = store.now();
    Item item = new Item(value, 0, store.nextCas(), 0, now);
    return store.compute(key, old -> item);
  }

  private int next() {
    return ThreadLocalRandom.current().nextInt(keyCount);
  }

  /** A get that hits, as a reply makes it: fetched, marked read, its value held and then let go of. */
  @Benchmark
  public int get() {
    return fetch(keys[next()]);
  }

  private int fetch(Key key) {
    Item item = store.fetch(key, true);
    int length = item.valueLength();
    item.release();
    return length;
  }

  /** A set (replace) of a resident key, as the command layer does it: one compute. */
  @Benchmark
  public Item set() {
    return set(keys[next()]);
  }

  /** 90% gets, 10% sets. */
  @Benchmark
  public int mixed90to10() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    Key key = keys[r.nextInt(keyCount)];
    return r.nextInt(10) == 0 ? set(key).flags() : fetch(key);
  }
}
