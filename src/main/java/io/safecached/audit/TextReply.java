package io.safecached.audit;

import java.util.Map;

/**
 * What the ASCII probe ({@code version}, then {@code stats}) saw on one TCP connection.
 *
 * @param connect       how the connection went
 * @param answered      the peer replied like a memcached server (VERSION, STAT lines, or a memcached error line)
 * @param version       the {@code VERSION} reply or the {@code version} stat, or null
 * @param stats         every {@code STAT} line received (empty when none)
 * @param authRequired  the peer replied {@code CLIENT_ERROR unauthenticated} (memcached {@code -Y}) or similar
 * @param foreign       the peer sent bytes that are not memcached replies
 * @param truncated     the reply was cut at the byte limit
 * @param bytes         bytes received
 * @param detail        a short note (error message, first foreign line), or null
 */
public record TextReply(Connect connect, boolean answered, String version, Map<String, String> stats,
                        boolean authRequired, boolean foreign, boolean truncated, long bytes, String detail) {
  public TextReply {
    stats = Map.copyOf(stats);
  }

  /** A probe that did not get as far as a connection. */
  public static TextReply failed(Connect c, String detail) {
    return new TextReply(c, false, null, Map.of(), false, false, false, 0, detail);
  }

  /** True when {@code stats} was answered, i.e. the server serves commands without authentication. */
  public boolean unauthenticated() {
    return !stats.isEmpty();
  }
}
