package io.safecached.cli;

import io.safecached.config.ConfigException;
import io.safecached.config.ServerConfig;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * memcached's {@code -o key[=value][,key[=value]…]} options: the ones safecached understands are applied to the
 * config builder, the ones memcached has but that mean nothing here are accepted with one warning each, anything
 * else stops start-up.
 */
final class ExtendedOptions {
  /** The keys safecached understands. */
  static final List<String> SUPPORTED = List.of("idle_timeout", "multiget_line_max", "udp_source_pps",
      "udp_source_bps", "udp_global_pps", "udp_global_bps", "ssl_chain_cert", "ssl_key", "ssl_ca_cert",
      "ssl_verify_mode", "ssl_min_version", "ssl_ciphers", "transport");
  /** The TLS keys, kept as given for {@code serve} to build the TLS settings from (with {@code -Z}). */
  static final List<String> SSL_KEYS = SUPPORTED.subList(6, SUPPORTED.indexOf("transport"));

  private static final String NO_SLABS =
      "safecached has no slabs and no LRU threads; its store expires and evicts by itself";
  private static final String NO_PRIVILEGES =
      "the JVM installs no seccomp filter; sandbox the process with your service manager instead";
  private static final String NO_EXTSTORE =
      "safecached has no external storage (extstore); items live in its memory (-m) only";
  private static final String NO_WATCH = "safecached has no 'watch' command";
  private static final String NO_PROXY = "safecached has no built-in proxy";
  private static final String OWN_BUFFERS =
      "connection buffers are bounded by safecached's own limits (docs/limits.md)";

  /**
   * memcached 1.6's keys (every one its {@code -o} parser knows, 1.6.18 to 1.6.45, extstore's and the proxy's
   * included) that are accepted and ignored, each with the reason given in the warning.
   */
  static final Map<String, String> IGNORED = ignored();

  private ExtendedOptions() {}

  private static Map<String, String> ignored() {
    Map<String, String> m = new LinkedHashMap<>();
    for (String key : List.of("relaxed_privileges", "drop_privileges", "no_drop_privileges")) {
      m.put(key, NO_PRIVILEGES);
    }
    m.put("maxconns_fast", "connections over -c are always refused at once with an error, as memcached's default");
    m.put("no_maxconns_fast", "connections over -c are always refused at once with an error, as memcached's default");
    m.put("hashpower", "safecached's store sizes itself");
    m.put("no_hashexpand", "safecached's store sizes itself");
    for (String key : List.of("lru_crawler", "no_lru_crawler", "lru_crawler_sleep", "lru_crawler_tocrawl",
        "lru_maintainer", "no_lru_maintainer", "hot_lru_pct", "warm_lru_pct", "hot_max_factor", "warm_max_factor",
        "temporary_ttl", "slab_reassign", "no_slab_reassign", "slab_automove", "no_slab_automove",
        "slab_automove_ratio", "slab_automove_window", "slab_automove_freeratio", "slab_sizes", "slab_chunk_max",
        "no_chunked_items", "inline_ascii_resp", "no_inline_ascii_resp", "modern", "no_modern",
        "tail_repair_time")) {
      m.put(key, NO_SLABS);
    }
    m.put("hash_algorithm", "safecached's store uses its own hashing");
    m.put("track_sizes", "'stats sizes' is always served");
    m.put("watcher_logbuf_size", NO_WATCH);
    m.put("worker_logbuf_size", NO_WATCH);
    m.put("resp_obj_mem_limit", OWN_BUFFERS);
    m.put("read_buf_mem_limit", OWN_BUFFERS);
    m.put("ssl_session_cache", "the JDK's TLS session cache is always on");
    m.put("ssl_kernel_tls", "the JVM does not use kernel TLS");
    m.put("ssl_keyformat", "keys are read as PEM");
    m.put("ssl_wbuf_size", "TLS records are at most 16 KiB; Netty sizes its buffers");
    for (String key : List.of("ext_path", "ext_page_size", "ext_wbuf_size", "ext_threads", "ext_io_depth",
        "ext_item_size", "ext_item_age", "ext_low_ttl", "ext_recache_rate", "ext_compact_under", "ext_drop_under",
        "ext_max_sleep", "ext_max_frag", "ext_drop_unread")) {
      m.put(key, NO_EXTSTORE);
    }
    for (String key : List.of("proxy_config", "proxy_arg", "proxy_uring", "proxy_memprofile")) {
      m.put(key, NO_PROXY);
    }
    m.put("sock_cookie_id", "safecached sets no socket cookie (SO_MARK); filter by address with --allow");
    return Collections.unmodifiableMap(m);
  }

