package io.safecached.audit;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * A report that keeps the results it will list and writes them all at the end (the table and the HTML page).
 * Closed and silent targets that will not be listed are only counted, so a /8 does not fill the heap.
 */
abstract class CollectingReport implements ReportWriter {
  protected final PrintWriter out;
  protected final List<TargetResult> results = new ArrayList<>();
  protected Context context = new Context(null, Severity.MEDIUM, "", 0, false);
  /** Results not kept: closed or silent targets of an audit that does not list them. */
  protected long dropped;

  CollectingReport(PrintWriter out) {
    this.out = out;
  }

  @Override
  public void begin(Context c) {
    this.context = c;
  }

  @Override
  public void result(TargetResult r) {
    if (context.listAll() || context.planned() <= TableReport.LIST_ALL_UP_TO || TableReport.interesting(r)) {
      results.add(r);
    } else {
      dropped++;
    }
  }
}
