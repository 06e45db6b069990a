package io.safecached.command;

/** memcached's number parsing rules, shared by every decoder and by incr/decr on stored values. */
public final class Numbers {
  private Numbers() {}

  /** Result of {@link #parseUnsigned} when the text is not a valid unsigned 64-bit number. */
  public static final class NotANumber extends Exception {
    private static final NotANumber INSTANCE = new NotANumber();

    private NotANumber() {
      super("not an unsigned 64-bit number", null, false, false);
    }
  }

  /**
   * Parses like memcached's {@code safe_strtoull}: optional leading white space, an optional sign, decimal
   * digits, then the end, white space or a NUL byte (anything after that is ignored). Overflow beyond 2^64-1
   * and a minus sign on a value of 2^63 or more are errors. Returns the value's 64 bits.
   */
  public static long parseUnsigned(byte[] s, int from, int to) throws NotANumber {
    int i = from;
    while (i < to && isSpace(s[i])) {
      i++;
    }
    boolean negative = false;
    if (i < to && (s[i] == '+' || s[i] == '-')) {
      negative = s[i] == '-';
      i++;
    }
    int digitsStart = i;
    long value = 0;
    while (i < to && s[i] >= '0' && s[i] <= '9') {
      int d = s[i] - '0';
      // value * 10 + d must stay below 2^64
      if (Long.compareUnsigned(value, Long.divideUnsigned(-1L - d, 10)) > 0) {
        throw NotANumber.INSTANCE;
      }
      value = value * 10 + d;
      i++;
    }
    if (i == digitsStart) {
      throw NotANumber.INSTANCE;
    }
    if (i < to && !isEnd(s[i])) {
      throw NotANumber.INSTANCE;
    }
    if (negative) {
      // strtoull negates; memcached rejects only results that look negative as signed values
      value = -value;
      if (value < 0) {
        throw NotANumber.INSTANCE;
      }
    }
    return value;
  }

  /**
   * Parses like memcached's {@code safe_strtol} on a 64-bit build: optional leading white space, an optional
   * sign, decimal digits, then the end, white space or a NUL byte; overflow of a signed 64-bit value is an
   * error. memcached then stores the result in a 32-bit int, so callers that mimic it truncate with
   * {@code (int)}.
   */
  public static long parseSigned(byte[] s, int from, int to) throws NotANumber {
    int i = from;
    while (i < to && isSpace(s[i])) {
      i++;
    }
    boolean negative = false;
    if (i < to && (s[i] == '+' || s[i] == '-')) {
      negative = s[i] == '-';
      i++;
    }
    int digitsStart = i;
    long acc = 0; // accumulated as a negative number so that Long.MIN_VALUE fits
    while (i < to && s[i] >= '0' && s[i] <= '9') {
      int d = s[i] - '0';
      if (acc < (Long.MIN_VALUE + d) / 10) {
        throw NotANumber.INSTANCE;
      }
      acc = acc * 10 - d;
      i++;
    }
    if (i == digitsStart || (i < to && !isEnd(s[i]))) {
      throw NotANumber.INSTANCE;
    }
    if (negative) {
      return acc;
    }
    if (acc == Long.MIN_VALUE) {
      throw NotANumber.INSTANCE;
    }
    return -acc;
  }

  /** Parses a whole token with {@link #parseUnsigned}. */
  public static long parseUnsigned(byte[] s) throws NotANumber {
    return parseUnsigned(s, 0, s.length);
  }

  /** What may follow the digits: white space, or NUL, which ends the C string memcached parses. */
  private static boolean isEnd(byte b) {
    return b == 0 || isSpace(b);
  }

  /** C's isspace for the ASCII range. */
  public static boolean isSpace(byte b) {
    return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == 0x0b || b == '\f';
  }
}
