package io.safecached.audit;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** A report that keeps every result and writes them all at the end (the table and the HTML page). */
abstract class CollectingReport implements ReportWriter {
  protected final PrintWriter out;
  protected final List<TargetResult> results = new ArrayList<>();
  protected Context context = new Context(null, Severity.MEDIUM, "", 0, false);

  CollectingReport(PrintWriter out) {
    this.out = out;
  }

  @Override
  public void begin(Context c) {
    this.context = c;
  }

  @Override
  public void result(TargetResult r) {
    results.add(r);
  }
}
