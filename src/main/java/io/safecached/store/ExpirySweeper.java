package io.safecached.store;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntSupplier;

/**
 * The store's background reclaimer (memcached's LRU crawler, Segcache's expiration): a daemon thread that runs
 * one sweep step every period, each step freeing whole segments whose records are all expired, flushed or
 * gone, so expiry costs nothing per item that is still alive.
 */
final class ExpirySweeper implements AutoCloseable {
  private final Thread thread;
  private volatile boolean running = true;

  private ExpirySweeper(IntSupplier step, long periodMillis) {
    long period = TimeUnit.MILLISECONDS.toNanos(periodMillis);
    thread = new Thread(() -> {
      while (running) {
        LockSupport.parkNanos(this, period);
        if (running) {
          step.getAsInt();
        }
      }
    }, "safecached-sweeper");
    thread.setDaemon(true);
  }

  /** Starts a sweeper that calls {@code step} every {@code periodMillis}. */
  static ExpirySweeper start(IntSupplier step, long periodMillis) {
    ExpirySweeper s = new ExpirySweeper(step, periodMillis);
    s.thread.start();
    return s;
  }

  /** Stops the thread and waits up to a second for it. */
  @Override
  public void close() {
    running = false;
    LockSupport.unpark(thread);
    try {
      thread.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
