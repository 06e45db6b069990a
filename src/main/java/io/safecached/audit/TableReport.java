package io.safecached.audit;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The default {@code --format table}: a table of the targets (in input order), each finding with its remedy,
 * and a summary. Targets that were closed or silent are counted but listed only with {@code --all} or when the
 * audit has at most {@value #LIST_ALL_UP_TO} targets.
 */
public final class TableReport extends CollectingReport {
  /** Audits with at most this many targets list closed ones too. */
  public static final int LIST_ALL_UP_TO = 16;
  private static final String[] HEADER = {"TARGET", "SCOPE", "TCP", "AUTH", "TLS", "UDP", "VERSION", "SEVERITY",
      "EXPOSED"};

  public TableReport(PrintWriter out) {
    super(out);
  }

  static boolean interesting(TargetResult r) {
    return r.error() != null || r.tcpOpen() || r.udpOpen() || !r.findings().isEmpty();
  }

  @Override
  public void end(Summary s) {
    results.sort(Comparator.comparingLong(TargetResult::index));
    boolean all = context.listAll() || context.planned() <= LIST_ALL_UP_TO;
    List<String[]> rows = new ArrayList<>();
    rows.add(HEADER);
    long hidden = dropped;
    for (TargetResult r : results) {
      if (!all && !interesting(r)) {
        hidden++;
        continue;
      }
      rows.add(new String[] {r.target().display(), r.scope().label(),
          r.error() != null ? "error" : r.tcpState().label(), ReportFields.authColumn(r), r.tls() ? "yes" : "no",
          ReportFields.udpColumn(r), r.version() == null ? "-" : r.version(),
          r.severity() == null ? "-" : r.severity().label(), r.exposed() ? "YES" : "no"});
    }
    int[] width = new int[HEADER.length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        width[i] = Math.max(width[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        sb.append(i == row.length - 1 ? row[i] : pad(row[i], width[i] + 2));
      }
      out.println(sb.toString().stripTrailing());
    }
    if (hidden > 0) {
      out.println("(" + hidden + " closed or silent target" + (hidden == 1 ? "" : "s") + " not listed; --all"
          + " lists them)");
    }
    boolean header = false;
    for (TargetResult r : results) {
      if (r.findings().isEmpty() && r.error() == null) {
        continue;
      }
      if (!header) {
        out.println();
        out.println("FINDINGS");
        header = true;
      }
      out.println(r.target().display() + " (" + r.scope().label() + (r.product() == null ? "" : ", "
          + r.product()) + (r.version() == null ? "" : " " + r.version()) + ")");
      if (r.error() != null) {
        out.println("  error: " + r.error());
      }
      for (Finding f : r.findings()) {
        out.println("  " + pad("[" + f.severity().label() + "]", 11) + f.id() + "  " + f.detail());
        out.println("  " + pad("", 11) + "fix: " + f.remedy());
      }
    }
    out.println();
    out.println(summaryLine(s, context.failOn()));
    out.println(severityLine(s));
    if (s.incomplete() != null) {
      out.println("INCOMPLETE: " + s.incomplete());
    }
    out.flush();
  }

  /** The one-line summary shared with the HTML report. */
  static String summaryLine(Summary s, Severity failOn) {
    return String.format(Locale.ROOT, "Summary: %,d of %,d target%s audited, %,d answered, %,d exposed (fail-on %s);"
            + " %,d unauthenticated TCP, %,d UDP amplifier%s, %,d require auth, %,d TLS, %,d error%s%s; %s",
        s.targets(), s.planned(), s.planned() == 1 ? "" : "s", s.answered(), s.exposed(), failOn.label(),
        s.unauthenticated(), s.udpAmplifiers(), s.udpAmplifiers() == 1 ? "" : "s", s.authRequired(), s.tls(),
        s.errors(), s.errors() == 1 ? "" : "s", s.skipped() > 0 ? String.format(Locale.ROOT, ", %,d excluded",
            s.skipped()) : "", Durations.human(s.elapsed()));
  }

  static String severityLine(Summary s) {
    StringBuilder sb = new StringBuilder("By worst finding:");
    Severity[] all = Severity.values();
    for (int i = all.length - 1; i >= 0; i--) {
      sb.append(' ').append(all[i].label()).append(' ').append(s.bySeverity().getOrDefault(all[i], 0L));
      if (i > 0) {
        sb.append(',');
      }
    }
    return sb.toString();
  }

  private static String pad(String s, int w) {
    StringBuilder sb = new StringBuilder(s);
    while (sb.length() < w) {
      sb.append(' ');
    }
    return sb.toString();
  }
}
