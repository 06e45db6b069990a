package io.safecached.store;

import java.nio.ByteBuffer;

/** Reads and writes the store's records ({@link ItemLayout}), whose times count seconds from a base second. */
final class Records {
  /** The second that records' times count from. */
  final long baseSecond;

  Records(long baseSecond) {
    this.baseSecond = baseSecond;
  }

  /** The item at {@code off}, its value copied out ({@code copy}) or read later while the lock is held. */
  Item read(ByteBuffer b, int off, boolean copy) {
    long cas = b.getLong(off + ItemLayout.CAS);
    int flags = b.getInt(off + ItemLayout.FLAGS);
    int valueLength = ItemLayout.valueLength(b, off);
    int keyLength = ItemLayout.keyLength(b, off);
    int m = ItemLayout.marks(b, off);
    long stored = storedMillis(b, off);
    long deadline = deadline(b, off, m);
    boolean stale = (m & ItemLayout.STALE) != 0;
    boolean keyBinary = (m & ItemLayout.KEY_BINARY) != 0;
    int at = off + ItemLayout.HEADER + keyLength;
    if (copy) {
      byte[] v = new byte[valueLength];
      b.get(at, v);
      return new Item(v, flags, cas, deadline, stored, stale, keyBinary);
    }
    return Item.lazy(() -> {
      byte[] v = new byte[valueLength];
      b.get(at, v);
      return v;
    }, flags, cas, deadline, stored, stale, keyBinary);
  }

  /** When the record was stored, to the millisecond. */
  long storedMillis(ByteBuffer b, int off) {
    return storedSecondMillis(b, off) + ItemLayout.storedMilli(b, off);
  }

  /** The start of the second in which the record was stored; its deadline counts from there. */
  long storedSecondMillis(ByteBuffer b, int off) {
    return (baseSecond + (b.getInt(off + ItemLayout.STORED) & 0xFFFF_FFFFL)) * 1000L;
  }

  long accessMillis(ByteBuffer b, int off) {
    return (baseSecond + (b.getInt(off + ItemLayout.ACCESS) & 0xFFFF_FFFFL)) * 1000L;
  }

  long deadline(ByteBuffer b, int off, int marks) {
    int d = b.getInt(off + ItemLayout.DEADLINE);
    if (d == ItemLayout.NEVER) {
      return 0;
    }
    long delta = d & 0xFFFF_FFFFL;
    return storedSecondMillis(b, off) + ((marks & ItemLayout.DEADLINE_SECONDS) != 0 ? delta * 1000L : delta);
  }

  /** Seconds since the base second, as a record keeps times. */
  int relativeSecond(long millis) {
    long s = Math.floorDiv(millis, 1000) - baseSecond;
    return (int) Math.max(0, Math.min(0xFFFF_FFFEL, s));
  }

  void writeDeadline(ByteBuffer b, int off, long deadline, long storedSecondMillis) {
    if (deadline == 0) {
      b.putInt(off + ItemLayout.DEADLINE, ItemLayout.NEVER);
      ItemLayout.clearMarks(b, off, ItemLayout.DEADLINE_SECONDS);
      return;
    }
    long delta = Math.max(0, deadline - storedSecondMillis);
    if (delta < 0xFFFF_FFFFL) {
      b.putInt(off + ItemLayout.DEADLINE, (int) delta);
      ItemLayout.clearMarks(b, off, ItemLayout.DEADLINE_SECONDS);
    } else {
      b.putInt(off + ItemLayout.DEADLINE, (int) Math.min(0xFFFF_FFFEL, (delta + 999) / 1000));
      ItemLayout.setMarks(b, off, ItemLayout.DEADLINE_SECONDS);
    }
  }

  /** Writes {@code item} under key {@code k} as the record at {@code off}. */
  void write(ByteBuffer b, int off, byte[] k, Item item) {
    byte[] v = item.value();
    int stored = relativeSecond(item.storedAt());
    int milli = (int) Math.floorMod(item.storedAt(), 1000L);
    int marks = (item.fetched() ? ItemLayout.FETCHED : 0) | (item.tokenSent() ? ItemLayout.TOKEN : 0)
        | (item.stale() ? ItemLayout.STALE : 0) | (item.keyBinary() ? ItemLayout.KEY_BINARY : 0)
        | (item.explicitCas() ? ItemLayout.EXPLICIT_CAS : 0);
    b.putLong(off + ItemLayout.CAS, item.cas());
    b.putInt(off + ItemLayout.FLAGS, item.flags());
    b.putInt(off + ItemLayout.VALUE_LENGTH, v.length);
    b.putInt(off + ItemLayout.STORED, stored);
    b.putInt(off + ItemLayout.ACCESS, relativeSecond(item.lastAccess()));
    b.putInt(off + ItemLayout.WORD, k.length | marks | milli << 16);
    writeDeadline(b, off, item.expiresAt(), (baseSecond + stored) * 1000L);
    b.put(off + ItemLayout.HEADER, k);
    b.put(off + ItemLayout.HEADER + k.length, v);
  }
}
