package io.safecached.store.stats;

/**
 * Every counter safecached reports, named exactly as memcached names it in {@code stats}.
 *
 * <p>The enum order is the order in which they are reported. Counters cleared by {@code stats reset} are
 * marked; connection gauges such as {@code curr_connections} are kept elsewhere because a reset must not touch
 * them.
 */
public enum Counter {
  TOTAL_CONNECTIONS("total_connections"),
  REJECTED_CONNECTIONS("rejected_connections"),
  CMD_GET("cmd_get"),
  CMD_SET("cmd_set"),
  CMD_FLUSH("cmd_flush"),
  CMD_TOUCH("cmd_touch"),
  GET_HITS("get_hits"),
  GET_MISSES("get_misses"),
  GET_EXPIRED("get_expired"),
  GET_FLUSHED("get_flushed"),
  DELETE_MISSES("delete_misses"),
  DELETE_HITS("delete_hits"),
  INCR_MISSES("incr_misses"),
  INCR_HITS("incr_hits"),
  DECR_MISSES("decr_misses"),
  DECR_HITS("decr_hits"),
  CAS_MISSES("cas_misses"),
  CAS_HITS("cas_hits"),
  CAS_BADVAL("cas_badval"),
  TOUCH_HITS("touch_hits"),
  TOUCH_MISSES("touch_misses"),
  STORE_TOO_LARGE("store_too_large"),
  STORE_NO_MEMORY("store_no_memory"),
  AUTH_CMDS("auth_cmds"),
  AUTH_ERRORS("auth_errors"),
  BYTES_READ("bytes_read"),
  BYTES_WRITTEN("bytes_written"),
  IDLE_KICKS("idle_kicks"),
  TOTAL_ITEMS("total_items"),
  EXPIRED_UNFETCHED("expired_unfetched"),
  EVICTED_UNFETCHED("evicted_unfetched"),
  EVICTIONS("evictions"),
  RECLAIMED("reclaimed"),
  /** UDP datagrams received, whatever became of them. */
  UDP_REQUESTS("udp_requests"),
  /** UDP datagrams dropped for a bad frame header (too short, not sequence 0 of 1). */
  UDP_DROPPED_MALFORMED("udp_dropped_malformed"),
  /** UDP requests or replies of untrusted sources dropped by the packet or byte rate limits. */
  UDP_DROPPED_RATE_LIMITED("udp_dropped_rate_limited"),
  /** UDP replies not sent because they exceeded the amplification bound (or 65,535 datagrams). */
  UDP_REPLIES_TRUNCATED("udp_replies_truncated"),
  /** Storage and admin commands refused to untrusted UDP sources. */
  UDP_WRITES_REFUSED("udp_writes_refused"),
  /** Bytes of UDP datagrams received, frame headers included. */
  UDP_BYTES_READ("udp_bytes_read"),
  /** Bytes of UDP datagrams sent, frame headers included. */
  UDP_BYTES_WRITTEN("udp_bytes_written"),
  /** UDP requests of sources outside --udp-allow dropped because connections must log in (-Y). */
  UDP_DROPPED_UNAUTHENTICATED("udp_dropped_unauthenticated"),
  /** TCP connections from sources outside --allow, closed at accept. */
  REJECTED_BY_ALLOWLIST("rejected_by_allowlist"),
  /** UDP datagrams from sources outside --allow, dropped unread. */
  UDP_DROPPED_NOT_ALLOWED("udp_dropped_not_allowed");

  private final String statName;

  Counter(String statName) {
    this.statName = statName;
  }

  /** The name memcached uses in {@code stats}. */
  public String statName() {
    return statName;
  }
}
