package io.safecached.store;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The room {@link OffHeapStore} keeps for values still arriving, as memcached allocates an item when its header
 * arrives: reservations count against the limit in whole segments set aside with hysteresis, so a value that
 * comes and goes does not evict a segment each time, and all of them together stay within
 * {@link #limit()}.
 */
final class Reservations {
  /** Values still arriving may reserve at most 1/this of the limit... */
  static final int SHARE = 2;
  /** ...and at most this plus 1/16 of the limit: they wait on the heap, which should not grow with -m. */
  static final long BASE = 64L << 20;

  private final int segmentSize;
  private final LongSupplier storeLimit;
  /** Runs when the segments set aside grew: evicts until the segments in use fit beside them. */
  private final Runnable shrinkToLimit;
  private final AtomicLong reserved = new AtomicLong();
  /**
   * Whole segments set aside for {@link #reserved}: raised at once when the reservations outgrow it, lowered only
   * when they are a full segment below it, so values arriving and leaving do not evict a segment each time.
   */
  private volatile long setAside;

  Reservations(int segmentSize, LongSupplier storeLimit, Runnable shrinkToLimit) {
    this.segmentSize = segmentSize;
    this.storeLimit = storeLimit;
    this.shrinkToLimit = shrinkToLimit;
  }

  /** Reserves {@code n} bytes; false, with nothing reserved, when that would pass {@link #limit()}. */
  boolean reserve(long n) {
    long r = reserved.addAndGet(n);
    if (r > limit()) {
      reserved.addAndGet(-n);
      return false;
    }
    if (growSetAside()) {
      shrinkToLimit.run();
    }
    return true;
  }

  /** Gives back {@code n} bytes of earlier reservations. */
  void release(long n) {
    if (reserved.addAndGet(-n) <= setAside - 2L * segmentSize) {
      shrinkSetAside();
    }
  }

  /** Bytes reserved now. */
  long reserved() {
    return reserved.get();
  }

  /** Bytes of whole segments set aside for the reservations: the segments may use the limit less these. */
  long setAside() {
    return setAside;
  }

  /**
   * Half the store's limit (memcached's own rule for the item size, {@code -I} at most half of {@code -m}, fits
   * one), but no more than 64 MB and a sixteenth of the limit: values still arriving wait on the heap until they
   * are stored, and the heap stays small when {@code -m} is large (-m 1024: 128 MB).
   */
  long limit() {
    long l = storeLimit.getAsLong();
    return Math.min(l / SHARE, BASE + l / 16);
  }

  /** Raises {@link #setAside} to the whole segments the reservations need; true when it grew. */
  private synchronized boolean growSetAside() {
    long need = segmentsFor(reserved.get());
    if (need > setAside) {
      setAside = need;
      return true;
    }
    return false;
  }

  /**
   * Lowers {@link #setAside} to one segment above the reservations once they are more than a segment below it
   * (hysteresis: a value arriving as another completes must not cost a segment of items).
   */
  private synchronized void shrinkSetAside() {
    long r = reserved.get();
    if (r <= setAside - 2L * segmentSize) {
      setAside = segmentsFor(r) + segmentSize;
    }
  }

  /** {@code bytes} rounded up to whole segments. */
  private long segmentsFor(long bytes) {
    return (bytes + segmentSize - 1) / segmentSize * segmentSize;
  }
}
