package io.safecached.differential;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One differential script: a header (server flags, which stats to compare, which stats are volatile) and the
 * steps replayed, in order, on one connection to each server.
 *
 * <p>Format (UTF-8 text, see src/test/resources/differential/README.md for the full description):
 * <pre>
 * # any comment
 * # flags: -I 2k -F                 server flags (memcached args; mapped to ServerConfig for safecached)
 * # stats-compare: cmd_get get_hits  compare only these STAT lines (default: all of them)
 * # volatile: bytes_read            these STAT values are masked on both sides
 * # protocol: binary                binary request lines instead of text (see {@link BinaryPackets})
 *
 * === step name | quiet=300 sleep=1200 reconnect close stats=all mask=curr_items+bytes
 * # differs: why safecached intentionally answers otherwise
 * set k 0 0 5                       each line is sent followed by \r\n ...
 * hello\c                           ... unless it ends with \c
 * </pre>
 * Escapes in step lines: {@code \r \n \t \0 \\ \xNN \{ \c}; {@code {a*250}} repeats "a" 250 times (counts may end
 * in k or m: {@code {a*1m}}); {@code {cas:KEY}} is the last cas value this server returned for KEY. Blank lines
 * and lines starting with {@code #} are not sent (write {@code \x23} to send a leading '#').
 */
record Script(String name, List<String> flags, Set<String> statsCompare, Set<String> volatileStats,
    boolean binary, List<Step> steps) {

  /** How a step knows that the server has answered completely. */
  enum Mode {
    /** Send {@code version\r\n} (binary: a NOOP) after the step and read up to its reply. */
    SENTINEL,
    /** Read until the connection closes (bounded). */
    CLOSE,
    /** Read until no byte arrives for {@code quietMillis} (for steps that leave the server waiting for data). */
    QUIET
  }

  /** One block of bytes sent and the way its reply is read. */
  record Step(int index, String name, int line, List<Part> parts, Mode mode, int quietMillis, int sleepMillis,
      boolean reconnect, Set<String> statsCompare, Set<String> mask, String differs) {

    /** The step's text as written (with cas references unresolved), for messages. */
    String describe() {
      StringBuilder sb = new StringBuilder();
      for (Part p : parts) {
        if (p instanceof Literal l) {
          sb.append(Escapes.show(l.bytes(), 200));
        } else if (p instanceof CasRef c) {
          sb.append("{cas:").append(c.key()).append('}');
        } else if (p instanceof BinaryPackets.Request r) {
          sb.append(r.describe());
        }
      }
      return sb.toString();
    }

    /** The bytes to send, with cas references resolved from {@code casByKey} ("0" when none was seen). */
    byte[] bytes(Map<String, String> casByKey) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (Part p : parts) {
        if (p instanceof Literal l) {
          out.writeBytes(l.bytes());
        } else if (p instanceof CasRef c) {
          out.writeBytes(casByKey.getOrDefault(c.key(), "0").getBytes(StandardCharsets.US_ASCII));
        } else if (p instanceof BinaryPackets.Request r) {
          out.writeBytes(r.bytes(casByKey));
        }
      }
      return out.toByteArray();
    }

    /** The binary request packets of this step, in order. */
    List<BinaryPackets.Request> requests() {
      List<BinaryPackets.Request> out = new ArrayList<>();
      for (Part p : parts) {
        if (p instanceof BinaryPackets.Request r) {
          out.add(r);
        }
      }
      return out;
    }

    /** The STAT values masked in this step's replies: the script's volatile ones plus the step's own. */
    Set<String> effectiveVolatile(Script script) {
      if (mask.isEmpty()) {
        return script.volatileStats();
      }
      Set<String> all = new LinkedHashSet<>(script.volatileStats());
      all.addAll(mask);
      return all;
    }

    /** The stats to compare in this step's replies, or null for all. */
    Set<String> effectiveStatsCompare(Script script) {
      return statsCompare != null ? (statsCompare.isEmpty() ? null : statsCompare) : script.statsCompare();
    }
  }

  /** A piece of a step: literal bytes or a reference to a cas value. */
  sealed interface Part permits Literal, CasRef, BinaryPackets.Request {}

  /** Bytes sent as they are. */
  record Literal(byte[] bytes) implements Part {}

  /** The last cas value the server under test returned for {@code key}. */
  record CasRef(String key) implements Part {}

  /** Parses a script's text; {@code name} is used in messages. */
  static Script parse(String name, String text) {
    List<String> flags = new ArrayList<>();
    Set<String> statsCompare = null;
    Set<String> volatileStats = new LinkedHashSet<>();
    boolean binary = false;
    List<Step> steps = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    StepBuilder current = null;
    for (int i = 0; i < lines.length; i++) {
      String raw = lines[i];
      String line = raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw;
      int lineNo = i + 1;
      if (line.startsWith("===")) {
        if (current != null) {
          steps.add(current.build(steps.size() + 1));
        }
        current = new StepBuilder(name, line.substring(3), lineNo, binary);
        continue;
      }
      if (line.isBlank()) {
        continue;
      }
      if (line.startsWith("#")) {
        String c = line.substring(1).trim();
        if (current == null) {
          if (c.startsWith("flags:")) {
            flags.addAll(words(c.substring(6)));
          } else if (c.startsWith("stats-compare:")) {
            statsCompare = new LinkedHashSet<>(words(c.substring(14)));
          } else if (c.startsWith("volatile:")) {
            volatileStats.addAll(words(c.substring(9)));
          } else if (c.startsWith("protocol:")) {
            String p = c.substring(9).trim();
            if (!p.equals("binary") && !p.equals("text")) {
              throw new IllegalArgumentException(name + ":" + lineNo + ": protocol is text or binary, not " + p);
            }
            binary = p.equals("binary");
          }
        } else if (c.startsWith("differs:")) {
          current.differs = c.substring(8).trim();
          if (current.differs.isEmpty()) {
            throw new IllegalArgumentException(name + ":" + lineNo + ": '# differs:' needs a reason");
          }
        }
        continue;
      }
      if (current == null) {
        throw new IllegalArgumentException(name + ":" + lineNo + ": bytes before the first '=== step'");
      }
      current.addLine(line, lineNo);
    }
    if (current != null) {
      steps.add(current.build(steps.size() + 1));
    }
    if (steps.isEmpty()) {
      throw new IllegalArgumentException(name + ": no steps");
    }
    return new Script(name, List.copyOf(flags), statsCompare, volatileStats, binary, List.copyOf(steps));
  }

  private static List<String> words(String s) {
    List<String> out = new ArrayList<>();
    for (String w : s.trim().split("[\\s,]+")) {
      if (!w.isEmpty()) {
        out.add(w);
      }
    }
    return out;
  }

  /** Collects one step's lines and options. */
  private static final class StepBuilder {
    private final String script;
    private final String name;
    private final int line;
    private final boolean binary;
    private final List<Part> parts = new ArrayList<>();
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private Mode mode = Mode.SENTINEL;
    private int quietMillis = 300;
    private int sleepMillis;
    private boolean reconnect;
    private Set<String> statsCompare;
    private Set<String> mask = Set.of();
    private String differs;

    StepBuilder(String script, String header, int line, boolean binary) {
      this.script = script;
      this.line = line;
      this.binary = binary;
      int bar = header.indexOf('|');
      this.name = (bar < 0 ? header : header.substring(0, bar)).trim();
      if (bar >= 0) {
        for (String opt : words(header.substring(bar + 1).replace(",", " "))) {
          option(opt);
        }
      }
    }

    private void option(String opt) {
      int eq = opt.indexOf('=');
      String key = eq < 0 ? opt : opt.substring(0, eq);
      String value = eq < 0 ? null : opt.substring(eq + 1);
      switch (key) {
        case "close" -> mode = Mode.CLOSE;
        case "quiet" -> {
          mode = Mode.QUIET;
          if (value != null) {
            quietMillis = Integer.parseInt(value);
          }
        }
        case "sleep" -> sleepMillis = Integer.parseInt(value);
        case "reconnect" -> reconnect = true;
        case "mask" -> mask = new LinkedHashSet<>(List.of(value.split("\\+")));
        case "stats" -> statsCompare = "all".equals(value)
            ? Set.of() : new LinkedHashSet<>(List.of(value.split("\\+")));
        default -> throw new IllegalArgumentException(script + ":" + line + ": unknown step option '" + opt + "'");
      }
    }

    void addLine(String text, int lineNo) {
      if (binary) {
        try {
          Escapes.flush(pending, parts);
          parts.add(BinaryPackets.parse(text));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(script + ":" + lineNo + ": " + e.getMessage(), e);
        }
        return;
      }
      boolean noTerminator = text.endsWith("\\c") && !text.endsWith("\\\\c");
      String body = noTerminator ? text.substring(0, text.length() - 2) : text;
      try {
        Escapes.decodeInto(body, pending, parts);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(script + ":" + lineNo + ": " + e.getMessage(), e);
      }
      if (!noTerminator) {
        pending.writeBytes(new byte[] {'\r', '\n'});
      }
    }

    Step build(int index) {
      Escapes.flush(pending, parts);
      if (parts.isEmpty() && !reconnect && sleepMillis == 0) {
        throw new IllegalArgumentException(script + ":" + line + ": step '" + name + "' sends nothing");
      }
      return new Step(index, name, line, List.copyOf(parts), mode, quietMillis, sleepMillis, reconnect,
          statsCompare, mask, differs);
    }
  }
}
