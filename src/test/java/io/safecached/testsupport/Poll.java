package io.safecached.testsupport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
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

  /**
   * Waits until {@code process} listens on {@code address}: throws when it exits first ({@code exited} says why,
   * e.g. from its log) or after {@code timeout}. What answers may not be the process: another program that took
   * the port first, or the probe connected to itself (the port is in the ephemeral range), which makes the
   * process's bind fail. A server that cannot bind exits within milliseconds: only one still running a moment
   * after the port answered is listening.
   */
  public static void untilListening(String name, Process process, InetSocketAddress address, Duration timeout,
                                    ExitReason exited) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException(name + " exited: " + exited.reason());
      }
      try (Socket s = new Socket()) {
        s.connect(address, 200);
      } catch (IOException notYet) {
        sleep(20);
        continue;
      }
      sleep(100);
      if (process.isAlive()) {
        return;
      }
    }
    throw new IOException(name + " did not listen on " + address + " within " + timeout);
  }

  /** Why a process exited, e.g. its log; read only when it has. */
  @FunctionalInterface
  public interface ExitReason {
    String reason() throws IOException;
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
