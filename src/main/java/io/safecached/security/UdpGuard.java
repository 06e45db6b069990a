package io.safecached.security;

import io.safecached.config.ServerConfig.UdpPolicy;
import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The UDP amplification guard: decides which sources are trusted, admits requests of untrusted sources under
 * per-source and global packet rates, and allows replies to them only within the amplification bound and the
 * per-source and global reply byte rates.
 *
 * <p>Design notes. UDP sources can be forged, so everything an untrusted source can make the server send is
 * bounded twice: per reply ({@code reply bytes ≤ maxAmplification × request bytes}) and per second (token
 * buckets holding at most one second of each rate, refilled continuously from an injected nanosecond clock).
 * The per-source buckets live in an LRU table of bounded size, so a flood from forged sources cannot grow
 * memory; a source pushed out of the table starts again with full buckets, which the global buckets still
 * bound. Trusted sources bypass every limit. The methods are synchronized: the guard is shared by the UDP
 * channels, and only untrusted traffic, which is rate limited anyway, takes the lock.
 */
public final class UdpGuard {
  /** How many untrusted sources are remembered at most. */
  public static final int DEFAULT_MAX_SOURCES = 65_536;
  private static final double NANOS_PER_SECOND = 1e9;

  private final UdpPolicy policy;
  private final LongSupplier nanoClock;
  private final TokenBucket globalPackets;
  private final TokenBucket globalBytes;
  private final Map<InetAddress, Source> sources;

  /** A guard for {@code policy} timed by {@code nanoClock} (e.g. {@code System::nanoTime}). */
  public UdpGuard(UdpPolicy policy, LongSupplier nanoClock) {
    this(policy, nanoClock, DEFAULT_MAX_SOURCES);
  }

  UdpGuard(UdpPolicy policy, LongSupplier nanoClock, int maxSources) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    long now = nanoClock.getAsLong();
    this.globalPackets = new TokenBucket(policy.globalPacketsPerSecond(), now);
    this.globalBytes = new TokenBucket(policy.globalBytesPerSecond(), now);
    this.sources = new LinkedHashMap<>(1024, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<InetAddress, Source> eldest) {
        return size() > maxSources;
      }
    };
  }

  /** The policy in force. */
  public UdpPolicy policy() {
    return policy;
  }

  /** True when {@code source} gets full replies and no limits. */
  public boolean trusted(InetAddress source) {
    return policy.trusts(source);
  }

  /** True when untrusted sources may run storage and admin commands. */
  public boolean writesAllowed() {
    return policy.writes();
  }

  /**
   * Admits one request datagram from {@code source}: true, taking a packet token from the source's bucket and
   * the global one, when both have one; false (taking nothing) when either is empty. Trusted sources are
   * always admitted.
   */
  public synchronized boolean admit(InetAddress source) {
    if (trusted(source)) {
      return true;
    }
    long now = nanoClock.getAsLong();
    Source s = source(source, now);
    if (!s.packets.available(1, now) || !globalPackets.available(1, now)) {
      return false;
    }
    s.packets.take(1);
    globalPackets.take(1);
    return true;
  }

  /** True when a reply of {@code replyBytes} to a request of {@code requestBytes} is within the amplification bound. */
  public boolean withinAmplification(long requestBytes, long replyBytes) {
    return replyBytes <= policy.maxAmplification() * requestBytes;
  }

  /**
   * Whether a reply of {@code replyBytes} may go to {@code source} for a request of {@code requestBytes}: within
   * the amplification bound and with byte tokens available in the source's bucket and the global one, which it
   * then takes. Always true for trusted sources.
   */
  public synchronized boolean mayReply(InetAddress source, long requestBytes, long replyBytes) {
    if (trusted(source)) {
      return true;
    }
    if (!withinAmplification(requestBytes, replyBytes)) {
      return false;
    }
    long now = nanoClock.getAsLong();
    Source s = source(source, now);
    if (!s.bytes.available(replyBytes, now) || !globalBytes.available(replyBytes, now)) {
      return false;
    }
    s.bytes.take(replyBytes);
    globalBytes.take(replyBytes);
    return true;
  }

  /** How many untrusted sources are remembered now (bounded by the table size). */
  public synchronized int trackedSources() {
    return sources.size();
  }

  private Source source(InetAddress address, long now) {
    Source s = sources.get(address);
    if (s == null) {
      s = new Source(new TokenBucket(policy.sourcePacketsPerSecond(), now),
          new TokenBucket(policy.sourceBytesPerSecond(), now));
      sources.put(address, s);
    }
    return s;
  }

  private record Source(TokenBucket packets, TokenBucket bytes) {}

  /** Holds up to one second of {@code ratePerSecond} tokens; starts full. Not thread-safe on its own. */
  static final class TokenBucket {
    private final double ratePerSecond;
    private double tokens;
    private long lastNanos;

    TokenBucket(double ratePerSecond, long nowNanos) {
      this.ratePerSecond = ratePerSecond;
      this.tokens = ratePerSecond;
      this.lastNanos = nowNanos;
    }

    /** Refills for the time passed since the last call and says whether {@code n} tokens are there. */
    boolean available(double n, long nowNanos) {
      long elapsed = nowNanos - lastNanos;
      if (elapsed > 0) {
        tokens = Math.min(ratePerSecond, tokens + elapsed / NANOS_PER_SECOND * ratePerSecond);
        lastNanos = nowNanos;
      }
      return tokens >= n;
    }

    void take(double n) {
      tokens -= n;
    }
  }
}
