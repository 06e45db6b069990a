package io.safecached.store;

/**
 * One cached value with its client flags, CAS unique and deadline; its data never changes after creation.
 *
 * <p>A change to an item is a new item with a new CAS value. The only mutable parts are two access marks that
 * memcached also keeps on its items and that no client can set: whether the item was ever read, and when it was
 * last read. They feed {@code expired_unfetched}, {@code evicted_unfetched} and later {@code me}.
 */
public final class Item {
  /** memcached's per-item header (48 bytes) plus its 8-byte CAS, counted against {@code -I} like memcached. */
  public static final int MEMCACHED_HEADER = 56;

  private final byte[] value;
  private final int flags;
  private final long cas;
  private final long expiresAt;
  private final long storedAt;
  private volatile boolean fetched;
  private volatile long lastAccess;

  /**
   * @param value the data; owned by the item from now on
   * @param flags 32 client bits, unsigned
   * @param cas unique change number
   * @param expiresAt epoch milliseconds after which the item is gone; 0 = never
   * @param storedAt epoch milliseconds when this version was stored
   */
  public Item(byte[] value, int flags, long cas, long expiresAt, long storedAt) {
    this.value = value;
    this.flags = flags;
    this.cas = cas;
    this.expiresAt = expiresAt;
    this.storedAt = storedAt;
    this.lastAccess = storedAt;
  }

  /** The data; shared, never to be modified. */
  public byte[] value() {
    return value;
  }

  public int flags() {
    return flags;
  }

  public long cas() {
    return cas;
  }

  /** Epoch milliseconds of expiry, 0 for never. */
  public long expiresAt() {
    return expiresAt;
  }

  public long storedAt() {
    return storedAt;
  }

  public boolean fetched() {
    return fetched;
  }

  public long lastAccess() {
    return lastAccess;
  }

  /** Records a read at {@code now}. */
  public void markFetched(long now) {
    fetched = true;
    lastAccess = now;
  }

  /** True when the deadline has passed at {@code now}. */
  public boolean expiredAt(long now) {
    return expiresAt != 0 && now >= expiresAt;
  }

  /** The same data with another deadline; keeps the CAS value, as memcached's touch does. */
  public Item withExpiry(long newExpiresAt) {
    Item copy = new Item(value, flags, cas, newExpiresAt, storedAt);
    copy.fetched = fetched;
    copy.lastAccess = lastAccess;
    return copy;
  }

  /** Size of this item as memcached counts it against the item size limit ({@code -I}). */
  public static long memcachedSize(int keyLength, long valueLength) {
    return MEMCACHED_HEADER + keyLength + 1L + valueLength + 2L;
  }
}
