package io.safecached.audit;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Minimal JSON: string escaping and value writing for the reports, and a tolerant parser for scanner output
 * (masscan {@code -oJ}, ZMap JSON): it accepts trailing commas, a missing closing bracket at end of input and
 * several top-level values in a row. Objects become {@code Map<String,Object>} (insertion order), arrays
 * {@code List<Object>}, numbers {@code Long} or {@code BigDecimal}, and {@code null} stays null.
 */
public final class Json {
  private Json() {}

  /** A JSON string literal, quotes included; control characters, quotes, backslashes and U+2028/9 escaped. */
  public static String quote(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        default -> {
          if (c < 0x20 || c == 0x2028 || c == 0x2029 || c == 0x7f) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }

  /** Writes a value: null, Boolean, Number, CharSequence, Map (string keys), Iterable. */
  public static String write(Object v) {
    StringBuilder sb = new StringBuilder();
    write(sb, v);
    return sb.toString();
  }

  private static void write(StringBuilder sb, Object v) {
    if (v == null) {
      sb.append("null");
    } else if (v instanceof Boolean || v instanceof Integer || v instanceof Long) {
      sb.append(v);
    } else if (v instanceof Double d) {
      sb.append(d.isNaN() || d.isInfinite() ? "null" : BigDecimal.valueOf(d).stripTrailingZeros().toPlainString());
    } else if (v instanceof Number n) {
      sb.append(new BigDecimal(n.toString()).toPlainString());
    } else if (v instanceof Map<?, ?> m) {
      sb.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        sb.append(quote(String.valueOf(e.getKey()))).append(':');
        write(sb, e.getValue());
      }
      sb.append('}');
    } else if (v instanceof Iterable<?> it) {
      sb.append('[');
      boolean first = true;
      for (Object o : it) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        write(sb, o);
      }
      sb.append(']');
    } else {
      sb.append(quote(v.toString()));
    }
  }

  /** Parses exactly one value (trailing commas and whitespace tolerated); throws IllegalArgumentException. */
  public static Object parse(String text) {
    List<Object> all = parseAll(text);
    if (all.size() != 1) {
      throw new IllegalArgumentException("expected one JSON value, found " + all.size());
    }
    return all.get(0);
  }

  /** Parses every top-level value in the text (JSON Lines, concatenated values, or one value). */
  public static List<Object> parseAll(String text) {
    Parser p = new Parser(text);
    List<Object> out = new ArrayList<>();
    while (true) {
      p.skipSpaceAndCommas();
      if (p.pos >= text.length()) {
        return out;
      }
      out.add(p.value(0));
    }
  }

  private static final class Parser {
    private static final int MAX_DEPTH = 64;
    private final String s;
    private int pos;

    Parser(String s) {
      this.s = s;
    }

    void skipSpace() {
      while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
        pos++;
      }
    }

    void skipSpaceAndCommas() {
      while (pos < s.length() && (Character.isWhitespace(s.charAt(pos)) || s.charAt(pos) == ',')) {
        pos++;
      }
    }

    IllegalArgumentException error(String what) {
      return new IllegalArgumentException("JSON: " + what + " at offset " + pos);
    }

    Object value(int depth) {
      if (depth > MAX_DEPTH) {
        throw error("nesting too deep");
      }
      skipSpace();
      if (pos >= s.length()) {
        throw error("unexpected end");
      }
      char c = s.charAt(pos);
      switch (c) {
        case '{':
          return object(depth);
        case '[':
          return array(depth);
        case '"':
          return string();
        case 't':
          return literal("true", Boolean.TRUE);
        case 'f':
          return literal("false", Boolean.FALSE);
        case 'n':
          return literal("null", null);
        default:
          if (c == '-' || (c >= '0' && c <= '9')) {
            return number();
          }
          throw error("unexpected '" + c + "'");
      }
    }

    Object literal(String word, Object v) {
      if (!s.startsWith(word, pos)) {
        throw error("bad literal");
      }
      pos += word.length();
      return v;
    }

    Object number() {
      int start = pos;
      pos++;
      while (pos < s.length() && "0123456789+-.eE".indexOf(s.charAt(pos)) >= 0) {
        pos++;
      }
      String n = s.substring(start, pos);
      try {
        if (n.indexOf('.') < 0 && n.indexOf('e') < 0 && n.indexOf('E') < 0 && n.length() < 19) {
          return Long.parseLong(n);
        }
        return new BigDecimal(n);
      } catch (NumberFormatException e) {
        throw error("bad number '" + n + "'");
      }
    }

    String string() {
      pos++;
      StringBuilder sb = new StringBuilder();
      while (pos < s.length()) {
        char c = s.charAt(pos++);
        if (c == '"') {
          return sb.toString();
        }
        if (c != '\\') {
          sb.append(c);
          continue;
        }
        if (pos >= s.length()) {
          break;
        }
        char e = s.charAt(pos++);
        switch (e) {
          case 'n' -> sb.append('\n');
          case 'r' -> sb.append('\r');
          case 't' -> sb.append('\t');
          case 'b' -> sb.append('\b');
          case 'f' -> sb.append('\f');
          case 'u' -> {
            if (pos + 4 > s.length()) {
              throw error("bad \\u escape");
            }
            try {
              sb.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
            } catch (NumberFormatException ex) {
              throw error("bad \\u escape");
            }
            pos += 4;
          }
          default -> sb.append(e);
        }
      }
      throw error("unterminated string");
    }

    Map<String, Object> object(int depth) {
      pos++;
      Map<String, Object> m = new LinkedHashMap<>();
      while (true) {
        skipSpaceAndCommas();
        if (pos >= s.length()) {
          return m;
        }
        if (s.charAt(pos) == '}') {
          pos++;
          return m;
        }
        if (s.charAt(pos) != '"') {
          throw error("expected a key");
        }
        String k = string();
        skipSpace();
        if (pos >= s.length() || s.charAt(pos) != ':') {
          throw error("expected ':'");
        }
        pos++;
        m.put(k, value(depth + 1));
      }
    }

    List<Object> array(int depth) {
      pos++;
      List<Object> l = new ArrayList<>();
      while (true) {
        skipSpaceAndCommas();
        if (pos >= s.length()) {
          return l;
        }
        if (s.charAt(pos) == ']') {
          pos++;
          return l;
        }
        l.add(value(depth + 1));
      }
    }
  }
}
