package io.safecached.audit;

import java.time.Duration;

/**
 * How probes behave.
 *
 * @param timeout        per probe: connect plus the whole exchange (also bounds the UDP wait)
 * @param retries        extra attempts after a probe got no answer at all (timeouts; never after a refusal)
 * @param rate           probes (connections or datagrams) started per second, at most
 * @param writeCheck     also run the write check on servers that answer {@code stats} unauthenticated
 * @param maxReplyBytes  bytes read from one TCP reply or one reassembled UDP reply before cutting it off
 */
public record ProbeSettings(Duration timeout, int retries, double rate, boolean writeCheck, int maxReplyBytes) {
  /** Default per-reply byte bound: a 1.6 stats reply is about 2.2 KB; a hostile peer gets cut here. */
  public static final int DEFAULT_MAX_REPLY_BYTES = 64 * 1024;

  public ProbeSettings {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive");
    }
    if (retries < 0) {
      throw new IllegalArgumentException("retries cannot be negative");
    }
    if (!(rate > 0)) {
      throw new IllegalArgumentException("rate must be positive");
    }
    if (maxReplyBytes < 1024) {
      throw new IllegalArgumentException("maxReplyBytes must be at least 1024");
    }
  }
}
