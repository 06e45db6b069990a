package io.safecached.store;

import io.safecached.store.stats.Counters;
import java.util.function.UnaryOperator;

/**
 * The one store every protocol's commands run against: live items by key, bounded in bytes.
 *
 * <p>Expired and flushed items are never returned. Changes go through {@link #compute}, which runs atomically
 * for its key, so that memcached's read-modify-write commands (cas, append, incr …) are written once, in the
 * command layer, on top of this single primitive.
 */
public interface ItemStore {

  /** The live item for {@code key}, or null. Does not mark the item fetched. */
  Item get(Key key);

  /**
   * The live item for {@code key} for a reply: marked fetched when {@code mark} (memcached's item_get with its
   * bump), its value left in the store's memory and held there until the caller sends or releases it
   * ({@link Item#storedValue()}, {@link Item#release()}). The item tells whether it was fetched, and when last,
   * before this read. Null when absent, expired or flushed.
   */
  Item fetch(Key key, boolean mark);

  /**
   * Atomically replaces the item for {@code key}: {@code fn} sees the live item (null when absent, expired or
   * flushed) and returns the new item, the same item to leave it as it is, or null to remove it. Returns what
   * {@code fn} returned. {@code fn} must be quick and must not touch the store.
   */
  Item compute(Key key, UnaryOperator<Item> fn);

  /** Removes the item whatever its state; true when a live item was removed. */
  boolean remove(Key key);

  /** A new CAS unique, larger than every one handed out before. */
  long nextCas();

  /** The store's clock, in epoch milliseconds. */
  long now();

  /**
   * memcached's {@code flush_all}: every item stored before {@code deadlineMillis} is invalid from then on.
   * A deadline at or before now flushes at once.
   */
  void flushAll(long deadlineMillis);

  /** Number of items held, expired ones not yet reclaimed included (memcached's {@code curr_items}). */
  long itemCount();

  /** Bytes used by items, counting keys, values and per-item overhead. */
  long bytesUsed();

  /** The memory limit in bytes. */
  long memoryLimit();

  /** Changes the memory limit; items beyond it are evicted. */
  void setMemoryLimit(long bytes);

  /**
   * Reserves {@code bytes} of the limit for a value still arriving (memcached allocates the item inside its
   * memory when the header arrives): items are evicted to make room; false, with nothing reserved, when all
   * reservations together would pass {@link #reservationLimit()}.
   */
  boolean reserve(long bytes);

  /** Gives back bytes of an earlier {@link #reserve}. */
  void release(long bytes);

  /** Bytes reserved now for values still arriving. */
  long reservedBytes();

  /** The most that all reservations together may hold. */
  long reservationLimit();

  /** The counters this store and its users report. */
  Counters counters();
}
