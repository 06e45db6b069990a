package io.safecached.cli;

import io.safecached.config.ConfigException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the numbers on safecached's command line. Every failure is a {@link ConfigException} whose one-line
 * message names the setting and repeats the flag and value as typed, e.g. {@code port must be a number (-p x)}.
 */
final class Values {
  private static final Pattern SIZE = Pattern.compile("(\\d+)([km]?)");
  private static final Pattern NUMBER = Pattern.compile("[+-]?\\d+");

  private Values() {}

  /** How the value was typed: {@code -p 70000}, or {@code -o idle_timeout=x} when the flag ends in '='. */
  private static String shown(String flag, String value) {
    return flag.endsWith("=") ? flag + value : flag + " " + value;
  }

  /** A whole number that fits an int; {@code what} names the setting, {@code flag} is how it was given. */
  static int integer(String what, String flag, String value) {
    long n = number(what, flag, value);
    if (n < Integer.MIN_VALUE || n > Integer.MAX_VALUE) {
      throw new ConfigException(what + " is out of range (" + shown(flag, value) + ")");
    }
    return (int) n;
  }

  /** A whole number (a sign allowed) that fits a long. */
  static long number(String what, String flag, String value) {
    String v = value.trim();
    if (!NUMBER.matcher(v).matches()) {
      throw new ConfigException(what + " must be a number (" + shown(flag, value) + ")");
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new ConfigException(what + " is out of range (" + shown(flag, value) + ")");
    }
  }

  /**
   * A byte count written as memcached writes {@code -I}: plain bytes, or a number followed by {@code k} or
   * {@code m} (either case) for KiB or MiB.
   */
  static long size(String what, String flag, String value) {
    Matcher m = SIZE.matcher(value.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new ConfigException(what + " must be a number of bytes, optionally followed by k or m ("
          + shown(flag, value) + ")");
    }
    long n;
    try {
      n = Long.parseLong(m.group(1));
    } catch (NumberFormatException e) {
      throw new ConfigException(what + " is out of range (" + shown(flag, value) + ")");
    }
    long unit = switch (m.group(2)) {
      case "k" -> 1024L;
      case "m" -> 1024L * 1024;
      default -> 1L;
    };
    if (n > Long.MAX_VALUE / unit) {
      throw new ConfigException(what + " is out of range (" + shown(flag, value) + ")");
    }
    return n * unit;
  }
}
