package io.safecached.server.metrics;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The server's {@code stats} as Prometheus metrics, under memcached_exporter's names and labels, plus
 * safecached's own under {@code safecached_}.
 *
 * <p>The input is what {@code stats}, {@code stats settings}, {@code stats items} and {@code stats slabs}
 * answer, as name/value pairs: the numbers are read exactly as a memcached client reads them, nothing is counted
 * twice. The rules follow memcached_exporter's: a stat that is absent yields no metric; one that does not parse
 * yields no metric and {@code memcached_up 0}; {@code commands_total{command="set",status="hit"}} is
 * {@code cmd_set} less the cas commands memcached also counts there. Metrics the exporter declares as counters
 * whose names do not end in {@code _total} (uptime, for one) are gauges here: the Prometheus text format gives
 * every counter a {@code _total} suffix, and keeping the exporter's name matters more than the type.
 */
final class StatsMapping {
  /** Replies of the four stats groups, each as name to value in reply order. */
  record Stats(Map<String, String> general, Map<String, String> settings, Map<String, String> items,
               Map<String, String> slabs) {}

  private enum Kind { COUNTER, GAUGE }

  /** One stat to one unlabelled metric. */
  private record Rule(String stat, String metric, Kind kind, String help) {}

  private static Rule counter(String stat, String metric, String help) {
    return new Rule(stat, metric, Kind.COUNTER, help);
  }

  private static Rule gauge(String stat, String metric, String help) {
    return new Rule(stat, metric, Kind.GAUGE, help);
  }

  /** General {@code stats} with a memcached_exporter counterpart. */
  private static final List<Rule> EXPORTER = List.of(
      gauge("uptime", "memcached_uptime_seconds", "Seconds since the server started."),
      gauge("time", "memcached_time_seconds", "The server's current UNIX time."),
      counter("rusage_user", "memcached_process_user_cpu_seconds_total", "User CPU time used by the process."),
      counter("rusage_system", "memcached_process_system_cpu_seconds_total",
          "System CPU time used by the process."),
      counter("bytes_read", "memcached_read_bytes_total", "Bytes read from the network by the server."),
      counter("bytes_written", "memcached_written_bytes_total", "Bytes sent to the network by the server."),
      gauge("curr_connections", "memcached_current_connections", "Open connections."),
      counter("total_connections", "memcached_connections_total", "Connections opened since the server started."),
      counter("rejected_connections", "memcached_connections_rejected_total",
          "Connections closed at once because the connection limit (-c) was reached."),
      counter("listen_disabled_num", "memcached_connections_listener_disabled_total",
          "Times the listener stopped accepting at the connection limit."),
      gauge("bytes", "memcached_current_bytes", "Bytes used by stored items."),
      gauge("limit_maxbytes", "memcached_limit_bytes", "Bytes the server may use for items (-m)."),
      gauge("curr_items", "memcached_current_items", "Items stored now."),
      counter("total_items", "memcached_items_total", "Items stored since the server started."),
      counter("evictions", "memcached_items_evicted_total", "Live items removed to make room for new ones."),
      counter("reclaimed", "memcached_items_reclaimed_total",
          "Times an item was stored in the memory of an expired one."),
      counter("store_too_large", "memcached_item_too_large_total",
          "Items refused for being larger than the item size limit."),
      counter("store_no_memory", "memcached_item_no_memory_total", "Items refused for lack of memory."),
      gauge("accepting_conns", "memcached_accepting_connections", "1 while the server accepts connections."));

