package io.safecached.audit;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code --format csv}: one row per target. The first columns are those of the Shadowserver "Open Memcached"
 * report (so IntelMQ-style tooling can read it), then the audit's own.
 */
public final class CsvReport implements ReportWriter {
  /** The header, in column order. */
  public static final List<String> COLUMNS = List.of("timestamp", "ip", "protocol", "port", "hostname", "tag",
      "version", "pid", "pointer_size", "uptime", "time", "curr_connections", "total_connections",
      "response_size", "amplification", "curr_items", "bytes", "limit_maxbytes", "threads", "scope", "tcp",
      "tcp_unauthenticated", "auth_required", "auth_methods", "tls", "udp", "write_access", "exposed",
      "severity", "findings", "cves", "error");

  private final PrintWriter out;

  public CsvReport(PrintWriter out) {
    this.out = out;
  }

  @Override
  public void begin(Context context) {
    out.print(Csv.row(COLUMNS) + "\r\n");
  }

  @Override
  public void result(TargetResult r) {
    List<String> f = new ArrayList<>();
    Target t = r.target();
    f.add(ReportFields.REPORT_TIME.format(r.timestamp()));
    f.add(t.ip());
    boolean tcp = r.memcachedAnswered() || (t.local() != null && t.tcp());
    f.add(tcp && r.udpOpen() ? "tcp+udp" : tcp ? "tcp" : r.udpOpen() ? "udp" : "");
    f.add(Integer.toString(t.port()));
    f.add(t.host().equals(t.ip()) ? "" : t.host());
    f.add(r.product() == null ? "" : r.product());
    f.add(str(r.version()));
    f.add(str(r.pid()));
    f.add(str(r.stat("pointer_size")));
    f.add(str(r.stat("uptime")));
    f.add(str(ReportFields.serverTime(r)));
    f.add(str(r.stat("curr_connections")));
    f.add(str(r.stat("total_connections")));
    UdpReply u = r.observation().udp();
    f.add(r.udpOpen() && u != null ? Long.toString(u.responseBytes()) : "");
    f.add(str(ReportFields.amplification(r)));
    f.add(str(r.stat("curr_items")));
    f.add(str(r.stat("bytes")));
    f.add(str(r.stat("limit_maxbytes")));
    f.add(str(r.stat("threads")));
    f.add(r.scope().label());
    f.add(r.tcpState().label());
    f.add(Boolean.toString(r.tcpUnauthenticated()));
    f.add(Boolean.toString(r.authRequired()));
    f.add(String.join(" ", r.authMethods()));
    f.add(Boolean.toString(r.tls()));
    f.add(r.udpState().label());
    f.add(r.observation().write() == null ? "" : Boolean.toString(r.writeAccess()));
    f.add(Boolean.toString(r.exposed()));
    f.add(r.severity() == null ? "" : r.severity().label());
    f.add(String.join(" ", r.findingIds()));
    f.add(String.join(" ", r.cves().stream().map(Cve::id).toList()));
    f.add(str(r.error()));
    out.print(Csv.row(f) + "\r\n");
    out.flush();
  }

  private static String str(Object o) {
    return o == null ? "" : o.toString();
  }

  @Override
  public void end(Summary summary) {
    out.flush();
  }
}
