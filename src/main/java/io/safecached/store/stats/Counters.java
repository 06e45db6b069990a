package io.safecached.store.stats;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** The server's statistics counters: contention-free adders, read together as a snapshot. */
public final class Counters {
  private final LongAdder[] adders = new LongAdder[Counter.values().length];

  public Counters() {
    for (int i = 0; i < adders.length; i++) {
      adders[i] = new LongAdder();
    }
  }

  /** Adds one. */
  public void increment(Counter c) {
    adders[c.ordinal()].increment();
  }

  /** Adds {@code n}. */
  public void add(Counter c, long n) {
    adders[c.ordinal()].add(n);
  }

  /** The current value of one counter. */
  public long get(Counter c) {
    return adders[c.ordinal()].sum();
  }

  /** Every counter's current value, in reporting order. */
  public Map<Counter, Long> snapshot() {
    Map<Counter, Long> m = new EnumMap<>(Counter.class);
    for (Counter c : Counter.values()) {
      m.put(c, adders[c.ordinal()].sum());
    }
    return m;
  }

  /** {@code stats reset}: clears every counter (connection gauges live elsewhere and are kept). */
  public void reset() {
    for (LongAdder a : adders) {
      a.reset();
    }
  }
}
