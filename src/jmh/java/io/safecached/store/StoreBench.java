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
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Threads(2)
public class StoreBench {
  private static final int KEYS = 100_000;

  /** Value size in bytes. */
  @Param("100")
  public int valueSize;

  /** Which store: {@code offheap} (the product's) or {@code onheap} (the segmented LRU it replaced). */
  @Param({"offheap", "onheap"})
  public String kind;

  private ItemStore store;
  private Key[] keys;
  private byte[] value;

  /** Fills the store with every key. */
  @Setup(Level.Trial)
  public void setUp() {
    store = kind.equals("onheap") ? new SegmentedLruStore(64L << 20, new Counters())
        : new OffHeapStore(64L << 20, new Counters());
    value = new byte[valueSize];
    keys = new Key[KEYS];
    for (int i = 0; i < KEYS; i++) {
      keys[i] = Key.of("key:" + i);
      set(keys[i]);
    }
    if (store.itemCount() != KEYS) {
      throw new IllegalStateException("store holds " + store.itemCount() + " of " + KEYS + " items");
    }
  }

  private Item set(Key key) {
    long now = store.now();
    Item item = new Item(value, 0, store.nextCas(), 0, now);
    return store.compute(key, old -> item);
  }

  private static int next() {
    return ThreadLocalRandom.current().nextInt(KEYS);
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
    Key key = keys[r.nextInt(KEYS)];
    return r.nextInt(10) == 0 ? set(key).flags() : fetch(key);
  }
}
