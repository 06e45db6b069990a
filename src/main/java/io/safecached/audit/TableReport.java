package io.safecached.audit;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The default {@code --format table}: a table of the targets (in input order), each finding with its remedy,
 * and a summary. Targets that were closed or silent are counted but listed only with {@code --all} or when the
 * audit has at most {@value #LIST_ALL_UP_TO} targets.
 */
public final class TableReport extends CollectingReport {
  /** Audits with at most this many targets list closed ones too. */
  public static final int LIST_ALL_UP_TO = 16;
  private static final String[] PROCESS_HEADER = {"PID", "PROGRAM", "USER", "LISTENERS", "SCOPE", "AUTH", "TLS",
      "UDP", "VERSION", "SEVERITY", "EXPOSED"};
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
    List<TargetResult> local = results.stream().filter(r -> r.target().local() != null).toList();
    List<TargetResult> remote = results.stream().filter(r -> r.target().local() == null).toList();
    if (!local.isEmpty()) {
      print(processRows(local));
      if (!remote.isEmpty()) {
        out.println();
      }
    }
    List<String[]> rows = new ArrayList<>();
    rows.add(HEADER);
    long hidden = dropped;
    for (TargetResult r : remote) {
      if (!all && !interesting(r)) {
        hidden++;
        continue;
      }
      rows.add(new String[] {r.target().display(), r.scope().label(),
          r.error() != null ? "error" : r.tcpState().label(), ReportFields.authColumn(r), r.tls() ? "yes" : "no",
          ReportFields.udpColumn(r), r.version() == null ? "-" : r.version(),
          r.severity() == null ? "-" : r.severity().label(), r.exposed() ? "YES" : "no"});
    }
    if (rows.size() > 1 || local.isEmpty()) {
      print(rows);
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
      LocalListener l = r.target().local();
      out.println((l == null ? r.target().display() : l.protocol() + " " + r.target().display()) + " ("
          + r.scope().label() + (r.product() == null ? "" : ", " + r.product()) + (r.version() == null ? ""
          : " " + r.version()) + (l == null ? "" : ", pid " + l.pid() + ", user " + l.user()) + ")");
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

  /**
   * {@code --local}: one row per process with all its listeners; the scope, severity and exposure of the
   * process are the worst of its listeners.
   */
  private static List<String[]> processRows(List<TargetResult> local) {
    Map<Long, List<TargetResult>> byPid = new LinkedHashMap<>();
    for (TargetResult r : local) {
      byPid.computeIfAbsent(r.target().local().pid(), k -> new ArrayList<>()).add(r);
    }
    List<String[]> rows = new ArrayList<>();
    rows.add(PROCESS_HEADER);
    for (List<TargetResult> group : byPid.values()) {
      LocalListener first = group.get(0).target().local();
      List<String> listeners = new ArrayList<>();
      Scope scope = null;
      Severity worst = null;
      boolean exposed = false;
      String auth = "-";
      String tls = "-";
      String udp = "-";
      String version = "-";
      for (TargetResult r : group) {
        LocalListener l = r.target().local();
        listeners.add(l.protocol() + " " + r.target().display());
        if (scope == null || r.scope().ordinal() > scope.ordinal()) {
          scope = r.scope();
        }
        if (r.severity() != null && (worst == null || r.severity().compareTo(worst) > 0)) {
          worst = r.severity();
        }
        exposed |= r.exposed();
        if (l.protocol().equals("tcp") && auth.equals("-")) {
          auth = ReportFields.authColumn(r);
          tls = r.tls() ? "yes" : "no";
        }
        if (l.protocol().equals("udp")) {
          udp = ReportFields.udpColumn(r);
        }
        if (r.version() != null && version.equals("-")) {
          version = r.version();
        }
      }
      rows.add(new String[] {first.pid() < 0 ? "?" : Long.toString(first.pid()), first.program(), first.user(),
          String.join(", ", listeners), scope.label(), auth, tls, udp, version,
          worst == null ? "-" : worst.label(), exposed ? "YES" : "no"});
    }
    return rows;
  }

  private void print(List<String[]> rows) {
    int[] width = new int[rows.get(0).length];
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
