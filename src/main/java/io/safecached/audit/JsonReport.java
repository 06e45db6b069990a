package io.safecached.audit;

import java.io.PrintWriter;

/** {@code --format json}: JSON Lines, one object per target in the order targets finish; no summary line. */
public final class JsonReport implements ReportWriter {
  private final PrintWriter out;

  public JsonReport(PrintWriter out) {
    this.out = out;
  }

  @Override
  public void result(TargetResult r) {
    out.println(Json.write(ReportFields.json(r)));
    out.flush();
  }

  @Override
  public void end(Summary summary) {
    out.flush();
  }
}
