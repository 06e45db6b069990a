package io.safecached.differential;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Masks what legitimately differs between two servers in one reply, and nothing else: cas values in
 * {@code VALUE} lines, in the {@code c} return flag of meta replies and in {@code me}'s {@code cas=} (replaced by
 * {@code <cas#N>}, numbered in order of first appearance on this run, so "same cas" and "new cas" still compare),
 * the {@code VERSION} string, and the values of volatile {@code STAT} lines. {@code STAT} lines not named in the
 * step's compare list are dropped. Data blocks after {@code VALUE} and meta {@code VA} lines are copied untouched.
 * One instance per run (it numbers cas values and remembers the last cas of each key).
 */
final class Normaliser {
  /** STAT values that differ between any two processes. */
  static final Set<String> ALWAYS_VOLATILE = Set.of(
      "pid", "uptime", "time", "version", "libevent", "pointer_size", "rusage_user", "rusage_system");

  /** The reply codes of meta commands, whose lines carry return flags. */
  static final Set<String> META_CODES = Set.of("HD", "VA", "EN", "NF", "NS", "EX", "MN", "ME");

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
          line = "VALUE " + t[1] + " " + t[2] + " " + t[3] + " " + cas(t[1], t[4]);
        }
        pos = lineAndData(out, line + terminator, reply, end, dataLen);
        continue;
      }
      if (META_CODES.contains(line.length() >= 2 ? line.substring(0, 2) : "")
          && (line.length() == 2 || line.charAt(2) == ' ')) {
        String[] t = line.split(" ", -1);
        int dataLen = t[0].equals("VA") && t.length >= 2 ? parseLength(t[1]) : -1;
        pos = lineAndData(out, meta(t) + terminator, reply, end, dataLen);
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

  /**
   * {@code <cas#N>} for the raw cas value {@code raw}, numbered by first appearance on this run; remembers it as
   * the last cas of {@code key} (when not null) for {@code {cas:KEY}} references. A cas of 0 stays 0: only a
   * server without CAS ({@code -C}) shows it, and it must show it on both sides.
   */
  String cas(String key, String raw) {
    if (key != null) {
      lastCasByKey.put(key, raw);
    }
    if (raw.equals("0")) {
      return raw;
    }
    return "<cas#" + casOrdinals.computeIfAbsent(raw, r -> casOrdinals.size() + 1) + ">";
  }

  /**
   * A meta reply line ({@code HD VA EN NF NS EX MN} with return flags, or {@code ME key k=v...}) with its cas
   * values numbered: the {@code c} flag and me's {@code cas=}. The key is taken from the {@code k} flag (me: the
   * second token) as the client sees it, base64 included.
   */
  private String meta(String[] t) {
    String key = null;
    if (t[0].equals("ME") && t.length >= 2) {
      key = t[1];
    } else {
      for (int i = 1; i < t.length; i++) {
        if (t[i].length() > 1 && t[i].charAt(0) == 'k') {
          key = t[i].substring(1);
        }
      }
    }
    StringBuilder sb = new StringBuilder(t[0]);
    for (int i = 1; i < t.length; i++) {
      String w = t[i];
      boolean flagPosition = !t[0].equals("ME") && !(t[0].equals("VA") && i == 1);
      if (flagPosition && w.length() > 1 && w.charAt(0) == 'c' && digits(w, 1)) {
        w = "c" + cas(key, w.substring(1));
      } else if (t[0].equals("ME") && w.startsWith("cas=") && digits(w, 4)) {
        w = "cas=" + cas(key, w.substring(4));
      }
      sb.append(' ').append(w);
    }
    return sb.toString();
  }

  private static boolean digits(String s, int from) {
    if (from >= s.length()) {
      return false;
    }
    for (int i = from; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
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

  /**
   * Writes {@code line}, then up to {@code dataLen} bytes of its data block from {@code from} (none when
   * {@code dataLen} is negative); returns the position after what was written.
   */
  private static int lineAndData(ByteArrayOutputStream out, String line, byte[] reply, int from, int dataLen) {
    write(out, line);
    if (dataLen < 0) {
      return from;
    }
    int n = Math.min(dataLen, reply.length - from);
    out.write(reply, from, n);
    return from + n;
  }
}
