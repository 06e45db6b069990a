package io.safecached.audit;

import io.safecached.config.Addresses;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The per-target fields shared by the JSON, CSV and HTML reports, computed once from a result. */
final class ReportFields {
  /** Shadowserver's time format, UTC. */
  static final DateTimeFormatter REPORT_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT)
      .withZone(ZoneOffset.UTC);
  /** The stats copied into every report, in this order. */
  static final List<String> STATS = List.of("pid", "uptime", "curr_connections", "total_connections",
      "curr_items", "bytes", "limit_maxbytes", "threads");

  private ReportFields() {}

  static String amplification(TargetResult r) {
    return r.amplification().isPresent() ? String.format(Locale.ROOT, "%.2f", r.amplification().getAsDouble())
        : null;
  }

  static String authColumn(TargetResult r) {
    if (r.tcpUnauthenticated()) {
      return "none";
    }
    return r.authMethods().isEmpty() ? "-" : String.join("+", r.authMethods());
  }

  static String udpColumn(TargetResult r) {
    if (r.amplification().isPresent()) {
      return String.format(Locale.ROOT, "%.1fx", r.amplification().getAsDouble());
    }
    return r.udpState().label();
  }

  static String serverTime(TargetResult r) {
    Long t = r.stat("time");
    return t == null ? null : REPORT_TIME.format(Instant.ofEpochSecond(t));
  }

  /** The JSON object of one result (field names documented in docs/audit.md). */
  static Map<String, Object> json(TargetResult r) {
    Map<String, Object> m = new LinkedHashMap<>();
    Target t = r.target();
    m.put("timestamp", r.timestamp().toString());
    m.put("host", t.host());
    m.put("ip", t.ip());
    m.put("port", t.port());
    m.put("scope", r.scope().label());
    m.put("source", t.local() == null ? "remote" : "local");
    m.put("tcp", r.tcpState().label());
    m.put("tcp_open", r.tcpOpen());
    m.put("tcp_unauthenticated", r.tcpUnauthenticated());
    m.put("auth_required", r.authRequired());
    m.put("auth_methods", r.authMethods());
    m.put("sasl_mechanisms", r.saslMechanisms());
    m.put("binary_protocol", r.binaryProtocol());
    m.put("tls", r.tls());
    m.put("udp", r.udpState().label());
    m.put("udp_open", r.udpOpen());
    UdpReply u = r.observation().udp();
    boolean answered = u != null && u.connect() == Connect.OPEN;
    m.put("udp_amplification", answered ? round(u.amplification()) : null);
    m.put("udp_on_wire_amplification", answered ? round(u.onWireAmplification()) : null);
    m.put("udp_request_size", u == null ? null : u.requestBytes());
    m.put("udp_response_size", answered ? u.responseBytes() : null);
    m.put("udp_datagrams", answered ? u.datagrams() : null);
    m.put("product", r.product());
    m.put("version", r.version());
    for (String s : STATS) {
      m.put(s, s.equals("pid") ? r.pid() : r.stat(s));
    }
    m.put("write_access", r.observation().write() == null ? null : r.writeAccess());
    m.put("cves", r.cves().stream().map(Cve::id).toList());
    m.put("exposed", r.exposed());
    m.put("severity", r.severity() == null ? null : r.severity().label());
    m.put("findings", r.findingIds());
    List<Map<String, Object>> details = new ArrayList<>();
    for (Finding f : r.findings()) {
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("id", f.id());
      d.put("severity", f.severity().label());
      d.put("title", f.type().title());
      d.put("detail", f.detail());
      d.put("remedy", f.remedy());
      details.add(d);
    }
    m.put("finding_details", details);
    if (t.local() != null) {
      Map<String, Object> l = new LinkedHashMap<>();
      l.put("protocol", t.local().protocol());
      l.put("bind", Addresses.text(t.local().bindAddress()));
      l.put("pid", t.local().pid());
      l.put("program", t.local().program());
      l.put("user", t.local().user());
      l.put("cmdline", t.local().cmdline());
      m.put("local", l);
    }
    m.put("error", r.error());
    return m;
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
