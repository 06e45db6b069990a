package io.safecached.audit;

import java.util.ArrayList;
import java.util.List;

/** RFC 4180 CSV: quoting of one field on output, and splitting of one record on input. */
public final class Csv {
  private Csv() {}

  /**
   * One field, quoted when it holds a comma, quote, CR or LF, or starts with a character a spreadsheet would
   * run as a formula ({@code = + - @}, tab); quotes inside are doubled.
   */
  public static String field(String s) {
    if (s == null) {
      return "";
    }
    boolean formula = !s.isEmpty() && "=+-@\t".indexOf(s.charAt(0)) >= 0 && !looksNumeric(s);
    String v = formula ? "'" + s : s;
    if (v.indexOf(',') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0) {
      return '"' + v.replace("\"", "\"\"") + '"';
    }
    return v;
  }

  private static boolean looksNumeric(String s) {
    return s.matches("[-+]?[0-9]+(\\.[0-9]+)?");
  }

  /** A whole record from its fields. */
  public static String row(List<String> fields) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < fields.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(field(fields.get(i)));
    }
    return sb.toString();
  }

  /** Splits one record (no embedded line breaks) into fields, undoing quoting. */
  public static List<String> split(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"') {
          if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
            cur.append('"');
            i++;
          } else {
            quoted = false;
          }
        } else {
          cur.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    out.add(cur.toString());
    return out;
  }
}
