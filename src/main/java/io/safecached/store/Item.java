package io.safecached.store;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * One cached value with its client flags, CAS unique and deadline; its data never changes after creation.
 *
 * <p>A change to an item is a new item with a new CAS value. The only mutable parts are marks that memcached
 * also keeps on its items and that no client sets directly: whether the item was ever read and when it was last
 * read (they feed {@code expired_unfetched}, {@code evicted_unfetched}, {@code me} and mg's h/l flags), and
 * whether a meta client has already been handed the win token for this version (the anti-stampede W/Z flags),
 * which is claimed atomically so that exactly one client wins.
 */
public final class Item {
  private static final AtomicIntegerFieldUpdater<Item> TOKEN =
      AtomicIntegerFieldUpdater.newUpdater(Item.class, "tokenSent");

  private byte[] value;
  /** Where the value can still be read while the store's lock is held, for an item seen inside compute. */
  private ValueSource source;
  /** Where a value read for a reply still lies in the store's memory; null otherwise. */
  private StoredValue stored;
  /** Where a stored item's marks live, for an item read from a store; null for an item not stored. */
  private Marks marks;
  /** Where {@link #marks} finds this item: the key's hash and the record's location in the store. */
  private long markHash;
  private long markLocation;
  private final int flags;
  private final long cas;
  private final long expiresAt;
  private final long storedAt;
  private final boolean stale;
  private final boolean keyBinary;
  private boolean explicitCas;
  private volatile boolean fetched;
  private volatile long lastAccess;
  private volatile int tokenSent;

  /**
   * @param value the data; owned by the item from now on
   * @param flags 32 client bits, unsigned
   * @param cas unique change number
   * @param expiresAt epoch milliseconds after which the item is gone; 0 = never
   * @param storedAt epoch milliseconds when this version was stored
   */
  public Item(byte[] value, int flags, long cas, long expiresAt, long storedAt) {
    this(value, flags, cas, expiresAt, storedAt, false, false);
  }

  /**
   * An item with the meta protocol's marks.
   *
   * @param stale the item was invalidated (md I, ms I) and is served with the X flag until replaced
   * @param keyBinary the client sent the key base64-encoded, so meta replies encode it again
   */
  public Item(byte[] value, int flags, long cas, long expiresAt, long storedAt, boolean stale, boolean keyBinary) {
    this.value = value;
    this.flags = flags;
    this.cas = cas;
    this.expiresAt = expiresAt;
    this.storedAt = storedAt;
    this.stale = stale;
    this.keyBinary = keyBinary;
    this.lastAccess = storedAt;
  }

  /** The data; shared, never to be modified. */
  public byte[] value() {
    byte[] v = value;
    if (v == null) {
      if (stored != null) {
        v = stored.bytes();
        value = v;
        return v;
      }
      ValueSource src = source;
      if (src == null) {
        throw new IllegalStateException("the value of an item seen inside compute was read after it returned");
      }
      v = src.load();
      value = v;
    }
    return v;
  }

  /**
   * The value as a reply sends it: for an item the store fetched for a reply, its bytes where the store keeps
   * them, held until the reply releases them (see {@link StoredValue}); otherwise the bytes on the heap.
   */
  public StoredValue storedValue() {
    return stored != null ? stored : StoredValue.of(value());
  }

  /** The value's length in bytes. */
  public int valueLength() {
    return stored != null ? stored.length() : value().length;
  }

  /** Lets go of the store's memory holding a fetched item's value when no reply will send it. */
  public void release() {
    if (stored != null) {
      stored.release();
    }
  }

  /** Reads a stored item's value from where the store keeps it, on the first {@link #value()}. */
  interface ValueSource {
    byte[] load();
  }

  /**
   * The marks of stored items, kept by the store rather than in the items: one per store, told which item by
   * the key's hash and the record's location, so that reading an item makes no object for them.
   */
  interface Marks {
    void markFetched(long hash, long location, long now);

    boolean claimToken(long hash, long location);
  }

  /** An item whose value is read from {@code source} when first asked for. */
  static Item lazy(ValueSource source, int flags, long cas, long expiresAt, long storedAt, boolean stale,
      boolean keyBinary) {
    Item item = new Item(null, flags, cas, expiresAt, storedAt, stale, keyBinary);
    item.source = source;
    return item;
  }

  /** An item fetched for a reply, its value left where the store keeps it and held there. */
  static Item fetched(StoredValue value, int flags, long cas, long expiresAt, long storedAt, boolean stale,
      boolean keyBinary) {
    Item item = new Item(null, flags, cas, expiresAt, storedAt, stale, keyBinary);
    item.stored = value;
    return item;
  }

  /** Sets the marks read back from a store, and where to write them from now on. */
  Item restored(boolean wasFetched, long accessed, boolean tokenWasSent, boolean explicit, Marks storeMarks,
      long hash, long location) {
    fetched = wasFetched;
    lastAccess = accessed;
    tokenSent = tokenWasSent ? 1 : 0;
    explicitCas = explicit;
    return bind(storeMarks, hash, location);
  }

  /** From now on writes the marks to where the store keeps them: the record of {@code hash} at {@code location}. */
  Item bind(Marks storeMarks, long hash, long location) {
    marks = storeMarks;
    markHash = hash;
    markLocation = location;
    return this;
  }

  /** After compute returns: a value not read by then can no longer be. */
  void detach() {
    source = null;
  }

  /** True when both items hold the very same data (one a copy of the other with another deadline). */
  boolean sharesValueWith(Item other) {
    if (stored != null) {
      return stored == other.stored;
    }
    return value != null ? value == other.value : source != null && source == other.source;
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

  /** True when the item was invalidated and not replaced since (meta X flag). */
  public boolean stale() {
    return stale;
  }

  /** True when the key was stored from a base64-encoded meta key. */
  public boolean keyBinary() {
    return keyBinary;
  }

  /** True when some client was already handed the win token for this item (meta Z flag). */
  public boolean tokenSent() {
    return tokenSent != 0;
  }

  /** Claims the win token; true for exactly one caller per item. */
  public boolean claimToken() {
    Marks m = marks;
    if (m == null) {
      return TOKEN.compareAndSet(this, 0, 1);
    }
    boolean won = m.claimToken(markHash, markLocation);
    tokenSent = 1;
    return won;
  }

  /** True when the CAS was given by the client (meta {@code E}), not drawn from the store's sequence. */
  public boolean explicitCas() {
    return explicitCas;
  }

  /**
   * Marks the CAS as the client's (meta {@code E}) when {@code explicit}; call before the item is stored. Such an
   * item is ordered against {@code flush_all} by when it was stored, since its CAS says nothing about that.
   */
  public Item withExplicitCas(boolean explicit) {
    explicitCas = explicit;
    return this;
  }

  /**
   * Carries whether {@code from} was fetched, and when last, over to this item: a version of the same item that
   * memcached changes in place (incr/decr of a number that fits, md's invalidation); call before it is stored.
   */
  public Item withAccessOf(Item from) {
    fetched = from.fetched;
    lastAccess = from.lastAccess;
    return this;
  }

  /** Marks the win token as handed out already (for an item created by a client that won it). */
  public Item withTokenSent() {
    tokenSent = 1;
    return this;
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
    Marks m = marks;
    if (m != null) {
      m.markFetched(markHash, markLocation, now);
    }
  }

  /** True when the deadline has passed at {@code now}. */
  public boolean expiredAt(long now) {
    return expiresAt != 0 && now >= expiresAt;
  }

  /** The same data with another deadline; keeps the CAS value, as memcached's touch does. */
  public Item withExpiry(long newExpiresAt) {
    Item copy = new Item(value, flags, cas, newExpiresAt, storedAt, stale, keyBinary);
    copy.source = source;
    copy.stored = stored;
    copy.marks = marks;
    copy.markHash = markHash;
    copy.markLocation = markLocation;
    copy.fetched = fetched;
    copy.lastAccess = lastAccess;
    copy.tokenSent = tokenSent;
    copy.explicitCas = explicitCas;
    return copy;
  }
}
