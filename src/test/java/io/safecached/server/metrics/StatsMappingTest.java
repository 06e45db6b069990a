package io.safecached.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** memcached's stats to memcached_exporter's metric names and labels, and safecached's own metrics. */
class StatsMappingTest {
  private final SecurityEvents events = new SecurityEvents();

  private static Map<String, String> stats(String... namesAndValues) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      m.put(namesAndValues[i], namesAndValues[i + 1]);
    }
    return m;
  }

  private static StatsMapping.Stats general(String... namesAndValues) {
    return new StatsMapping.Stats(stats(namesAndValues), Map.of(), Map.of(), Map.of());
  }

  /** The sample lines (no comments) of the text format. */
  private List<String> samples(StatsMapping.Stats stats) {
    return text(StatsMapping.map(stats, events)).lines().filter(l -> !l.startsWith("#")).toList();
  }

  static String text(MetricSnapshots snapshots) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      PrometheusTextFormatWriter.create().write(out, snapshots);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void hitsAndMissesBecomeCommandsTotalWithMemcachedExportersLabels() {
    assertThat(samples(general("get_hits", "5", "get_misses", "2", "delete_hits", "1", "delete_misses", "0",
        "incr_hits", "3", "incr_misses", "4", "decr_hits", "6", "decr_misses", "7", "touch_hits", "8",
        "touch_misses", "9", "cas_hits", "1", "cas_misses", "2", "cas_badval", "3", "cmd_flush", "11",
        "cmd_set", "10")))
        .contains(
            "memcached_commands_total{command=\"get\",status=\"hit\"} 5.0",
            "memcached_commands_total{command=\"get\",status=\"miss\"} 2.0",
            "memcached_commands_total{command=\"delete\",status=\"hit\"} 1.0",
            "memcached_commands_total{command=\"delete\",status=\"miss\"} 0.0",
            "memcached_commands_total{command=\"incr\",status=\"miss\"} 4.0",
            "memcached_commands_total{command=\"decr\",status=\"hit\"} 6.0",
            "memcached_commands_total{command=\"touch\",status=\"miss\"} 9.0",
            "memcached_commands_total{command=\"cas\",status=\"hit\"} 1.0",
            "memcached_commands_total{command=\"cas\",status=\"miss\"} 2.0",
            "memcached_commands_total{command=\"cas\",status=\"badval\"} 3.0",
            "memcached_commands_total{command=\"flush\",status=\"hit\"} 11.0",
            // memcached counts cas commands in cmd_set too; the exporter takes them out again
            "memcached_commands_total{command=\"set\",status=\"hit\"} 4.0");
  }

  @Test
  void generalStatsMapToTheExportersNames() {
    assertThat(samples(general("uptime", "12", "time", "1700000000", "version", "1.6.45-safecached-0.1.0",
        "rusage_user", "1.500000", "rusage_system", "0.000250", "curr_connections", "3", "total_connections", "9",
        "rejected_connections", "1", "listen_disabled_num", "0", "bytes_read", "100", "bytes_written", "200",
        "limit_maxbytes", "67108864", "accepting_conns", "1", "bytes", "4096", "curr_items", "7",
        "total_items", "8", "evictions", "2", "reclaimed", "5", "store_too_large", "6", "store_no_memory", "4")))
        .contains(
            "memcached_up 1.0",
            "memcached_uptime_seconds 12.0",
            "memcached_time_seconds 1.7E9",
            "memcached_version{version=\"1.6.45-safecached-0.1.0\"} 1.0",
            "memcached_process_user_cpu_seconds_total 1.5",
            "memcached_process_system_cpu_seconds_total 2.5E-4",
            "memcached_current_connections 3.0",
            "memcached_connections_total 9.0",
            "memcached_connections_rejected_total 1.0",
            "memcached_connections_listener_disabled_total 0.0",
            "memcached_read_bytes_total 100.0",
            "memcached_written_bytes_total 200.0",
            "memcached_limit_bytes 6.7108864E7",
            "memcached_accepting_connections 1.0",
            "memcached_current_bytes 4096.0",
            "memcached_current_items 7.0",
            "memcached_items_total 8.0",
            "memcached_items_evicted_total 2.0",
            "memcached_items_reclaimed_total 5.0",
            "memcached_item_too_large_total 6.0",
            "memcached_item_no_memory_total 4.0");
  }

  @Test
  void settingsSlabsAndItemsGiveMaxConnectionsMallocedAndPerSlabMetrics() {
    StatsMapping.Stats s = new StatsMapping.Stats(Map.of(), stats("maxconns", "1024", "tcpport", "11211"),
        stats("items:1:number", "3", "items:1:mem_requested", "300", "items:1:evicted", "4",
            "items:1:outofmemory", "5", "items:1:reclaimed", "6", "items:1:expired_unfetched", "7",
            "items:1:evicted_unfetched", "8", "items:12:number", "1", "items:x:number", "9", "bogus", "1"),
        stats("active_slabs", "0", "total_malloced", "1234"));
    assertThat(samples(s)).contains(
        "memcached_max_connections 1024.0",
        "memcached_malloced_bytes 1234.0",
        "memcached_slab_current_items{slab=\"1\"} 3.0",
        "memcached_slab_current_items{slab=\"12\"} 1.0",
        "memcached_slab_mem_requested_bytes{slab=\"1\"} 300.0",
        "memcached_slab_items_evicted_total{slab=\"1\"} 4.0",
        "memcached_slab_items_outofmemory_total{slab=\"1\"} 5.0",
        "memcached_slab_items_reclaimed_total{slab=\"1\"} 6.0",
        "memcached_slab_items_expired_unfetched_total{slab=\"1\"} 7.0",
        "memcached_slab_items_evicted_unfetched_total{slab=\"1\"} 8.0")
        .noneMatch(l -> l.contains("slab=\"x\""))
        .noneMatch(l -> l.startsWith("memcached_slab_items_age_seconds"));
  }

  @Test
  void anAbsentStatGivesNoMetricAndAnUnparseableOneTurnsUpToZero() {
    assertThat(samples(general("curr_items", "3")))
        .contains("memcached_up 1.0", "memcached_current_items 3.0")
        .noneMatch(l -> l.startsWith("memcached_current_bytes"))
        .noneMatch(l -> l.startsWith("memcached_commands_total"));
    assertThat(samples(general("curr_items", "lots", "bytes", "10")))
        .contains("memcached_up 0.0", "memcached_current_bytes 10.0")
        .noneMatch(l -> l.startsWith("memcached_current_items"));
  }

  @Test
  void udpGuardAllowlistTlsAndMemoryBoundsAreSafecachedsOwn() {
    assertThat(samples(general("udp_requests", "10", "udp_dropped_malformed", "1", "udp_dropped_rate_limited", "2",
        "udp_dropped_unauthenticated", "3", "udp_replies_truncated", "4", "udp_writes_refused", "5",
        "udp_bytes_read", "600", "udp_bytes_written", "700", "udp_sources", "2", "rejected_by_allowlist", "8",
        "udp_dropped_not_allowed", "9", "ssl_handshake_errors", "2", "ssl_cert_reloads", "1",
        "ssl_cert_reload_failures", "0", "time_since_server_cert_refresh", "30", "auth_cmds", "5",
        "auth_errors", "3", "inflight_value_bytes", "10", "inflight_value_limit", "20", "outbound_bytes", "30",
        "read_paused_conns", "1", "outbound_held_conns", "0", "get_expired", "2", "get_flushed", "1",
        "idle_kicks", "4", "threads", "4")))
        .contains(
            "safecached_udp_requests_total 10.0",
            "safecached_udp_dropped_total{reason=\"malformed\"} 1.0",
            "safecached_udp_dropped_total{reason=\"rate_limited\"} 2.0",
            "safecached_udp_dropped_total{reason=\"unauthenticated\"} 3.0",
            "safecached_udp_replies_truncated_total 4.0",
            "safecached_udp_writes_refused_total 5.0",
            "safecached_udp_read_bytes_total 600.0",
            "safecached_udp_written_bytes_total 700.0",
            "safecached_udp_sources 2.0",
            "safecached_allowlist_rejections_total{transport=\"tcp\"} 8.0",
            "safecached_allowlist_rejections_total{transport=\"udp\"} 9.0",
            "safecached_tls_handshake_failures_total 2.0",
            "safecached_tls_certificate_reloads_total 1.0",
            "safecached_tls_certificate_reload_failures_total 0.0",
            "safecached_tls_certificate_age_seconds 30.0",
            "safecached_auth_commands_total 5.0",
            "safecached_auth_failures_total 3.0",
            "safecached_inflight_value_bytes 10.0",
            "safecached_inflight_value_limit_bytes 20.0",
            "safecached_outbound_bytes 30.0",
            "safecached_read_paused_connections 1.0",
            "safecached_outbound_held_connections 0.0",
            "safecached_get_expired_total 2.0",
            "safecached_get_flushed_total 1.0",
            "safecached_idle_kicks_total 4.0",
            "safecached_threads 4.0");
  }

  @Test
  void securityEventsAreReported() {
    events.recordTlsHandshake();
    events.recordTlsHandshake();
    events.recordAuthDelay(0);
    events.recordAuthDelay(250);
    events.recordAuthDelay(500);
    events.recordAuthRefusal();
    events.recordMetricsAuthFailure();
    assertThat(samples(general())).contains(
        "safecached_tls_handshakes_total 2.0",
        "safecached_auth_delayed_total 2.0",
        "safecached_auth_delay_seconds_total 0.75",
        "safecached_auth_refused_total 1.0",
        "safecached_metrics_auth_failures_total 1.0");
  }

  @Test
  void countersKeepOneTotalSuffixAndEveryFamilyHasHelpAndType() {
    String text = text(StatsMapping.map(general("get_hits", "1", "uptime", "5"), events));
    assertThat(text).contains("# TYPE memcached_commands_total counter", "# TYPE memcached_uptime_seconds gauge")
        .doesNotContain("_total_total");
    long families = text.lines().filter(l -> l.startsWith("# TYPE ")).count();
    assertThat(text.lines().filter(l -> l.startsWith("# HELP ")).count()).isEqualTo(families);
  }
}
