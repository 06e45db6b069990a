package io.safecached.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A command line split on spaces the way memcached splits it: runs of spaces separate, nothing else does. */
public final class Tokens {
  private final byte[] line;
  private int[] starts = new int[8];
  private int[] ends = new int[8];
  private int count;

  private Tokens(byte[] line) {
    this.line = line;
  }

  /** Splits {@code line} (without its line terminator). */
  public static Tokens split(byte[] line) {
    Tokens t = new Tokens(line);
    int i = 0;
    int n = line.length;
    while (i < n) {
      while (i < n && line[i] == ' ') {
        i++;
      }
      if (i == n) {
        break;
      }
      int start = i;
      while (i < n && line[i] != ' ') {
        i++;
      }
      t.add(start, i);
    }
    return t;
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

  /** The line the tokens point into. */
  public byte[] line() {
    return line;
  }

  public int count() {
    return count;
  }

  public int start(int i) {
    return starts[i];
  }

  public int end(int i) {
    return ends[i];
  }

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
    int len = length(i);
    if (len != ascii.length()) {
      return false;
    }
    for (int j = 0; j < len; j++) {
      if (line[starts[i] + j] != ascii.charAt(j)) {
        return false;
      }
    }
    return true;
  }

  /** True when token {@code i} begins with {@code ascii}. */
  public boolean startsWith(int i, String ascii) {
    if (length(i) < ascii.length()) {
      return false;
    }
    for (int j = 0; j < ascii.length(); j++) {
      if (line[starts[i] + j] != ascii.charAt(j)) {
        return false;
      }
    }
    return true;
  }
}
