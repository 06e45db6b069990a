package io.safecached.differential;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Masks what legitimately differs between two servers in one reply, and nothing else: cas values in
 * {@code VALUE} lines (replaced by {@code <cas#N>}, numbered in order of first appearance on this run, so "same
 * cas" and "new cas" still compare), the {@code VERSION} string, and the values of volatile {@code STAT} lines.
 * {@code STAT} lines not named in the step's compare list are dropped. Data blocks after {@code VALUE} lines are
 * copied untouched. One instance per run (it numbers cas values and remembers the last cas of each key).
 */
final class Normaliser {
  /** STAT values that differ between any two processes. */
  static final Set<String> ALWAYS_VOLATILE = Set.of(
      "pid", "uptime", "time", "version", "libevent", "pointer_size", "rusage_user", "rusage_system");

  private final Map<String, Integer> casOrdinals = new HashMap<>();
  private final Map<String, String> lastCasByKey = new HashMap<>();

  /** The last raw cas value seen for each key, for {@code {cas:KEY}} references. */
  Map<String, String> lastCasByKey() {
    return lastCasByKey;
  }

  /** The result of normalising one reply. */
  record Normalised(String text, Set<String> statNames) {}

  /**
   * Normalises {@code reply}. {@code statsCompare} null compares every STAT line; {@code volatileStats} adds to
   * {@link #ALWAYS_VOLATILE}. Returns the normalised text (ISO-8859-1) and every STAT name seen, before filtering.
   */
  Normalised normalise(byte[] reply, Set<String> statsCompare, Set<String> volatileStats) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(reply.length + 16);
    Set<String> statNames = new LinkedHashSet<>();
    int pos = 0;
    while (pos < reply.length) {
      int nl = indexOf(reply, (byte) '\n', pos);
      if (nl < 0) {
        out.write(reply, pos, reply.length - pos);
        break;
      }
      int end = nl + 1;
      int contentEnd = nl > pos && reply[nl - 1] == '\r' ? nl - 1 : nl;
      String line = new String(reply, pos, contentEnd - pos, StandardCharsets.ISO_8859_1);
      String terminator = new String(reply, contentEnd, end - contentEnd, StandardCharsets.ISO_8859_1);
      if (line.startsWith("VALUE ")) {
        String[] t = line.split(" ", -1);
        int dataLen = t.length >= 4 ? parseLength(t[3]) : -1;
        if (t.length == 5 && dataLen >= 0) {
          String raw = t[4];
          lastCasByKey.put(t[1], raw);
          int ordinal = casOrdinals.computeIfAbsent(raw, r -> casOrdinals.size() + 1);
          line = "VALUE " + t[1] + " " + t[2] + " " + t[3] + " <cas#" + ordinal + ">";
        }
        write(out, line + terminator);
        pos = end;
        if (dataLen >= 0) {
          int n = Math.min(dataLen, reply.length - pos);
          out.write(reply, pos, n);
          pos += n;
        }
        continue;
      }
      if (line.equals("VERSION") || line.startsWith("VERSION ")) {
        line = "VERSION <version>";
      } else if (line.startsWith("STAT ")) {
        String[] t = line.split(" ", 3);
        if (t.length >= 2) {
          String stat = t[1];
          statNames.add(stat);
          if (statsCompare != null && !statsCompare.contains(stat)) {
            pos = end;
            continue;
          }
          if (t.length == 3 && (ALWAYS_VOLATILE.contains(stat) || stat.startsWith("rusage_")
              || volatileStats.contains(stat))) {
            line = "STAT " + stat + " <volatile>";
          }
        }
      }
      write(out, line + terminator);
      pos = end;
    }
    return new Normalised(out.toString(StandardCharsets.ISO_8859_1), statNames);
  }

  private static void write(ByteArrayOutputStream out, String s) {
    out.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
  }

  private static int parseLength(String s) {
    try {
      int n = Integer.parseInt(s);
      return n >= 0 ? n : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  static int indexOf(byte[] a, byte b, int from) {
    for (int i = from; i < a.length; i++) {
      if (a[i] == b) {
        return i;
      }
    }
    return -1;
  }
}
