package io.safecached.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Decimal numbers written as ASCII digits straight into a {@link ByteBuf}, and their lengths, without Strings.
 *
 * <p>Encoders size a reply exactly before they allocate it: {@link #digits(long)} and {@link #signedDigits(long)}
 * say how many bytes {@link #writeUnsigned} and {@link #writeSigned} will write.
 */
public final class Ascii {
  /** 10^19 as an unsigned long: the smallest unsigned value with 20 digits. */
  private static final long TEN_TO_19 = -8446744073709551616L;

  private Ascii() {}

  /** How many decimal digits {@code v} has read as unsigned (1 for 0, 20 for -1). */
  public static int digits(long v) {
    if (v < 0) {
      return Long.compareUnsigned(v, TEN_TO_19) >= 0 ? 20 : 19;
    }
    long limit = 10;
    for (int d = 1; d < 19; d++) {
      if (v < limit) {
        return d;
      }
      limit *= 10;
    }
    return 19;
  }

  /** How many bytes {@code v} takes in decimal, a minus sign included (2 for -1). */
  public static int signedDigits(long v) {
    if (v >= 0) {
      return digits(v);
    }
    return v == Long.MIN_VALUE ? 20 : 1 + digits(-v);
  }

  /** Writes {@code v}, read as unsigned, in decimal digits; returns {@code buf}. */
  public static ByteBuf writeUnsigned(ByteBuf buf, long v) {
    int n = digits(v);
    buf.ensureWritable(n);
    int end = buf.writerIndex() + n;
    int at = end;
    if (v < 0) {
      long q = Long.divideUnsigned(v, 10);
      buf.setByte(--at, '0' + (int) (v - q * 10));
      v = q;
    }
    do {
      long q = v / 10;
      buf.setByte(--at, '0' + (int) (v - q * 10));
      v = q;
    } while (v != 0);
    return buf.writerIndex(end);
  }

  /** Writes {@code v} in decimal, with a minus sign when negative; returns {@code buf}. */
  public static ByteBuf writeSigned(ByteBuf buf, long v) {
    if (v >= 0) {
      return writeUnsigned(buf, v);
    }
    buf.writeByte('-');
    if (v == Long.MIN_VALUE) {
      return writeUnsigned(buf, v); // -MIN_VALUE overflows; read as unsigned it is the magnitude
    }
    return writeUnsigned(buf, -v);
  }
}
