package io.safecached.audit;

import java.util.function.LongSupplier;

/**
 * Spaces events evenly at a given rate without blocking: {@link #reserve()} books the next free slot and returns
 * how long the caller must wait before using it. The time source is injected so tests need no sleeping.
 */
public final class RateLimiter {
  private final long intervalNanos;
  private final LongSupplier nanoTime;
  private long next;
  private boolean started;

  /** A limiter for {@code perSecond} events per second reading time from {@code nanoTime}. */
  public RateLimiter(double perSecond, LongSupplier nanoTime) {
    if (!(perSecond > 0)) {
      throw new IllegalArgumentException("rate must be positive");
    }
    this.intervalNanos = Math.max(1, (long) (1_000_000_000L / perSecond));
    this.nanoTime = nanoTime;
  }

  /** Books one event; returns the nanoseconds to wait before it may happen (0 when it may happen now). */
  public synchronized long reserve() {
    long now = nanoTime.getAsLong();
    if (!started || now - next > 0) {
      started = true;
      next = now;
    }
    long slot = next;
    next = slot + intervalNanos;
    return Math.max(0, slot - now);
  }
}
