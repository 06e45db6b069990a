package io.safecached.server.udp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Measured UDP amplification rows (server, source, request) and their Markdown table. */
public final class UdpAmplificationReport {
  /** IPv4 (20) plus UDP (8) header bytes per datagram, for the on-wire ratio. */
  public static final int IPV4_UDP_OVERHEAD = 28;

  private final List<Row> rows = new ArrayList<>();

  /** One measured request: what was sent and everything that came back. */
  public record Row(String server, String source, String request, int requestBytes, long replyBytes, int datagrams,
                    boolean complete) {
    /** Reply payload bytes (frame headers included) divided by request payload bytes. */
    public double ratio() {
      return (double) replyBytes / requestBytes;
    }

    /** The same ratio with 28 bytes of IPv4 and UDP headers added to every datagram both ways. */
    public double wireRatio() {
      return (double) (replyBytes + (long) IPV4_UDP_OVERHEAD * datagrams) / (requestBytes + IPV4_UDP_OVERHEAD);
    }
  }

  /** Adds a row for {@code exchange}. */
  public synchronized Row add(String server, String source, String request, UdpTestClient.Exchange exchange) {
    Row r = new Row(server, source, request, exchange.requestBytes(), exchange.replyBytes(),
        exchange.datagrams().size(), exchange.complete());
    rows.add(r);
    return r;
  }

  public synchronized List<Row> rows() {
    return List.copyOf(rows);
  }

  /** The rows as a Markdown table. */
  public synchronized String markdown() {
    StringBuilder sb = new StringBuilder();
    sb.append("| server | source | request | request bytes | reply bytes | datagrams | ratio | on-wire ratio |\n");
    sb.append("|---|---|---|---:|---:|---:|---:|---:|\n");
    for (Row r : rows) {
      sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %,d | %,d | %,d | %s | %s |%n",
          r.server(), r.source(), r.request(), r.requestBytes(), r.replyBytes(), r.datagrams(),
          format(r.ratio()), format(r.wireRatio())));
    }
    return sb.toString();
  }

  private static String format(double ratio) {
    if (ratio == 0) {
      return "0";
    }
    return ratio >= 100 ? String.format(Locale.ROOT, "%,.0fx", ratio) : String.format(Locale.ROOT, "%.2fx", ratio);
  }

  /** Writes a short heading, {@code notes} and the table to {@code file}. */
  public synchronized void write(Path file, String notes) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, "# UDP amplification, measured\n\n" + notes + "\n\n" + markdown());
  }
}
