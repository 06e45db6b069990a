package io.safecached.audit;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;

/**
 * {@code --format html}: one self-contained page (inline CSS and script, a Content-Security-Policy that
 * forbids loading anything) with the summary counts, a sortable table of targets, each finding with its
 * remedy, and the findings reference. Every value from the network is HTML-escaped.
 */
public final class HtmlReport extends CollectingReport {
  private static final String TEMPLATE = "report-template.html";

  public HtmlReport(PrintWriter out) {
    super(out);
  }

  @Override
  public void end(Summary s) {
    results.sort(Comparator.comparingLong(TargetResult::index));
    boolean all = context.listAll() || context.planned() <= TableReport.LIST_ALL_UP_TO;
    StringBuilder b = new StringBuilder();
    b.append("<h1>safecached audit report</h1>\n<p class=\"meta\">");
    if (context.started() != null) {
      b.append("Started ").append(Html.escape(ReportFields.REPORT_TIME.format(context.started()))).append(" UTC. ");
    }
    b.append("Command: <code>").append(Html.escape(context.command())).append("</code>. Exposed means a finding"
        + " at or above <b>").append(Html.escape(context.failOn().label())).append("</b>.</p>\n");
    if (s.incomplete() != null) {
      b.append("<p class=\"incomplete\">Incomplete: ").append(Html.escape(s.incomplete())).append("</p>\n");
    }
    b.append("<div class=\"cards\" id=\"summary\">\n");
    card(b, "targets", s.targets(), "Targets");
    card(b, "answered", s.answered(), "Answered");
    card(b, "exposed", s.exposed(), "Exposed");
    card(b, "unauthenticated", s.unauthenticated(), "Unauthenticated TCP");
    card(b, "udp", s.udpAmplifiers(), "UDP amplifiers");
    card(b, "auth", s.authRequired(), "Require auth");
    card(b, "tls", s.tls(), "TLS");
    card(b, "errors", s.errors(), "Errors");
    Severity[] sev = Severity.values();
    for (int i = sev.length - 1; i >= 0; i--) {
      card(b, "sev-" + sev[i].label(), s.bySeverity().getOrDefault(sev[i], 0L), "Worst: " + sev[i].label());
    }
    b.append("</div>\n<p>").append(Html.escape(TableReport.summaryLine(s, context.failOn()))).append("</p>\n");

    b.append("<h2>Targets</h2>\n<table class=\"sortable\" id=\"targets\">\n<thead><tr>");
    for (String h : List.of("Target", "Scope", "TCP", "Auth", "TLS", "UDP", "Amplification", "Version", "pid",
        "Items", "Severity", "Exposed", "Findings")) {
      b.append("<th>").append(h).append("</th>");
    }
    b.append("</tr></thead>\n<tbody>\n");
    long hidden = dropped;
    for (TargetResult r : results) {
      if (!all && !TableReport.interesting(r)) {
        hidden++;
        continue;
      }
      String amp = ReportFields.amplification(r);
      Severity worst = r.severity();
      b.append("<tr>");
      td(b, r.target().display(), null);
      td(b, r.scope().label(), null);
      td(b, r.error() != null ? "error" : r.tcpState().label(), null);
      td(b, ReportFields.authColumn(r), null);
      td(b, r.tls() ? "yes" : "no", null);
      td(b, r.udpState().label(), null);
      b.append("<td class=\"num\">").append(amp == null ? "" : Html.escape(amp)).append("</td>");
      td(b, r.version() == null ? "" : r.version(), null);
      b.append("<td class=\"num\">").append(r.pid() == null ? "" : r.pid()).append("</td>");
      Long items = r.stat("curr_items");
      b.append("<td class=\"num\">").append(items == null ? "" : items).append("</td>");
      b.append("<td data-sort=\"").append(worst == null ? -1 : worst.ordinal()).append("\">");
      if (worst != null) {
        b.append("<span class=\"sev sev-").append(worst.label()).append("\">").append(worst.label())
            .append("</span>");
      }
      b.append("</td>");
      b.append(r.exposed() ? "<td class=\"exposed\">YES</td>" : "<td>no</td>");
      td(b, String.join(" ", r.findingIds()), null);
      b.append("</tr>\n");
    }
    b.append("</tbody>\n</table>\n");
    if (hidden > 0) {
      b.append("<p>").append(hidden).append(" closed or silent targets not listed (<code>--all</code> lists"
          + " them).</p>\n");
    }

    b.append("<h2>Findings</h2>\n");
    boolean any = false;
    for (TargetResult r : results) {
      if (r.findings().isEmpty() && r.error() == null) {
        continue;
      }
      any = true;
      b.append("<section class=\"target\"><h3>").append(Html.escape(r.target().display())).append(" <small>(")
          .append(Html.escape(r.scope().label()));
      if (r.version() != null) {
        b.append(", version ").append(Html.escape(r.version()));
      }
      b.append(")</small></h3>\n");
      if (r.error() != null) {
        b.append("<p>Error: ").append(Html.escape(r.error())).append("</p>\n");
      }
      for (Finding f : r.findings()) {
        b.append("<div class=\"finding\" data-id=\"").append(Html.escape(f.id())).append("\"><span class=\"sev sev-")
            .append(f.severity().label()).append("\">").append(f.severity().label()).append("</span> <b>")
            .append(Html.escape(f.id())).append("</b> ").append(Html.escape(f.type().title())).append("<br>")
            .append(Html.escape(f.detail())).append("<br><span class=\"remedy\">Remedy: ")
            .append(Html.escape(f.remedy())).append("</span>");
        if (f.type() == FindingType.VERSION_CVE) {
          b.append("<ul>");
          for (Cve c : r.cves()) {
            b.append("<li><a href=\"").append(Html.escape(c.source())).append("\" rel=\"noreferrer\">")
                .append(Html.escape(c.id())).append("</a> (affected ").append(Html.escape(c.affected().toString()))
                .append(c.fixed().isBlank() ? "" : ", fixed in " + Html.escape(c.fixed()))
                .append(c.feature().isBlank() ? "" : ", only with " + Html.escape(c.feature())).append("): ")
                .append(Html.escape(c.summary())).append("</li>");
          }
          b.append("</ul>");
        }
        b.append("</div>\n");
      }
      b.append("</section>\n");
    }
    if (!any) {
      b.append("<p>No findings.</p>\n");
    }

    b.append("<h2>Findings reference</h2>\n<table class=\"sortable\" id=\"reference\">\n<thead><tr><th>Id</th>"
        + "<th>Meaning</th><th>Severity (loopback / private / public)</th><th>Remedy</th></tr></thead>\n<tbody>\n");
    for (FindingType t : FindingType.values()) {
      b.append("<tr><td>").append(t.id()).append("</td><td>").append(Html.escape(t.title())).append("</td><td>")
          .append(t.severity(Scope.LOOPBACK).label()).append(" / ").append(t.severity(Scope.PRIVATE).label())
          .append(" / ").append(t.severity(Scope.PUBLIC).label()).append("</td><td>")
          .append(Html.escape(t.remedy())).append("</td></tr>\n");
    }
    b.append("</tbody>\n</table>\n<p class=\"meta\">A version in a CVE's affected range is reported as such, not as"
        + " vulnerable: distributions backport fixes without changing the version.</p>");

    String page = template().replace("{{TITLE}}", "safecached audit: " + s.exposed() + " exposed of "
        + s.targets()).replace("{{BODY}}", b.toString());
    out.print(page);
    out.flush();
  }

  private static void card(StringBuilder b, String id, long n, String label) {
    b.append("<div class=\"card\" data-count=\"").append(id).append("\"><b>").append(n).append("</b>")
        .append(Html.escape(label)).append("</div>\n");
  }

  private static void td(StringBuilder b, String text, String cls) {
    b.append(cls == null ? "<td>" : "<td class=\"" + cls + "\">").append(Html.escape(text)).append("</td>");
  }

  private static String template() {
    try (InputStream in = HtmlReport.class.getResourceAsStream(TEMPLATE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + TEMPLATE);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
