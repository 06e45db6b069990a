package io.safecached.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every report format, fed the same hand-made results. */
class ReportsTest {
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T08:00:00Z"), ZoneOffset.UTC);

  private static List<TargetResult> results() throws Exception {
    Classifier c = new Classifier(CveDatabase.bundled(), Severity.MEDIUM, null, CLOCK);
    TextReply hostile = new TextReply(Connect.OPEN, false, null, Map.of(), false, true, false, 40,
        "<script src=\"https://evil.example/x.js\"></script>,\"=1");
    return List.of(
        c.classify(0, Target.remote("192.0.2.1", InetAddress.getByName("192.0.2.1"), 11211),
            Observations.wideOpen("1.4.25")),
        c.classify(1, Target.remote("192.0.2.2", InetAddress.getByName("192.0.2.2"), 11211),
            Observations.sasl("1.6.18")),
        c.classify(2, Target.remote("192.0.2.3", InetAddress.getByName("192.0.2.3"), 11211),
            Observations.closed()),
        c.classify(3, Target.remote("192.0.2.4", InetAddress.getByName("192.0.2.4"), 11211),
            new Observation(hostile, null, null, null, null, null)));
  }

  private static String render(String format, List<TargetResult> rs) {
    StringWriter sw = new StringWriter();
    ReportWriter w = ReportWriter.forFormat(format, new PrintWriter(sw));
    w.begin(new ReportWriter.Context(CLOCK.instant(), Severity.MEDIUM, "safecached audit <test>", rs.size(),
        false));
    Summary.Tally tally = new Summary.Tally();
    for (TargetResult r : rs) {
      tally.add(r);
      w.result(r);
    }
    w.end(tally.summary(rs.size(), 0, null, Duration.ofMillis(1500)));
    return sw.toString();
  }

  @Test
  @SuppressWarnings("unchecked")
  void jsonLinesParseBackWithTheDocumentedFields() throws Exception {
    String out = render("json", results());
    List<Object> lines = Json.parseAll(out);
    assertThat(out.split("\n")).hasSize(4);
    assertThat(lines).hasSize(4);
    Map<String, Object> open = (Map<String, Object>) lines.get(0);
    assertThat(open).containsKeys("host", "port", "tcp_open", "tcp_unauthenticated", "auth_required", "tls",
        "udp_open", "udp_amplification", "version", "pid", "exposed", "findings");
    assertThat(open.get("host")).isEqualTo("192.0.2.1");
    assertThat(open.get("port")).isEqualTo(11211L);
    assertThat(open.get("tcp_unauthenticated")).isEqualTo(true);
    assertThat(open.get("udp_open")).isEqualTo(true);
    assertThat(open.get("udp_amplification").toString()).isEqualTo("149.07");
    assertThat(open.get("version")).isEqualTo("1.4.25");
    assertThat(open.get("pid")).isEqualTo(4242L);
    assertThat(open.get("exposed")).isEqualTo(true);
    assertThat((List<Object>) open.get("findings")).contains("MC-TCP-UNAUTHENTICATED", "MC-UDP-AMPLIFICATION",
        "MC-VERSION-CVE");
    assertThat((List<Object>) open.get("cves")).contains("CVE-2018-1000115");
    Map<String, Object> sasl = (Map<String, Object>) lines.get(1);
    assertThat(sasl.get("auth_required")).isEqualTo(true);
    assertThat(sasl.get("sasl_mechanisms")).isEqualTo(List.of("PLAIN"));
    assertThat(sasl.get("udp_amplification")).isNull();
    assertThat(sasl.get("exposed")).isEqualTo(false);
  }

  @Test
  void csvHasTheShadowserverColumnsAndParsesBack() throws Exception {
    String out = render("csv", results());
    String[] rows = out.split("\r\n");
    assertThat(rows).hasSize(5);
    List<String> header = Csv.split(rows[0]);
    assertThat(header).startsWith("timestamp", "ip", "protocol", "port", "hostname", "tag", "version", "pid",
        "pointer_size", "uptime", "time", "curr_connections", "total_connections", "response_size",
        "amplification");
    List<String> first = Csv.split(rows[1]);
    assertThat(first).hasSameSizeAs(header);
    Map<String, String> row = new java.util.HashMap<>();
    for (int i = 0; i < header.size(); i++) {
      row.put(header.get(i), first.get(i));
    }
    assertThat(row).containsEntry("timestamp", "2026-11-23 08:00:00").containsEntry("ip", "192.0.2.1")
        .containsEntry("protocol", "tcp+udp").containsEntry("port", "11211").containsEntry("tag", "memcached")
        .containsEntry("version", "1.4.25").containsEntry("pid", "4242").containsEntry("uptime", "120")
        .containsEntry("time", "2026-11-18 11:06:40").containsEntry("curr_connections", "3")
        .containsEntry("total_connections", "9").containsEntry("response_size", "2236")
        .containsEntry("amplification", "149.07").containsEntry("exposed", "true");
    List<String> hostile = Csv.split(rows[4]);
    assertThat(hostile).hasSameSizeAs(header);
    assertThat(Csv.split(rows[3]).get(header.indexOf("tcp"))).isEqualTo("closed");
  }

  @Test
  void htmlIsSelfContainedAndShowsCountsFindingsAndRemedies() throws Exception {
    List<TargetResult> rs = results();
    String html = render("html", rs);
    assertThat(html).startsWith("<!DOCTYPE html>").contains("</html>");
    assertThat(html).contains("data-count=\"targets\"><b>4</b>", "data-count=\"exposed\"><b>1</b>",
        "data-count=\"udp\"><b>1</b>", "data-count=\"auth\"><b>1</b>");
    for (TargetResult r : rs) {
      for (Finding f : r.findings()) {
        assertThat(html).contains("data-id=\"" + f.id() + "\"").contains(Html.escape(f.remedy()));
      }
    }
    assertThat(html).contains("class=\"sortable\"");
    // nothing is loaded from anywhere: no external scripts, styles, images, fonts or imports
    assertThat(html).doesNotContainPattern("(?i)<script[^>]+src=").doesNotContainPattern("(?i)<link")
        .doesNotContainPattern("(?i)<img").doesNotContainPattern("(?i)url\\(").doesNotContainPattern("(?i)@import")
        .doesNotContainPattern("(?i)src=\"https?:").doesNotContainPattern("(?i)<iframe");
    assertThat(html).contains("&lt;script src=&quot;https://evil.example/x.js&quot;&gt;");
    assertThat(html).contains("default-src 'none'");
  }

  @Test
  void tableListsTargetsFindingsRemediesAndSummary() throws Exception {
    String out = render("table", results());
    assertThat(out).contains("TARGET", "192.0.2.1:11211", "MC-UDP-AMPLIFICATION", "fix: Turn UDP off with -U 0",
        "Summary: 4 of 4 targets audited, 2 answered, 1 exposed (fail-on medium)", "critical 1");
  }
}