  /** General {@code stats} that are safecached's own (UDP guard, allowlist, TLS, memory bounds). */
  private static final List<Rule> OWN = List.of(
      counter("get_expired", "safecached_get_expired_total", "Reads that found an expired item."),
      counter("get_flushed", "safecached_get_flushed_total", "Reads that found an item invalidated by flush_all."),
      counter("expired_unfetched", "safecached_items_expired_unfetched_total",
          "Items that expired without ever being read."),
      counter("evicted_unfetched", "safecached_items_evicted_unfetched_total",
          "Items evicted without ever being read."),
      counter("idle_kicks", "safecached_idle_kicks_total", "Connections closed by the idle timeout."),
      gauge("threads", "safecached_threads", "Network threads (-t)."),
      gauge("inflight_value_bytes", "safecached_inflight_value_bytes",
          "Bytes reserved in the store for values still arriving."),
      gauge("inflight_value_limit", "safecached_inflight_value_limit_bytes",
          "The most that values still arriving may reserve."),
      gauge("outbound_bytes", "safecached_outbound_bytes", "Reply bytes queued on all connections."),
      gauge("read_paused_conns", "safecached_read_paused_connections",
          "Connections not read from until their replies drain."),
      gauge("outbound_held_conns", "safecached_outbound_held_connections",
          "Connections held back because all queued replies together reached their bound."),
      counter("auth_cmds", "safecached_auth_commands_total", "Login attempts on the data port."),
      counter("auth_errors", "safecached_auth_failures_total", "Failed login attempts on the data port."),
      counter("udp_requests", "safecached_udp_requests_total", "UDP datagrams received."),
      counter("udp_replies_truncated", "safecached_udp_replies_truncated_total",
          "UDP replies not sent because they passed the amplification bound."),
      counter("udp_writes_refused", "safecached_udp_writes_refused_total",
          "Storage and admin commands refused to UDP sources without --udp-writes."),
      counter("udp_bytes_read", "safecached_udp_read_bytes_total", "Bytes of UDP datagrams received."),
      counter("udp_bytes_written", "safecached_udp_written_bytes_total", "Bytes of UDP datagrams sent."),
      gauge("udp_sources", "safecached_udp_sources", "UDP sources the rate limiter tracks now."),
      counter("ssl_handshake_errors", "safecached_tls_handshake_failures_total",
          "TLS handshakes that failed, plaintext clients on a TLS listener included."),
      counter("ssl_cert_reloads", "safecached_tls_certificate_reloads_total", "Certificate reloads that worked."),
      counter("ssl_cert_reload_failures", "safecached_tls_certificate_reload_failures_total",
          "Certificate reloads that failed (the old certificate stayed in use)."),
      gauge("time_since_server_cert_refresh", "safecached_tls_certificate_age_seconds",
          "Seconds since the certificate in use was loaded."));

  /** UDP drop counters, by the reason label of {@code safecached_udp_dropped_total}. */
  private static final Map<String, String> UDP_DROPS = orderedMap(
      "udp_dropped_malformed", "malformed",
      "udp_dropped_rate_limited", "rate_limited",
      "udp_dropped_unauthenticated", "unauthenticated");

  /** Allowlist rejections, by the transport label of {@code safecached_allowlist_rejections_total}. */
  private static final Map<String, String> ALLOWLIST = orderedMap(
      "rejected_by_allowlist", "tcp",
      "udp_dropped_not_allowed", "udp");

