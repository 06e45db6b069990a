package io.safecached.store;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Where an item's parts sit in a segment: a 32-byte header, the key, the value, padded to 8 bytes.
 *
 * <pre>
 *  0  long  CAS unique
 *  8  int   client flags
 * 12  int   value length
 * 16  int   stored: seconds since the store's base second
 * 20  int   deadline: milliseconds after the stored second (seconds when {@link #DEADLINE_SECONDS} is set),
 *           {@link #NEVER} for none
 * 24  int   last access: seconds since the store's base second
 * 28  int   bits 0-7 key length, bits 8-15 marks ({@link #FETCHED} ...), bits 16-25 the millisecond of the
 *           stored second, bits 26-27 the read frequency (0-3); marks and frequency change only atomically
 * 32        key bytes, then value bytes
 * </pre>
 *
 * memcached's item header is 48 bytes plus 8 for the CAS; this one holds the same facts in 32 by keeping times
 * relative to the store's start, as memcached's {@code rel_time} does.
 */
final class ItemLayout {
  static final int HEADER = 32;
  static final int CAS = 0;
  static final int FLAGS = 8;
  static final int VALUE_LENGTH = 12;
  static final int STORED = 16;
  static final int DEADLINE = 20;
  static final int ACCESS = 24;
  static final int WORD = 28;

  /** The deadline field's value for an item that never expires. */
  static final int NEVER = -1;

  /** Mark: some client read the item. */
  static final int FETCHED = 1 << 8;
  /** Mark: the meta win token was handed out for this version. */
  static final int TOKEN = 1 << 10;
  /** Mark: invalidated by meta I (served with X until replaced). */
  static final int STALE = 1 << 11;
  /** Mark: the key came base64-encoded. */
  static final int KEY_BINARY = 1 << 12;
  /** Mark: the CAS was the client's (meta E). */
  static final int EXPLICIT_CAS = 1 << 13;
  /** Mark: the deadline field counts seconds, not milliseconds (deadlines beyond 49 days). */
  static final int DEADLINE_SECONDS = 1 << 14;

  /** The read frequency's lowest bit, and its mask: S3-FIFO's 2-bit counter. */
  static final int FREQ_ONE = 1 << 26;
  static final int FREQ_MASK = 3 << 26;

  private static final VarHandle INTS = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());
  /** Keys compared a long at a time, in the buffers' (native) order. */
  private static final VarHandle KEY_LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());

  private ItemLayout() {}

  /** Bytes an item takes in a segment, padded to 8. */
  static int footprint(int keyLength, int valueLength) {
    return (HEADER + keyLength + valueLength + 7) & ~7;
  }

  /** The millisecond within its second at which the record was stored. */
  static int storedMilli(ByteBuffer b, int off) {
    return (b.getInt(off + WORD) >>> 16) & 0x3FF;
  }

  static int keyLength(ByteBuffer b, int off) {
    return b.getInt(off + WORD) & 0xFF;
  }

  static int marks(ByteBuffer b, int off) {
    return (int) INTS.getVolatile(b, off + WORD);
  }

  /** Sets {@code bits} in the marks atomically; returns the marks before. */
  static int setMarks(ByteBuffer b, int off, int bits) {
    return (int) INTS.getAndBitwiseOr(b, off + WORD, bits);
  }

  /** The read frequency, 0 to 3. */
  static int frequency(int marks) {
    return (marks & FREQ_MASK) >>> 26;
  }

  /** Counts a read: the frequency goes up by one unless it is 3 already (no write then). */
  static void countRead(ByteBuffer b, int off) {
    int w = (int) INTS.getVolatile(b, off + WORD);
    while ((w & FREQ_MASK) != FREQ_MASK && !INTS.compareAndSet(b, off + WORD, w, w + FREQ_ONE)) {
      w = (int) INTS.getVolatile(b, off + WORD);
    }
  }

  /** Sets the read frequency to {@code f}. */
  static void setFrequency(ByteBuffer b, int off, int f) {
    int w = (int) INTS.getVolatile(b, off + WORD);
    while (!INTS.compareAndSet(b, off + WORD, w, (w & ~FREQ_MASK) | f << 26)) {
      w = (int) INTS.getVolatile(b, off + WORD);
    }
  }

  /** Clears {@code bits} in the marks atomically. */
  static void clearMarks(ByteBuffer b, int off, int bits) {
    INTS.getAndBitwiseAnd(b, off + WORD, ~bits);
  }

  static int valueLength(ByteBuffer b, int off) {
    return b.getInt(off + VALUE_LENGTH);
  }

  static int footprint(ByteBuffer b, int off) {
    return footprint(keyLength(b, off), valueLength(b, off));
  }

  /** True when the key at {@code off} equals {@code key}. */
  static boolean keyEquals(ByteBuffer b, int off, byte[] key) {
    int n = key.length;
    if (keyLength(b, off) != n) {
      return false;
    }
    int p = off + HEADER;
    int i = 0;
    for (; i + 8 <= n; i += 8) {
      if (b.getLong(p + i) != (long) KEY_LONGS.get(key, i)) {
        return false;
      }
    }
    for (; i < n; i++) {
      if (b.get(p + i) != key[i]) {
        return false;
      }
    }
    return true;
  }

  /** The key at {@code off}, copied. */
  static byte[] key(ByteBuffer b, int off) {
    byte[] k = new byte[keyLength(b, off)];
    b.get(off + HEADER, k);
    return k;
  }
}
