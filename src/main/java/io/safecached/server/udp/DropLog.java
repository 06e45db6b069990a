package io.safecached.server.udp;

import io.safecached.store.stats.Counter;
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
    MALFORMED("dropped malformed UDP datagram", Counter.UDP_DROPPED_MALFORMED),
    RATE_LIMITED("dropped UDP traffic over the rate limits", Counter.UDP_DROPPED_RATE_LIMITED),
    TOO_LARGE("refused UDP reply over the amplification bound", Counter.UDP_REPLIES_TRUNCATED),
    WRITE_REFUSED("refused UDP storage/admin command from untrusted source", Counter.UDP_WRITES_REFUSED),
    NOT_ADMIN("refused UDP admin command: --admin-users is given and UDP cannot log in", null),
    NOT_ALLOWED("dropped UDP request from a source outside --allow", Counter.UDP_DROPPED_NOT_ALLOWED),
    UNAUTHENTICATED("dropped UDP request from a source outside --udp-allow: UDP cannot log in (-Y is on)",
        Counter.UDP_DROPPED_UNAUTHENTICATED);

    final String text;
    /** The counter an event of this kind moves (null: none). */
    final Counter counter;

    Kind(String text, Counter counter) {
      this.text = text;
      this.counter = counter;
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
