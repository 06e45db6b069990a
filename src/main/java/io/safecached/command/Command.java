package io.safecached.command;

import java.util.List;

/**
 * A request decoded from any protocol, in protocol-neutral form; {@link CommandExecutor} runs it.
 *
 * <p>Keys and values are byte arrays owned by the command (decoders copy them out of network buffers), so no
 * buffer of the network layer reaches the command layer or the store. Numbers that memcached treats as unsigned
 * are carried in Java's signed types with the same bits.
 */
public sealed interface Command {

  /** True when the client asked for no reply ({@code noreply}, quiet modes). */
  default boolean noreply() {
    return false;
  }

  /** How a storage command treats an existing item. */
  enum StoreMode { SET, ADD, REPLACE, APPEND, PREPEND, CAS }

  /** get, gets, gat, gats: look up one or more keys; {@code touchExptime} is non-null for gat/gats. */
  record Get(List<byte[]> keys, boolean withCas, Long touchExptime) implements Command {
    public Get {
      keys = List.copyOf(keys);
    }

    /** True for gat/gats. */
    public boolean touches() {
      return touchExptime != null;
    }
  }

  /** set, add, replace, append, prepend, cas; {@code casUnique} is used by CAS only. */
  record Store(StoreMode mode, byte[] key, int flags, long exptime, byte[] value, long casUnique,
               boolean noreply) implements Command {}

  /** A storage command whose data block was larger than the item size limit; the data was discarded. */
  record StoreTooLarge(StoreMode mode, byte[] key, boolean noreply) implements Command {}

  /** delete. */
  record Delete(byte[] key, boolean noreply) implements Command {}

  /** incr and decr with an unsigned 64-bit delta. */
  record Arithmetic(byte[] key, boolean increment, long delta, boolean noreply) implements Command {}

  /** touch: a new exptime for an existing item. */
  record Touch(byte[] key, long exptime, boolean noreply) implements Command {}

  /** flush_all, with memcached's exptime rules for the delay (0 = now). */
  record FlushAll(long delay, boolean noreply) implements Command {}

  /** version. */
  record Version() implements Command {}

  /** verbosity. */
  record Verbosity(int level, boolean noreply) implements Command {}

  /** quit: close the connection without a reply. */
  record Quit() implements Command {}

  /** shutdown [graceful]. */
  record Shutdown(boolean graceful) implements Command {}

  /** cache_memlimit in megabytes. */
  record CacheMemlimit(long megabytes, boolean noreply) implements Command {}

  /** stats with an optional group ({@code null} for the general statistics). */
  record Stats(String group) implements Command {}
}
