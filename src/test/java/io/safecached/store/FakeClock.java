package io.safecached.store;

import java.util.concurrent.TimeUnit;

/** A {@link Clock} that stands still until a test sets or advances it. */
public final class FakeClock implements Clock {
  /** 2023-11-14T22:13:20Z: a realistic start, far beyond memcached's 30-day relative exptime window. */
  public static final long START = 1_700_000_000_000L;

  private volatile long millis;

  /** A clock at {@link #START}. */
  public FakeClock() {
    this(START);
  }

  /** A clock at the given epoch milliseconds. */
  public FakeClock(long millis) {
    this.millis = millis;
  }

  @Override
  public long millis() {
    return millis;
  }

  /** Moves the clock to {@code epochMillis}. */
  public void set(long epochMillis) {
    millis = epochMillis;
  }

  /** Moves the clock forward by {@code amount} of {@code unit}. */
  public void advance(long amount, TimeUnit unit) {
    millis += unit.toMillis(amount);
  }

  /** Moves the clock forward by {@code ms} milliseconds. */
  public void advanceMillis(long ms) {
    millis += ms;
  }

  /** The current time in whole Unix seconds. */
  public long unixSeconds() {
    return millis / 1000;
  }
}