  /** {@code stats items} keys (after {@code items:<slab>:}) and their per-slab metric, as memcached_exporter. */
  private static final List<Rule> ITEMS = List.of(
      gauge("number", "memcached_slab_current_items", "Items stored in this slab class."),
      gauge("age", "memcached_slab_items_age_seconds", "Age of the oldest item in this slab class."),
      counter("evicted", "memcached_slab_items_evicted_total", "Items evicted from this slab class."),
      counter("evicted_nonzero", "memcached_slab_items_evicted_nonzero_total",
          "Items with an expiry time evicted from this slab class before they expired."),
      gauge("evicted_time", "memcached_slab_items_evicted_time_seconds",
          "Seconds since the last access of the item evicted last."),
      counter("evicted_unfetched", "memcached_slab_items_evicted_unfetched_total",
          "Items evicted from this slab class without ever being read."),
      counter("expired_unfetched", "memcached_slab_items_expired_unfetched_total",
          "Items of this slab class that expired without ever being read."),
      counter("outofmemory", "memcached_slab_items_outofmemory_total",
          "Items of this slab class refused for lack of memory."),
      counter("reclaimed", "memcached_slab_items_reclaimed_total", "Items of this slab class reclaimed."),
      counter("tailrepairs", "memcached_slab_items_tailrepairs_total", "Tail repairs in this slab class."),
      counter("crawler_reclaimed", "memcached_slab_items_crawler_reclaimed_total",
          "Items of this slab class freed by the crawler."),
      gauge("mem_requested", "memcached_slab_mem_requested_bytes", "Bytes the items of this slab class take."),
      gauge("moves_to_cold", "memcached_slab_items_moves_to_cold", "Items moved from HOT or WARM to COLD."),
      gauge("moves_to_warm", "memcached_slab_items_moves_to_warm", "Items moved from COLD to WARM."),
      gauge("moves_within_lru", "memcached_slab_items_moves_within_lru", "Items bumped within HOT or WARM."),
      gauge("number_hot", "memcached_slab_hot_items", "Items in the HOT LRU."),
      gauge("number_warm", "memcached_slab_warm_items", "Items in the WARM LRU."),
      gauge("number_cold", "memcached_slab_cold_items", "Items in the COLD LRU."),
      gauge("number_temp", "memcached_slab_temporary_items", "Items in the TEMPORARY LRU."),
      gauge("age_hot", "memcached_slab_hot_age_seconds", "Age of the oldest item in the HOT LRU."),
      gauge("age_warm", "memcached_slab_warm_age_seconds", "Age of the oldest item in the WARM LRU."));

  /** Commands with {@code <op>_hits} and {@code <op>_misses} stats, as memcached_exporter reads them. */
  private static final List<String> HIT_MISS_COMMANDS = List.of("get", "delete", "incr", "decr", "cas", "touch");

  private StatsMapping() {}

  /** The metrics for one scrape. */
  static MetricSnapshots map(Stats stats, SecurityEvents events) {
    Families f = new Families();
    Map<String, String> s = stats.general();
    String version = s.get("version");
    if (version != null) {
      f.add(Kind.GAUGE, "memcached_version", "The server's version.", 1, "version", version);
    }
    commands(f, s);
    for (Rule r : EXPORTER) {
      f.add(r, s.get(r.stat()));
    }
    f.add(Kind.GAUGE, "memcached_max_connections", "Connections allowed at once (-c).",
        stats.settings().get("maxconns"));
    f.add(Kind.GAUGE, "memcached_malloced_bytes", "Bytes of memory allocated for items.",
        stats.slabs().get("total_malloced"));
    items(f, stats.items());
    for (Rule r : OWN) {
      f.add(r, s.get(r.stat()));
    }
    UDP_DROPS.forEach((stat, reason) -> f.add(Kind.COUNTER, "safecached_udp_dropped_total",
        "UDP datagrams dropped by the UDP guard, by reason.", s.get(stat), "reason", reason));
    ALLOWLIST.forEach((stat, transport) -> f.add(Kind.COUNTER, "safecached_allowlist_rejections_total",
        "Connections and datagrams from sources outside --allow, closed or dropped unread.", s.get(stat),
        "transport", transport));
    f.add(Kind.COUNTER, "safecached_tls_handshakes_total", "TLS handshakes that finished.", events.tlsHandshakes());
    f.add(Kind.COUNTER, "safecached_auth_delayed_total",
        "Failed logins whose reply the brute-force guard held back.", events.authDelayed());
    f.add(Kind.COUNTER, "safecached_auth_delay_seconds_total",
        "Seconds failed logins' replies were held back, in all.", events.authDelayMillis() / 1000.0);
    f.add(Kind.COUNTER, "safecached_auth_refused_total",
        "Logins turned away unchecked because their source failed too often.", events.authRefused());
    f.add(Kind.COUNTER, "safecached_metrics_auth_failures_total",
        "Scrapes of this endpoint without valid credentials.", events.metricsAuthFailures());
    f.add(Kind.GAUGE, "memcached_up", "1 when the server's statistics could all be read.", f.parseError ? 0 : 1);
    return f.build();
  }

