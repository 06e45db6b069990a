package io.safecached.protocol;

import io.netty.buffer.ByteBuf;

/**
 * A value announced by a request header or command line, read as its bytes arrive: up to 64 KiB is allocated
 * at once, a larger value grows by doubling (never past its announced length), so memory follows what a peer
 * actually sent rather than what it announced. Both request decoders read storage values through it.
 */
public final class IncomingValue {
  /** Values up to this size are allocated at once. */
  static final int EAGER_ALLOCATION = 64 * 1024;

  private final int length;
  private byte[] value;
  private int filled;

  /** A value of {@code length} bytes, none read yet. */
  public IncomingValue(int length) {
    this.length = length;
    this.value = new byte[Math.min(length, EAGER_ALLOCATION)];
  }

  /**
   * The whole value when {@code in} already holds all {@code length} bytes of it, read at once into an array
   * of exactly that size (memory that was sent, not merely announced); null, with nothing read, otherwise.
   * A decoder tries this first and falls back to an instance that reads the value as it arrives.
   */
  public static byte[] readIfComplete(ByteBuf in, int length) {
    if (in.readableBytes() < length) {
      return null;
    }
    byte[] whole = new byte[length];
    in.readBytes(whole);
    return whole;
  }

  /** Reads what {@code in} holds of the value; true when it is complete. */
  public boolean readFrom(ByteBuf in) {
    int n = Math.min(in.readableBytes(), length - filled);
    if (filled + n > value.length) {
      long size = Math.max((long) value.length * 2, filled + n);
      byte[] bigger = new byte[(int) Math.min(size, length)];
      System.arraycopy(value, 0, bigger, 0, filled);
      value = bigger;
    }
    in.readBytes(value, filled, n);
    filled += n;
    return filled == length;
  }

  /** The complete value; owned by the caller from now on. */
  public byte[] bytes() {
    return value;
  }

  /**
   * Discards up to {@code remaining} bytes of {@code in} (a value that will not be stored) and returns how many
   * are still to be discarded.
   */
  public static long skip(ByteBuf in, long remaining) {
    int n = (int) Math.min(in.readableBytes(), remaining);
    in.skipBytes(n);
    return remaining - n;
  }
}
