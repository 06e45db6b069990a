package io.safecached.testsupport;

import java.io.IOException;
import java.time.Duration;

/** Waiting in tests that watch another process: a bounded poll for a condition, and an interruptible sleep. */
public final class Poll {
  private Poll() {
  }

  /** A condition that may need I/O to check. */
  @FunctionalInterface
  public interface Check {
    boolean holds() throws IOException;
  }

  /** Checks {@code check} every 50 ms until it holds (true) or {@code timeout} passes (false). */
  public static boolean until(Duration timeout, Check check) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (check.holds()) {
        return true;
      }
      if (System.nanoTime() >= deadline) {
        return false;
      }
      sleep(50);
    }
  }

  /** Sleeps, turning an interrupt into an IOException (with the interrupt flag kept). */
  public static void sleep(long millis) throws IOException {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
