package io.safecached.audit;

import java.time.Duration;
import java.util.Locale;

/** Durations as people write them, for every message and report: {@code 0.7s}, {@code 15s}, {@code 2m30s}. */
public final class Durations {
  private Durations() {}

  /**
   * {@code d} in the largest units that fit: tenths of a second below 10 s ({@code 0.7s}, {@code 1.1s}) unless whole,
   * seconds below a minute ({@code 15s}), then {@code 2m30s}, {@code 1h05m} (and {@code 3d04h} beyond a day).
   */
  public static String human(Duration d) {
    long ms = Math.max(0, d.toMillis());
    if (ms < 10_000 && ms % 1000 != 0) {
      return String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
    }
    long s = Math.round(ms / 1000.0);
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return (s / 60) + "m" + (s % 60 == 0 ? "" : String.format(Locale.ROOT, "%02ds", s % 60));
    }
    long m = s / 60;
    if (m < 24 * 60) {
      return (m / 60) + "h" + (m % 60 == 0 ? "" : String.format(Locale.ROOT, "%02dm", m % 60));
    }
    long h = m / 60;
    return (h / 24) + "d" + (h % 24 == 0 ? "" : String.format(Locale.ROOT, "%02dh", h % 24));
  }

  /**
   * Parses a duration that carries its unit: {@code 500ms}, {@code 3s}, {@code 1.5s}, {@code 2m}, {@code 1h},
   * or combinations such as {@code 2m30s}. A bare number is refused: {@code --timeout 3} could mean anything.
   *
   * @throws UsageException naming {@code option}
   */
  public static Duration parse(String text, String option) {
    String v = text.strip().toLowerCase(Locale.ROOT);
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(ms|s|m|h)").matcher(v);
    double nanos = 0;
    int at = 0;
    while (at < v.length() && m.find(at) && m.start() == at) {
      double n = Double.parseDouble(m.group(1));
      nanos += n * switch (m.group(2)) {
        case "ms" -> 1e6;
        case "s" -> 1e9;
        case "m" -> 60e9;
        default -> 3600e9;
      };
      at = m.end();
    }
    if (v.isEmpty() || at != v.length()) {
      String hint = v.matches("[0-9]+(\\.[0-9]+)?") ? " needs a unit" : " is not a duration";
      throw new UsageException(option + " '" + text + "'" + hint + ": write e.g. 500ms, 3s, 2m or 2m30s");
    }
    Duration d = Duration.ofNanos((long) Math.min(nanos, Long.MAX_VALUE));
    if (d.isZero()) {
      throw new UsageException(option + " must be positive: '" + text + "'");
    }
    return d;
  }
}
