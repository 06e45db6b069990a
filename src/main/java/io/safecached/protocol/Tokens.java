package io.safecached.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A command line split on spaces the way memcached splits it: runs of spaces separate, nothing else does, and a
 * NUL byte ends the line (memcached reads it as a C string).
 *
 * <p>A decoder keeps one instance and {@link #split(byte[], int, int) splits} every line into it again: the
 * tokens are offsets into the caller's array (a heap buffer's backing array or a scratch copy), so splitting
 * a line allocates nothing. The offsets are valid until the next split and the array must not change until
 * then. Not thread-safe; a decoder belongs to one channel.
 */
public final class Tokens {
  /** Offset arrays grown past this many tokens (a long multiget) are dropped at the next split. */
  static final int RETAINED_TOKENS = 64;
  private static final int INITIAL_TOKENS = 8;

  private byte[] line;
  private int[] starts = new int[INITIAL_TOKENS];
  private int[] ends = new int[INITIAL_TOKENS];
  private int count;

  /** An empty token list, to be filled by {@link #split(byte[], int, int)}. */
  public Tokens() {
    this.line = new byte[0];
  }

  /** Splits {@code line} (without its line terminator) into a new instance. */
  public static Tokens split(byte[] line) {
    return new Tokens().split(line, 0, line.length);
  }

  /**
   * Splits {@code buf[from, to)} (a line without its terminator) into this instance, replacing what it held;
   * the first NUL byte ends the line. Returns this.
   */
  public Tokens split(byte[] buf, int from, int to) {
    if (starts.length > RETAINED_TOKENS) {
      starts = new int[INITIAL_TOKENS];
      ends = new int[INITIAL_TOKENS];
    }
    line = buf;
    count = 0;
    int i = from;
    while (i < to) {
      byte b = buf[i];
      if (b == ' ') {
        i++;
        continue;
      }
      if (b == 0) {
        return this;
      }
      int start = i;
      do {
        i++;
      } while (i < to && (b = buf[i]) != ' ' && b != 0);
      add(start, i);
      if (i < to && b == 0) {
        return this;
      }
    }
    return this;
  }

  private void add(int start, int end) {
    if (count == starts.length) {
      starts = Arrays.copyOf(starts, count * 2);
      ends = Arrays.copyOf(ends, count * 2);
    }
    starts[count] = start;
    ends[count] = end;
    count++;
  }

  /** The array the tokens point into; offsets are absolute positions in it. */
  public byte[] line() {
    return line;
  }

  /** How many tokens the line has. */
  public int count() {
    return count;
  }

  /** Where token {@code i} starts in {@link #line()}. */
  public int start(int i) {
    return starts[i];
  }

  /** Where token {@code i} ends (exclusive) in {@link #line()}. */
  public int end(int i) {
    return ends[i];
  }

  /** The length of token {@code i} in bytes. */
  public int length(int i) {
    return ends[i] - starts[i];
  }

  /** A copy of token {@code i}'s bytes. */
  public byte[] bytes(int i) {
    return Arrays.copyOfRange(line, starts[i], ends[i]);
  }

  /** Token {@code i} as ISO-8859-1 text. */
  public String string(int i) {
    return new String(line, starts[i], length(i), StandardCharsets.ISO_8859_1);
  }

  /** True when token {@code i} is exactly {@code ascii}. */
  public boolean is(int i, String ascii) {
    return length(i) == ascii.length() && startsWith(i, ascii);
  }

  /** True when token {@code i} begins with {@code ascii}. */
  public boolean startsWith(int i, String ascii) {
    if (length(i) < ascii.length()) {
      return false;
    }
    int at = starts[i];
    for (int j = 0; j < ascii.length(); j++) {
      if (line[at + j] != ascii.charAt(j)) {
        return false;
      }
    }
    return true;
  }
}
