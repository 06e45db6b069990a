package io.safecached.server.udp;

import java.lang.System.Logger.Level;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Logs dropped or refused UDP traffic at WARNING, at most one line per kind every {@link #INTERVAL_NANOS}, with
 * how many more of that kind happened since the last line; a flood cannot flood the log.
 */
final class DropLog {
  /** At most one line per kind in this many nanoseconds (10 s). */
  static final long INTERVAL_NANOS = 10_000_000_000L;

  /** What happened to a datagram or reply. */
  enum Kind {
    MALFORMED("dropped malformed UDP datagram"),
    RATE_LIMITED("dropped UDP traffic over the rate limits"),
    TOO_LARGE("refused UDP reply over the amplification bound"),
    WRITE_REFUSED("refused UDP storage/admin command from untrusted source"),
    UNAUTHENTICATED("dropped UDP request from a source outside --udp-allow: UDP cannot log in (-Y is on)");

    final String text;

    Kind(String text) {
      this.text = text;
    }
  }

  private final System.Logger log;
  private final LongSupplier nanoClock;
  private final Map<Kind, long[]> state = new EnumMap<>(Kind.class); // {last logged nanos, suppressed since}

  DropLog(System.Logger log, LongSupplier nanoClock) {
    this.log = log;
    this.nanoClock = nanoClock;
  }

  /** Notes one event of {@code kind} from {@code source}; logs it when the kind's interval has passed. */
  void note(Kind kind, Object source) {
    long now = nanoClock.getAsLong();
    String line;
    synchronized (state) {
      long[] s = state.get(kind);
      if (s != null && now - s[0] < INTERVAL_NANOS) {
        s[1]++;
        return;
      }
      long suppressed = s == null ? 0 : s[1];
      state.put(kind, new long[] {now, 0});
      line = kind.text + " (source " + source + ")"
          + (suppressed > 0 ? "; " + suppressed + " more since the last such line" : "")
          + "; at most one such line per 10 s";
    }
    log.log(Level.WARNING, line);
  }
}
