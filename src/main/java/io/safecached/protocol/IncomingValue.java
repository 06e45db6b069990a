package io.safecached.protocol;

import io.netty.buffer.ByteBuf;

/**
 * A value announced by a request header or command line that did not arrive with it, read as its bytes come
 * in. Its whole length is reserved in a {@link ValueBudget} before anything is buffered (memcached allocates the
 * item when the header arrives), and the reservation is held until the value is complete ({@link #bytes()}) or
 * dropped ({@link #discard()}, which a decoder calls when its connection ends), so every value in flight on
 * every connection is counted against one bound. Both request decoders read storage values through it.
 */
public final class IncomingValue {
  private final ValueBudget budget;
  private final int length;
  private byte[] value;
  private int filled;
  private boolean reserved;

  private IncomingValue(ValueBudget budget, int length) {
    this.budget = budget;
    this.length = length;
    this.value = new byte[length];
    this.reserved = true;
  }

  /**
   * A value of {@code length} bytes, none read yet, reserved in {@code budget}; null when the budget refuses it
   * (memcached: "out of memory storing object"), and then nothing is allocated.
   */
  public static IncomingValue reserve(int length, ValueBudget budget) {
    if (!budget.reserve(length)) {
      return null;
    }
    return new IncomingValue(budget, length);
  }

  /**
   * The whole value when {@code in} already holds all {@code length} bytes of it, read at once into an array
   * of exactly that size (memory that was sent, not merely announced, and that goes to the store at once); null,
   * with nothing read, otherwise. A decoder tries this first and falls back to {@link #reserve}.
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
    in.readBytes(value, filled, n);
    filled += n;
    return filled == length;
  }

  /** The complete value, owned by the caller from now on; its reservation is given back. */
  public byte[] bytes() {
    byte[] v = value;
    discard();
    return v;
  }

  /** Drops the value and gives its reservation back; later calls do nothing. */
  public void discard() {
    value = null;
    if (reserved) {
      reserved = false;
      budget.release(length);
    }
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
