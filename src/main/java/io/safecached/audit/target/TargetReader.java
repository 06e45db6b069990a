package io.safecached.audit.target;

import io.safecached.audit.Csv;
import io.safecached.audit.Json;
import io.safecached.audit.UsageException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The one reader of target lists: every {@code @file}, {@code -} (stdin) and {@code --exclude @file} goes
 * through it. The first entry of the input decides its format; then every line must be an entry of that format,
 * a blank line or a {@code #} comment, or the whole input is refused with its name and line number. Nothing is
 * guessed: a line is never cut down to a part that happens to parse.
 *
 * <table>
 * <caption>formats</caption>
 * <tr><th>format</th><th>first entry</th><th>every other line</th></tr>
 * <tr><td>plain list</td><td>a target</td><td>one target (host, host:port, CIDR, range), optionally
 *     followed by {@code # comment}</td></tr>
 * <tr><td>masscan -oL</td><td>{@code open|closed|banner PROTO ...}</td><td>{@code open|closed tcp|udp PORT IP
 *     EPOCH}; {@code closed} and {@code banner} lines are read and skipped</td></tr>
 * <tr><td>masscan -oJ</td><td>{@code [}</td><td>one record object per line (trailing comma allowed), a lone
 *     {@code ,}, and the closing {@code ]}; only ports with {@code "status": "open"}</td></tr>
 * <tr><td>JSON lines (ZMap, masscan -oD)</td><td>{@code {}</td><td>one object per line with {@code saddr} or
 *     {@code ip}, and {@code sport}, {@code port} or {@code ports}</td></tr>
 * <tr><td>ZMap CSV</td><td>a header naming {@code saddr}</td><td>rows with as many fields as the header</td></tr>
 * <tr><td>zgrab2 CSV</td><td>{@code IP, DOMAIN, TAG[, PORT]}</td><td>the same: 2 to 4 fields</td></tr>
 * </table>
 */
final class TargetReader {
  private static final Pattern WHITESPACE = Pattern.compile("\\s+");
  private static final Pattern HEADER_NAME = Pattern.compile("[a-z_][a-z0-9_]*");
  private static final Pattern EPOCH = Pattern.compile("[0-9]{1,20}");

  /** The formats an input can be in. */
  enum Format {
    PLAIN("a plain target list"),
    MASSCAN_LIST("masscan -oL"),
    MASSCAN_JSON("masscan -oJ"),
    JSON_LINES("JSON lines (ZMap or masscan -oD)"),
    ZMAP_CSV("ZMap CSV"),
    ZGRAB_CSV("zgrab2 CSV");

    final String label;

    Format(String label) {
      this.label = label;
    }
  }

  private final String origin;
  private final long max;
  private final List<TargetSet.Block> out;
  private Format format;
  private int formatLine;
  private int lineNo;
  private String line;
  private int hostColumn = -1;
  private int portColumn = -1;
  private int successColumn = -1;
  private int columns;
  private boolean closed;

  private TargetReader(String origin, long max, List<TargetSet.Block> out) {
    this.origin = origin;
    this.max = max;
    this.out = out;
  }

  /**
   * Reads every line of {@code content} (named {@code origin} in errors) into {@code out}; at most {@code max}
   * entries. Returns the format it found (null for an input without entries).
   *
   * @throws UsageException naming the origin and line of the first line that is not recognised
   */
  static Format read(String content, String origin, long max, List<TargetSet.Block> out) {
    TargetReader r = new TargetReader(origin, max, out);
    String[] lines = content.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      r.lineNo = i + 1;
      r.line = lines[i];
      r.line(lines[i].strip());
    }
    if (r.format == Format.MASSCAN_JSON && !r.closed) {
      r.lineNo = lines.length;
      throw new UsageException(origin + ": masscan -oJ output without its closing ']' (cut short?)");
    }
    return r.format;
  }

  private void line(String s) {
    if (s.isEmpty() || s.startsWith("#")) {
      return;
    }
    if (format == null) {
      format = detect(s);
      formatLine = lineNo;
      if (format == Format.MASSCAN_JSON) {
        return;
      }
      if (format == Format.ZMAP_CSV) {
        header(s);
        return;
      }
    }
    if (closed) {
      throw error("nothing may follow the closing ']' of masscan -oJ output");
    }
    switch (format) {
      case PLAIN -> plain(s);
      case MASSCAN_LIST -> masscanList(s);
      case MASSCAN_JSON -> masscanJson(s);
      case JSON_LINES -> jsonObject(s, s);
      case ZMAP_CSV -> zmapRow(s);
      case ZGRAB_CSV -> zgrabRow(s);
      default -> throw new IllegalStateException();
    }
  }

  private static Format detect(String s) {
    if (s.equals("[")) {
      return Format.MASSCAN_JSON;
    }
    if (s.startsWith("{")) {
      return Format.JSON_LINES;
    }
    String first = WHITESPACE.split(s, 2)[0];
    if (first.equals("open") || first.equals("closed") || first.equals("banner")) {
      return Format.MASSCAN_LIST;
    }
    if (s.indexOf(',') >= 0) {
      for (String f : Csv.split(s)) {
        if (f.strip().equalsIgnoreCase("saddr")) {
          return Format.ZMAP_CSV;
        }
      }
      return Format.ZGRAB_CSV;
    }
    return Format.PLAIN;
  }

  private UsageException error(String why) {
    String shown = line.strip().length() > 120 ? line.strip().substring(0, 120) + "..." : line.strip();
    return bare(why + ": '" + shown + "'");
  }

  /** An error for this line without echoing it (the message already names the offending text). */
  private UsageException bare(String why) {
    String fmt = format == null || formatLine == lineNo ? ""
        : "; the input is read as " + format.label + " (from its first entry, line " + formatLine + ")";
    return new UsageException(origin + " line " + lineNo + ": " + why + fmt);
  }

  private void add(TargetSet.Block b) {
    if (out.size() >= max) {
      throw new UsageException(origin + " holds more than " + max + " entries (--max-targets)");
    }
    out.add(b);
  }

  private TargetSet.Block token(String t) {
    try {
      return TargetSet.token(t, origin + " line " + lineNo);
    } catch (UsageException e) {
      throw bare(e.getMessage());
    }
  }

  private TargetSet.Block address(String ip) {
    byte[] b = IpLiteral.parse(ip);
    if (b == null) {
      throw error("not an IP address: '" + ip + "'");
    }
    return TargetSet.Block.single(b);
  }

  private int port(String p) {
    int v = IpLiteral.port(p);
    if (v < 0) {
      throw error("not a port (1-65535): '" + p + "'");
    }
    return v;
  }

  // ---- plain list ----------------------------------------------------------------------------------------------

  private void plain(String s) {
    String entry = s;
    int hash = s.indexOf('#');
    if (hash >= 0) {
      if (!Character.isWhitespace(s.charAt(hash - 1))) {
        throw error("'#' starts a comment only at the start of a line or after a space");
      }
      entry = s.substring(0, hash).strip();
    }
    if (WHITESPACE.matcher(entry).find()) {
      throw error("more than one word on a line of " + Format.PLAIN.label);
    }
    if (entry.indexOf(',') >= 0 || entry.startsWith("{")) {
      throw error("not a target");
    }
    add(token(entry));
  }

  // ---- masscan -oL ---------------------------------------------------------------------------------------------

  private void masscanList(String s) {
    String[] f = WHITESPACE.split(s);
    if (f[0].equals("banner") && f.length >= 5) {
      checkMasscan(f);
      return; // the banner of a port that has its own "open" line
    }
    if (f.length != 5 || !(f[0].equals("open") || f[0].equals("closed"))) {
      throw error("not a masscan -oL line (open|closed tcp|udp PORT IP EPOCH)");
    }
    TargetSet.Block b = checkMasscan(f);
    if (f[0].equals("open")) {
      add(b.withPort(port(f[2])));
    }
  }

  private TargetSet.Block checkMasscan(String[] f) {
    if (!(f[1].equals("tcp") || f[1].equals("udp"))) {
      throw error("masscan protocol '" + f[1] + "' is not tcp or udp");
    }
    port(f[2]);
    TargetSet.Block b = address(f[3]);
    if (!EPOCH.matcher(f[4]).matches()) {
      throw error("not a masscan timestamp: '" + f[4] + "'");
    }
    return b;
  }

  // ---- JSON ----------------------------------------------------------------------------------------------------

  private void masscanJson(String s) {
    if (s.equals("]")) {
      closed = true;
      return;
    }
    if (s.equals(",")) {
      return;
    }
    String record = s.endsWith(",") ? s.substring(0, s.length() - 1).strip() : s;
    if (record.startsWith(",")) {
      record = record.substring(1).strip();
    }
    jsonObject(record, s);
  }

  private void jsonObject(String text, String s) {
    if (!text.startsWith("{") || !text.endsWith("}")) {
      throw error("not one JSON object on this line");
    }
    Object v;
    try {
      v = Json.parse(text);
    } catch (IllegalArgumentException e) {
      throw error("not valid JSON (" + e.getMessage() + ")");
    }
    if (!(v instanceof Map<?, ?> m)) {
      throw error("not a JSON object");
    }
    Object saddr = m.get("saddr");
    Object ip = m.get("ip");
    if ((saddr == null) == (ip == null)) {
      throw error("a JSON record needs exactly one of \"ip\" and \"saddr\"");
    }
    if (!(((saddr == null) ? ip : saddr) instanceof String host)) {
      throw error("the address must be a JSON string");
    }
    TargetSet.Block b = address(host);
    if (m.get("rec_type") != null && !"status".equals(m.get("rec_type"))) {
      return; // masscan -oD banner records repeat a port that has its own status record
    }
    Object success = m.get("success");
    if (success != null && !(Boolean.TRUE.equals(success) || Long.valueOf(1).equals(success))) {
      return; // ZMap: not a positive reply
    }
    if (m.get("data") instanceof Map<?, ?> data && data.get("status") != null && !"open".equals(data.get("status"))) {
      return; // masscan -oD: closed
    }
    Object ports = m.get("ports");
    Object single = m.containsKey("sport") ? m.get("sport") : m.get("port");
    if (ports != null && single != null) {
      throw error("a JSON record with both \"ports\" and a single port");
    }
    if (ports != null) {
      if (!(ports instanceof List<?> list) || list.isEmpty()) {
        throw error("\"ports\" must be a non-empty list of {\"port\": N, \"status\": ...} objects");
      }
      for (Object p : list) {
        if (!(p instanceof Map<?, ?> pm) || pm.get("port") == null || !(pm.get("status") instanceof String st)) {
          throw error("every \"ports\" entry needs \"port\" and \"status\"");
        }
        int port = jsonPort(pm.get("port"));
        if (st.equals("open")) {
          add(b.withPort(port));
        }
      }
      return;
    }
    add(single == null ? b : b.withPort(jsonPort(single)));
  }

  private int jsonPort(Object p) {
    if (p instanceof Long l && l >= 1 && l <= 65535) {
      return (int) (long) l;
    }
    if (p instanceof String s) {
      return port(s);
    }
    throw error("not a port (1-65535): " + Json.write(p));
  }

  // ---- CSV -----------------------------------------------------------------------------------------------------

  private List<String> fields(String s) {
    return Csv.split(s).stream().map(String::strip).toList();
  }

  private void header(String s) {
    List<String> f = fields(s);
    for (int i = 0; i < f.size(); i++) {
      String name = f.get(i).toLowerCase(Locale.ROOT);
      if (!HEADER_NAME.matcher(name).matches()) {
        throw error("not a ZMap CSV header field: '" + f.get(i) + "'");
      }
      switch (name) {
        case "saddr" -> hostColumn = hostColumn < 0 ? i : fail("saddr twice in the header");
        case "sport" -> portColumn = portColumn < 0 ? i : fail("sport twice in the header");
        case "success" -> successColumn = i;
        default -> { }
      }
    }
    columns = f.size();
  }

  private int fail(String why) {
    throw error(why);
  }

  private void zmapRow(String s) {
    List<String> f = fields(s);
    if (f.size() != columns) {
      throw error(f.size() + " fields where the header on line " + formatLine + " has " + columns);
    }
    if (successColumn >= 0 && !f.get(successColumn).equals("1") && !f.get(successColumn).equals("true")) {
      if (f.get(successColumn).equals("0") || f.get(successColumn).equals("false")) {
        return;
      }
      throw error("success must be 0 or 1");
    }
    TargetSet.Block b = address(f.get(hostColumn));
    add(portColumn < 0 ? b : b.withPort(port(f.get(portColumn))));
  }

  private void zgrabRow(String s) {
    List<String> f = fields(s);
    if (f.size() < 2 || f.size() > 4) {
      throw error("a zgrab2 CSV line has 2 to 4 fields (IP, DOMAIN, TAG, PORT)");
    }
    String ip = f.get(0);
    String domain = f.get(1);
    TargetSet.Block b;
    if (!ip.isEmpty()) {
      if (ip.indexOf(':') >= 0 && ip.indexOf('/') < 0 && IpLiteral.v6(ip) == null) {
        throw error("not an IP address or CIDR: '" + ip + "'");
      }
      b = token(ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip);
      if (b.hostname() != null) {
        throw error("the IP field holds an address or CIDR, not '" + ip + "'");
      }
      if (!domain.isEmpty() && !IpLiteral.hostname(domain)) {
        throw error("not a host name: '" + domain + "'");
      }
    } else {
      if (!IpLiteral.hostname(domain)) {
        throw error("no IP and no valid host name in DOMAIN: '" + domain + "'");
      }
      b = token(domain);
    }
    if (f.size() == 4 && !f.get(3).isEmpty()) {
      b = b.withPort(port(f.get(3)));
    }
    add(b);
  }
}