  /**
   * Applies every {@code -o} value to {@code b}; adds one warning per ignored key (the first time it is seen).
   * Returns the {@code ssl_*} options by key, for {@code serve} to combine with {@code -Z}. Throws
   * {@link ConfigException} for an unknown key or a bad value.
   */
  static Map<String, String> apply(List<String> values, ServerConfig.Builder b, ServerConfig.UdpPolicy udp,
                                   List<String> warnings) {
    Map<String, String> ssl = new LinkedHashMap<>();
    Set<String> seenIgnored = new LinkedHashSet<>();
    long sourcePps = udp.sourcePacketsPerSecond();
    long sourceBps = udp.sourceBytesPerSecond();
    long globalPps = udp.globalPacketsPerSecond();
    long globalBps = udp.globalBytesPerSecond();
    for (String value : values) {
      for (String item : value.split(",", -1)) {
        String option = item.trim();
        if (option.isEmpty()) {
          continue; // "-o a=1,,b=2" or a trailing comma: nothing was asked for
        }
        int eq = option.indexOf('=');
        String key = eq < 0 ? option : option.substring(0, eq).trim();
        String arg = eq < 0 ? null : option.substring(eq + 1).trim();
        String flag = "-o " + option;
        String prefix = "-o " + key + "=";
        switch (key) {
          case "idle_timeout" -> {
            long seconds = Values.number("idle_timeout", prefix, required(key, arg, "a number of seconds"));
            if (seconds < 0) {
              throw new ConfigException("idle_timeout cannot be negative (" + flag + ")");
            }
            b.idleTimeout(Duration.ofSeconds(seconds));
          }
          case "multiget_line_max" -> {
            long bytes = Values.size("multiget_line_max", prefix, required(key, arg, "a number of bytes"));
            if (bytes > Integer.MAX_VALUE) {
              throw new ConfigException("multiget_line_max is out of range (" + flag + ")");
            }
            b.maxMultigetLineLength((int) bytes);
          }
          case "udp_source_pps" -> sourcePps = rate(key, prefix, arg, false);
          case "udp_source_bps" -> sourceBps = rate(key, prefix, arg, true);
          case "udp_global_pps" -> globalPps = rate(key, prefix, arg, false);
          case "udp_global_bps" -> globalBps = rate(key, prefix, arg, true);
          case "transport" -> b.transport(transport(required(key, arg, "auto, io_uring, epoll or nio")));
          case "ssl_chain_cert", "ssl_key", "ssl_ca_cert", "ssl_verify_mode", "ssl_min_version", "ssl_ciphers" ->
              ssl.put(key, required(key, arg, "a value"));
          default -> {
            String reason = ignoredReason(key);
            if (reason == null) {
              throw new ConfigException("unknown extended option '" + key + "' (-o); safecached understands "
                  + String.join(", ", SUPPORTED) + ", see docs/cli.md");
            }
            if (seenIgnored.add(key)) {
              warnings.add("ignoring -o " + key + ": " + reason);
            }
          }
        }
      }
    }
    b.udp(udp.withRates((int) sourcePps, sourceBps, (int) globalPps, globalBps));
    return ssl;
  }

  private static ServerConfig.Transport transport(String value) {
    for (ServerConfig.Transport t : ServerConfig.Transport.values()) {
      if (t.optionName().equals(value)) {
        return t;
      }
    }
    throw new ConfigException("transport must be auto, io_uring, epoll or nio (-o transport=" + value + ")");
  }

  private static long rate(String key, String prefix, String arg, boolean bytes) {
    String value = required(key, arg, bytes ? "a number of bytes per second" : "a number per second");
    long n = bytes ? Values.size(key, prefix, value) : Values.number(key, prefix, value);
    if (n < 1 || n > Integer.MAX_VALUE) {
      throw new ConfigException(key + " is out of range (" + prefix + value + ")");
    }
    return n;
  }

  /** Why {@code key} is ignored, or null when it is not one of memcached's keys that we ignore. */
  static String ignoredReason(String key) {
    String reason = IGNORED.get(key);
    if (reason == null && key.startsWith("no_")) {
      reason = IGNORED.get(key.substring(3)); // memcached turns most options off with a no_ prefix
    }
    return reason;
  }

  private static String required(String key, String arg, String what) {
    if (arg == null || arg.isEmpty()) {
      throw new ConfigException(key + " needs a value, " + what + " (-o " + key + "=N)");
    }
    return arg;
  }
}
