package io.safecached.audit;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.Locale;

/** Writes the results of one audit in one format; called from one thread at a time. */
public interface ReportWriter {
  /** Settings every format may show. */
  record Context(Instant started, Severity failOn, String command, long planned, boolean listAll) {}

  /** Called once before any result. */
  default void begin(Context context) {}

  /** Called once per finished target. */
  void result(TargetResult result);

  /** Called once at the end; flushes. */
  void end(Summary summary);

  /** The writer for a {@code --format} value: table, json, csv or html. */
  static ReportWriter forFormat(String format, PrintWriter out) {
    return switch (format.toLowerCase(Locale.ROOT)) {
      case "table" -> new TableReport(out);
      case "json" -> new JsonReport(out);
      case "csv" -> new CsvReport(out);
      case "html" -> new HtmlReport(out);
      default -> throw new UsageException("unknown --format '" + format + "' (table, json, csv, html)");
    };
  }
}
