package io.safecached.audit;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * Counts over a whole audit, and why it did not finish when it did not.
 *
 * @param targets         targets finished (results written)
 * @param planned         targets the input expanded to
 * @param skipped         targets left out by --exclude
 * @param answered        answered like memcached (TCP or UDP); never with --passive, which sends nothing
 * @param exposed         exposed (a finding at or above --fail-on)
 * @param unauthenticated serve commands without authentication over TCP
 * @param udpAmplifiers   answered the framed UDP probe
 * @param authRequired    require authentication
 * @param tls             speak TLS
 * @param errors          could not be probed (local errors such as name resolution)
 * @param bySeverity      targets by their worst finding
 * @param incomplete      null when the audit finished, else why not
 * @param elapsed         wall time
 */
public record Summary(long targets, long planned, long skipped, long answered, long exposed, long unauthenticated,
                      long udpAmplifiers, long authRequired, long tls, long errors, Map<Severity, Long> bySeverity,
                      String incomplete, Duration elapsed) {
  public Summary {
    bySeverity = Map.copyOf(bySeverity);
  }

  /** The exit code: 1 when anything is exposed, else 3 when the audit is incomplete or had errors, else 0. */
  public int exitCode() {
    if (exposed > 0) {
      return 1;
    }
    return incomplete != null || errors > 0 ? 3 : 0;
  }

  /** Accumulates a summary from results. */
  public static final class Tally {
    private long targets;
    private long answered;
    private long exposed;
    private long unauthenticated;
    private long udp;
    private long auth;
    private long tls;
    private long errors;
    private final Map<Severity, Long> bySeverity = new EnumMap<>(Severity.class);

    /** Counts one result. */
    public void add(TargetResult r) {
      targets++;
      if (r.error() != null) {
        errors++;
        return;
      }
      if (r.memcachedAnswered() || r.udpAnswered()) {
        answered++;
      }
      if (r.exposed()) {
        exposed++;
      }
      if (r.tcpUnauthenticated()) {
        unauthenticated++;
      }
      if (r.udpOpen()) {
        udp++;
      }
      if (r.authRequired()) {
        auth++;
      }
      if (r.tls()) {
        tls++;
      }
      if (r.severity() != null) {
        bySeverity.merge(r.severity(), 1L, Long::sum);
      }
    }

    public long exposed() {
      return exposed;
    }

    public long targets() {
      return targets;
    }

    /** The summary so far. */
    public Summary summary(long planned, long skipped, String incomplete, Duration elapsed) {
      return new Summary(targets, planned, skipped, answered, exposed, unauthenticated, udp, auth, tls, errors,
          bySeverity, incomplete, elapsed);
    }
  }
}
