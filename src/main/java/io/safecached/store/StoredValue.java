package io.safecached.store;

import java.nio.ByteBuffer;

/**
 * An item's value as a reply sends it: bytes on the Java heap, or a stretch of the store's off-heap memory that
 * is held in place (its segment pinned, so it is not reused) until the reply has copied it or the transport has
 * written it.
 *
 * <p>A value fetched for a reply is never copied onto the Java heap: the encoder copies it straight from the
 * store's memory into the reply buffer ({@link #memory()}, then {@link #release()}), or, when it is large, hands
 * the transport a buffer over the store's memory ({@link #handOff()}, then {@link #handOffDone()} once the
 * transport lets go of it). Whoever holds a fetched value does exactly one of the two. Single-threaded until
 * handed off.
 */
public final class StoredValue {
  /**
   * Values at least this long are worth handing off; shorter ones are copied into the reply, which costs less
   * than an extra buffer and write vector entry.
   */
  public static final int HAND_OFF_MIN = 4096;
  private static final StoredValue EMPTY = new StoredValue(new byte[0], null, 0, 0, null, -1);

  private final byte[] heap;
  private final ByteBuffer region;
  private final int at;
  private final int length;
  private final Pins pins;
  private final int segment;
  private boolean held;

  private StoredValue(byte[] heap, ByteBuffer region, int at, int length, Pins pins, int segment) {
    this.heap = heap;
    this.region = region;
    this.at = at;
    this.length = length;
    this.pins = pins;
    this.segment = segment;
    this.held = pins != null;
  }

  /** A value on the heap (owned by the caller, never modified); nothing to release. */
  public static StoredValue of(byte[] bytes) {
    return bytes.length == 0 ? EMPTY : new StoredValue(bytes, null, 0, bytes.length, null, -1);
  }

  /** {@code length} bytes at {@code at} of {@code region}, whose segment the caller has pinned once. */
  static StoredValue pinned(ByteBuffer region, int at, int length, Pins pins, int segment) {
    return new StoredValue(null, region, at, length, pins, segment);
  }

  /** The value's length in bytes. */
  public int length() {
    return length;
  }

  /** True while the bytes lie in the store's memory and are held for this reader. */
  public boolean inStore() {
    return held;
  }

  /** The bytes, copied out of the store's memory if they are there (while held). */
  public byte[] bytes() {
    if (heap != null) {
      return heap;
    }
    checkHeld();
    byte[] copy = new byte[length];
    region.get(at, copy);
    return copy;
  }

  /**
   * The store's memory that holds the bytes, at {@link #offset()}, while held; null for a value on the heap
   * ({@link #bytes()}). For copying out with absolute reads, no buffer object per value: the buffer is the whole
   * shared region, so its position and limit must not be changed and it is never to be written to.
   */
  public ByteBuffer memory() {
    if (heap != null) {
      return null;
    }
    checkHeld();
    return region;
  }

  /** Where the bytes start in {@link #memory()}. */
  public int offset() {
    return at;
  }

  /**
   * Moves the hold to the transport: when the value lies in the store's memory, is at least
   * {@link #HAND_OFF_MIN} long and the store allows one more value out this way (a peer that does not read must
   * not hold the cache's memory: see {@link OffHeapStore}), its bytes as a buffer of their own, which the caller
   * writes as they are and then calls {@link #handOffDone()} once the transport has let go of them. Null, with
   * nothing changed, otherwise: the caller copies the value.
   */
  public ByteBuffer handOff() {
    if (!held || length < HAND_OFF_MIN || !pins.startHandOff()) {
      return null;
    }
    ByteBuffer bytes = region.slice(at, length);
    held = false;
    return bytes;
  }

  /** The transport has let go of a handed-off value; any thread, once. */
  public void handOffDone() {
    pins.endHandOff(segment);
  }

  /** Lets go of the store's memory; the bytes can no longer be read. Harmless when repeated. */
  public void release() {
    if (held) {
      held = false;
      pins.unpin(segment);
    }
  }

  /** Its length and whether it is on the heap, held or let go of, for logs and test failures. */
  @Override
  public String toString() {
    return "StoredValue[" + length + " bytes" + (heap != null ? "" : held ? ", held" : ", let go") + "]";
  }

  private void checkHeld() {
    if (!held) {
      throw new IllegalStateException("the value was released or handed off");
    }
  }

  /** Where a store keeps count of the readers of its segments. */
  interface Pins {
    /** A reader of {@code segment} is done. */
    void unpin(int segment);

    /** True, and counted, when one more value may go to the transport over the store's memory. */
    boolean startHandOff();

    /** A handed-off value of {@code segment} was let go of by the transport. */
    void endHandOff(int segment);
  }
}
