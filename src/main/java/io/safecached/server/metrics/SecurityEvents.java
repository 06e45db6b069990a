package io.safecached.server.metrics;

import java.util.concurrent.atomic.LongAdder;

/**
 * Security events that {@code stats} does not report but the metrics endpoint does: successful TLS handshakes,
 * failed logins answered late or refused by the brute-force guard, and failed logins to the metrics endpoint.
 * Contention-free adders; the server's security code counts, the metrics endpoint reads.
 */
public final class SecurityEvents {
  private final LongAdder tlsHandshakes = new LongAdder();
  private final LongAdder authDelayed = new LongAdder();
  private final LongAdder authDelayMillis = new LongAdder();
  private final LongAdder authRefused = new LongAdder();
  private final LongAdder metricsAuthFailures = new LongAdder();

  /** A TLS handshake finished. */
  public void recordTlsHandshake() {
    tlsHandshakes.increment();
  }

  /** A failed login's reply is held back by {@code millis} (nothing counted for 0). */
  public void recordAuthDelay(long millis) {
    if (millis > 0) {
      authDelayed.increment();
      authDelayMillis.add(millis);
    }
  }

  /** A login was turned away unchecked because its source failed too often. */
  public void recordAuthRefusal() {
    authRefused.increment();
  }

  /** A scrape of the metrics endpoint came without valid credentials. */
  public void recordMetricsAuthFailure() {
    metricsAuthFailures.increment();
  }

  /** TLS handshakes finished since start. */
  public long tlsHandshakes() {
    return tlsHandshakes.sum();
  }

  /** Failed logins whose reply was delayed. */
  public long authDelayed() {
    return authDelayed.sum();
  }

  /** Milliseconds of delay given to failed logins in all. */
  public long authDelayMillis() {
    return authDelayMillis.sum();
  }

  /** Logins refused unchecked by the brute-force guard. */
  public long authRefused() {
    return authRefused.sum();
  }

  /** Scrapes of the metrics endpoint refused for missing or wrong credentials. */
  public long metricsAuthFailures() {
    return metricsAuthFailures.sum();
  }
}
