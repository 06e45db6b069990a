package io.safecached.store;

/** Wall-clock time in milliseconds since the Unix epoch; injected so tests move time instead of sleeping. */
@FunctionalInterface
public interface Clock {
  /** The system clock. */
  Clock SYSTEM = System::currentTimeMillis;

  /** Milliseconds since 1970-01-01T00:00Z. */
  long millis();
}