  private static void commands(Families f, Map<String, String> s) {
    String help = "Commands by command and outcome.";
    for (String op : HIT_MISS_COMMANDS) {
      f.add(Kind.COUNTER, "memcached_commands_total", help, s.get(op + "_hits"), "command", op, "status", "hit");
      f.add(Kind.COUNTER, "memcached_commands_total", help, s.get(op + "_misses"), "command", op, "status", "miss");
    }
    f.add(Kind.COUNTER, "memcached_commands_total", help, s.get("cas_badval"), "command", "cas", "status", "badval");
    f.add(Kind.COUNTER, "memcached_commands_total", help, s.get("cmd_flush"), "command", "flush", "status", "hit");
    Double set = f.parse(s.get("cmd_set"));
    Double casHits = f.parse(s.get("cas_hits"));
    Double casMisses = f.parse(s.get("cas_misses"));
    Double casBadval = f.parse(s.get("cas_badval"));
    if (set != null && casHits != null && casMisses != null && casBadval != null) {
      f.add(Kind.COUNTER, "memcached_commands_total", help, set - casHits - casMisses - casBadval,
          "command", "set", "status", "hit");
    }
  }

  /** {@code items:<slab>:<name>} lines to per-slab metrics, slab classes in numeric order. */
  private static void items(Families f, Map<String, String> items) {
    Map<Integer, Map<String, String>> bySlab = new TreeMap<>();
    items.forEach((key, value) -> {
      String[] parts = key.split(":", 3);
      if (parts.length == 3 && parts[0].equals("items") && parts[1].matches("\\d{1,9}")) {
        bySlab.computeIfAbsent(Integer.parseInt(parts[1]), k -> new LinkedHashMap<>()).put(parts[2], value);
      }
    });
    for (Rule r : ITEMS) {
      bySlab.forEach((slab, stats) -> f.add(r.kind(), r.metric(), r.help(), stats.get(r.stat()),
          "slab", Integer.toString(slab)));
    }
  }

  private static Map<String, String> orderedMap(String... keysAndValues) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return m;
  }

  /** Metric families in the order first seen, each with its points. */
  private static final class Families {
    private final Map<String, Family> byName = new LinkedHashMap<>();
    boolean parseError;

    private record Point(Labels labels, double value) {}

    private record Family(Kind kind, String help, List<Point> points) {}

    /** A stat's value as a number; null when absent, and when unparseable (then {@code memcached_up} is 0). */
    Double parse(String value) {
      if (value == null) {
        return null;
      }
      try {
        return Double.parseDouble(value.strip());
      } catch (NumberFormatException e) {
        parseError = true;
        return null;
      }
    }

    void add(Rule r, String value) {
      add(r.kind(), r.metric(), r.help(), value);
    }

    void add(Kind kind, String name, String help, String value, String... labels) {
      Double v = parse(value);
      if (v != null) {
        add(kind, name, help, v, labels);
      }
    }

    void add(Kind kind, String name, String help, double value, String... labels) {
      byName.computeIfAbsent(name, n -> new Family(kind, help, new ArrayList<>()))
          .points().add(new Point(Labels.of(labels), value));
    }

    MetricSnapshots build() {
      List<MetricSnapshot> out = new ArrayList<>(byName.size());
      byName.forEach((name, family) -> out.add(family.kind() == Kind.COUNTER ? counter(name, family)
          : gauge(name, family)));
      return new MetricSnapshots(out);
    }

    private static CounterSnapshot counter(String name, Family family) {
      // the text format writer adds the _total suffix to every counter
      CounterSnapshot.Builder b = CounterSnapshot.builder()
          .name(name.substring(0, name.length() - "_total".length())).help(family.help());
      for (Point p : family.points()) {
        b.dataPoint(CounterDataPointSnapshot.builder().labels(p.labels()).value(p.value()).build());
      }
      return b.build();
    }

    private static GaugeSnapshot gauge(String name, Family family) {
      GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(family.help());
      for (Point p : family.points()) {
        b.dataPoint(GaugeDataPointSnapshot.builder().labels(p.labels()).value(p.value()).build());
      }
      return b.build();
    }
  }
}
