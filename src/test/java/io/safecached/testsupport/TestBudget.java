package io.safecached.testsupport;

import io.safecached.protocol.ValueBudget;
import java.util.concurrent.atomic.AtomicLong;

/** A {@link ValueBudget} with a fixed cap that tests can read: what is reserved now, and how often it refused. */
public final class TestBudget implements ValueBudget {
  private final long cap;
  private final AtomicLong reserved = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();

  public TestBudget(long cap) {
    this.cap = cap;
  }

  @Override
  public boolean reserve(long bytes) {
    if (reserved.addAndGet(bytes) > cap) {
      reserved.addAndGet(-bytes);
      refused.incrementAndGet();
      return false;
    }
    return true;
  }

  @Override
  public void release(long bytes) {
    if (reserved.addAndGet(-bytes) < 0) {
      throw new IllegalStateException("released more than was reserved");
    }
  }

  /** Bytes reserved now. */
  public long reserved() {
    return reserved.get();
  }

  /** Reservations refused so far. */
  public long refused() {
    return refused.get();
  }
}
