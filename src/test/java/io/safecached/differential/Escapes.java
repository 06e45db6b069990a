package io.safecached.differential;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Decodes the escapes of script lines into bytes, and shows bytes back in the same notation for messages. */
final class Escapes {
  private Escapes() {}

  /** Decodes {@code text}; literal bytes go to {@code pending}, cas references flush it and join {@code parts}. */
  static void decodeInto(String text, ByteArrayOutputStream pending, List<Script.Part> parts) {
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == '\\') {
        i = escape(text, i, pending);
      } else if (c == '{') {
        int end = text.indexOf('}', i);
        if (end < 0) {
          throw new IllegalArgumentException("unclosed '{' (write \\{ for a literal brace)");
        }
        String inner = text.substring(i + 1, end);
        if (inner.startsWith("cas:")) {
          flush(pending, parts);
          parts.add(new Script.CasRef(inner.substring(4)));
        } else {
          int star = inner.lastIndexOf('*');
          if (star <= 0) {
            throw new IllegalArgumentException("expected {text*count} or {cas:key}, got {" + inner + "}");
          }
          ByteArrayOutputStream unit = new ByteArrayOutputStream();
          String unitText = inner.substring(0, star);
          for (int j = 0; j < unitText.length(); ) {
            if (unitText.charAt(j) == '\\') {
              j = escape(unitText, j, unit);
            } else {
              unit.writeBytes(String.valueOf(unitText.charAt(j)).getBytes(StandardCharsets.UTF_8));
              j++;
            }
          }
          long count = count(inner.substring(star + 1));
          byte[] u = unit.toByteArray();
          for (long n = 0; n < count; n++) {
            pending.write(u, 0, u.length);
          }
        }
        i = end + 1;
      } else {
        int cp = text.codePointAt(i);
        pending.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
        i += Character.charCount(cp);
      }
    }
  }

  /** Moves pending literal bytes into {@code parts}. */
  static void flush(ByteArrayOutputStream pending, List<Script.Part> parts) {
    if (pending.size() > 0) {
      parts.add(new Script.Literal(pending.toByteArray()));
      pending.reset();
    }
  }

  private static long count(String s) {
    String t = s.trim().toLowerCase(java.util.Locale.ROOT);
    long mult = 1;
    if (t.endsWith("k")) {
      mult = 1024;
      t = t.substring(0, t.length() - 1);
    } else if (t.endsWith("m")) {
      mult = 1024 * 1024;
      t = t.substring(0, t.length() - 1);
    }
    try {
      long n = Long.parseLong(t) * mult;
      if (n < 0 || n > 64L * 1024 * 1024) {
        throw new IllegalArgumentException("repeat count out of range: " + s);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad repeat count: " + s, e);
    }
  }

  /** Decodes the escape starting at {@code text[i]} (a backslash) into {@code out}; returns the next index. */
  private static int escape(String text, int i, ByteArrayOutputStream out) {
    if (i + 1 >= text.length()) {
      throw new IllegalArgumentException("lone backslash at end of line");
    }
    char e = text.charAt(i + 1);
    switch (e) {
      case 'r' -> out.write('\r');
      case 'n' -> out.write('\n');
      case 't' -> out.write('\t');
      case '0' -> out.write(0);
      case '\\' -> out.write('\\');
      case '{' -> out.write('{');
      case '}' -> out.write('}');
      case 'x' -> {
        if (i + 4 > text.length()) {
          throw new IllegalArgumentException("\\x needs two hex digits");
        }
        out.write(Integer.parseInt(text.substring(i + 2, i + 4), 16));
        return i + 4;
      }
      default -> throw new IllegalArgumentException("unknown escape \\" + e);
    }
    return i + 2;
  }

  /**
   * Shows bytes in script notation: printable ASCII as is, {@code \r \n \t \xNN} otherwise; runs of one byte
   * longer than 16 become {@code {b*N}}; output longer than {@code max} characters is cut with a note.
   */
  static String show(byte[] bytes, int max) {
    StringBuilder sb = new StringBuilder();
    int i = 0;
    while (i < bytes.length) {
      int run = 1;
      while (i + run < bytes.length && bytes[i + run] == bytes[i]) {
        run++;
      }
      if (run > 16) {
        sb.append('{').append(one(bytes[i])).append('*').append(run).append('}');
        i += run;
      } else {
        sb.append(one(bytes[i]));
        i++;
      }
      if (sb.length() > max) {
        sb.append("...(").append(bytes.length - i).append(" more bytes)");
        break;
      }
    }
    return sb.toString();
  }

  private static String one(byte b) {
    int v = b & 0xff;
    return switch (v) {
      case '\r' -> "\\r";
      case '\n' -> "\\n";
      case '\t' -> "\\t";
      case '\\' -> "\\\\";
      case '{' -> "\\{";
      default -> v >= 0x20 && v < 0x7f ? String.valueOf((char) v) : String.format("\\x%02x", v);
    };
  }
}
