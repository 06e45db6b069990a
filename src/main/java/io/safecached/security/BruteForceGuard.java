package io.safecached.security;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Brute-force protection for logins: counts consecutive failed logins per source address, slows down the
 * replies to a source that keeps failing and then refuses it for a while.
 *
 * <p>Design notes. The first {@code freeFailures} failures of a source cost nothing; each further failure's
 * reply is delayed, starting at {@value #FIRST_DELAY_MILLIS} ms and doubling up to {@code maxDelay}. After
 * {@code refuseAfter} consecutive failures the source is refused for {@code refuseFor}: the caller should then
 * turn its logins away without checking the password (and without calling {@link #failure}, so the refusal
 * does not grow). A success clears the source. A source that has not failed for {@code refuseFor} (which
 * includes the end of a refusal) is forgotten and starts afresh. Global IPv6 sources count per /64, the block
 * a single host or customer usually holds, so that an attacker cannot reset its count by changing the low
 * bits; loopback, link-local and unique local IPv6 addresses, whose /64 is a shared network, count one by one,
 * and IPv4-mapped addresses count as their IPv4 address.
 * Memory is bounded: at most {@code maxSources} sources are remembered, the least recently seen is dropped
 * first (a dropped source starts afresh, the price of the bound). Only failures add sources. Time comes from
 * an injected nanosecond clock. The methods are synchronized: the guard is shared by every connection, and
 * only failed logins, a rare event, write to it.
 */
public final class BruteForceGuard {
  /** The delay of the first delayed failure (or {@code maxDelay} when that is shorter). */
  public static final long FIRST_DELAY_MILLIS = 250;
  /** {@link #defaults}: sources remembered. */
  public static final int DEFAULT_MAX_SOURCES = 10_000;
  /** {@link #defaults}: failures without delay. */
  public static final int DEFAULT_FREE_FAILURES = 3;
  /** {@link #defaults}: the longest delay of a reply. */
  public static final Duration DEFAULT_MAX_DELAY = Duration.ofSeconds(2);
  /** {@link #defaults}: consecutive failures after which a source is refused. */
  public static final int DEFAULT_REFUSE_AFTER = 10;
  /** {@link #defaults}: how long a source is refused. */
  public static final Duration DEFAULT_REFUSE_FOR = Duration.ofMinutes(5);

  private final LongSupplier nanoClock;
  private final int freeFailures;
  private final long maxDelayMillis;
  private final int refuseAfter;
  private final long refuseForNanos;
  private final Map<InetAddress, Source> sources;

  /**
   * A guard remembering at most {@code maxSources} sources (at least 1), letting {@code freeFailures} failures
   * through undelayed, delaying later ones up to {@code maxDelay}, and refusing a source for {@code refuseFor}
   * after {@code refuseAfter} (at least 1) consecutive failures; a source that has not failed for {@code refuseFor} (positive) is
   * forgotten. {@code nanoClock} is e.g. {@code System::nanoTime}.
   */
  public BruteForceGuard(LongSupplier nanoClock, int maxSources, int freeFailures, Duration maxDelay,
                         int refuseAfter, Duration refuseFor) {
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    if (maxSources < 1) {
      throw new IllegalArgumentException("maxSources must be at least 1: " + maxSources);
    }
    if (freeFailures < 0) {
      throw new IllegalArgumentException("freeFailures cannot be negative: " + freeFailures);
    }
    if (maxDelay.isNegative()) {
      throw new IllegalArgumentException("maxDelay cannot be negative: " + maxDelay);
    }
    if (refuseAfter < 1) {
      throw new IllegalArgumentException("refuseAfter must be at least 1: " + refuseAfter);
    }
    if (refuseFor.isNegative() || refuseFor.isZero()) {
      throw new IllegalArgumentException("refuseFor must be positive: " + refuseFor);
    }
    this.freeFailures = freeFailures;
    this.maxDelayMillis = maxDelay.toMillis();
    this.refuseAfter = refuseAfter;
    this.refuseForNanos = refuseFor.toNanos();
    this.sources = new LinkedHashMap<>(64, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<InetAddress, Source> eldest) {
        return size() > maxSources;
      }
    };
  }

  /**
   * The defaults: {@value #DEFAULT_FREE_FAILURES} free failures, then 250 ms doubling up to 2 s, refused for
   * 5 minutes after {@value #DEFAULT_REFUSE_AFTER} consecutive failures, {@value #DEFAULT_MAX_SOURCES} sources.
   */
  public static BruteForceGuard defaults(LongSupplier nanoClock) {
    return new BruteForceGuard(nanoClock, DEFAULT_MAX_SOURCES, DEFAULT_FREE_FAILURES, DEFAULT_MAX_DELAY,
        DEFAULT_REFUSE_AFTER, DEFAULT_REFUSE_FOR);
  }

  /**
   * How long to delay the reply to this source's next failed login, counting the failures recorded so far:
   * 0 while it has failed fewer than {@code freeFailures} times, then {@value #FIRST_DELAY_MILLIS} ms doubling
   * up to {@code maxDelay}. {@link #failure} returns the same figure for the failure it records.
   */
  public synchronized long delayMillis(InetAddress source) {
    Source s = live(source, nanoClock.getAsLong());
    return delayFor(s == null ? 1 : s.failures + 1);
  }

  /** True while {@code source} is refused: its logins should be turned away without checking them. */
  public synchronized boolean refused(InetAddress source) {
    long now = nanoClock.getAsLong();
    Source s = live(source, now);
    return s != null && s.refused && now - s.refusedUntil < 0;
  }

  /**
   * Records a failed login from {@code source} and returns how long to delay the reply to it, in milliseconds
   * (what {@link #delayMillis} said before the call). Refuses the source from its {@code refuseAfter}th
   * consecutive failure on.
   */
  public synchronized long failure(InetAddress source) {
    long now = nanoClock.getAsLong();
    InetAddress key = key(source);
    Source s = live(source, now);
    if (s == null) {
      s = new Source();
      sources.put(key, s);
    }
    if (s.failures < Integer.MAX_VALUE) {
      s.failures++;
    }
    s.lastFailure = now;
    if (s.failures >= refuseAfter) {
      s.refused = true;
      s.refusedUntil = now + refuseForNanos;
    }
    return delayFor(s.failures);
  }

  /** Records a successful login from {@code source}: forgets its failures. */
  public synchronized void success(InetAddress source) {
    sources.remove(key(source));
  }

  /** How many sources are remembered now (at most {@code maxSources}). */
  synchronized int trackedSources() {
    return sources.size();
  }

  /** The delay of the {@code failure}th consecutive failure (counting from 1). */
  private long delayFor(int failure) {
    if (failure <= freeFailures) {
      return 0;
    }
    int doublings = Math.min(failure - freeFailures - 1, 32);
    long delay = FIRST_DELAY_MILLIS << doublings;
    return Math.min(delay, maxDelayMillis);
  }

  /** The entry of {@code source}, or null when there is none or it has expired (it is then dropped). */
  private Source live(InetAddress source, long now) {
    InetAddress key = key(source);
    Source s = sources.get(key);
    if (s != null && now - s.lastFailure >= refuseForNanos) {
      sources.remove(key);
      return null;
    }
    return s;
  }

  /** The address a source is counted under: IPv4 as is, IPv6 by its /64. */
  static InetAddress key(InetAddress source) {
    Objects.requireNonNull(source, "source");
    if (!(source instanceof Inet6Address)) {
      return source;
    }
    byte[] bytes = source.getAddress();
    try {
      if (ipv4Mapped(bytes)) {
        return InetAddress.getByAddress(Arrays.copyOfRange(bytes, 12, 16));
      }
      if (source.isLoopbackAddress() || source.isLinkLocalAddress() || (bytes[0] & 0xfe) == 0xfc) {
        return source; // loopback, link-local and unique local (fc00::/7) hosts share a /64 with their neighbours
      }
      Arrays.fill(bytes, 8, 16, (byte) 0);
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e); // 4 and 16 bytes are always an address
    }
  }

  private static boolean ipv4Mapped(byte[] bytes) {
    for (int i = 0; i < 10; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
  }

  /** What is known of one source. */
  private static final class Source {
    int failures;
    long lastFailure;
    boolean refused;
    long refusedUntil;
  }
}
