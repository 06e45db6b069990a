package io.safecached.command;

/**
 * The item size rule, written once (memcached's {@code item_size_ok()} in items.c, which every front end calls):
 * how large memcached counts an item against the item size limit ({@code -I}), and whether it fits.
 *
 * <p>memcached counts its 48-byte item header, the 8-byte CAS, the key with its terminating NUL, the value with
 * its {@code \r\n}, and, when the client flags are not zero, the 4 bytes that hold them. So a value with flags
 * needs 4 bytes more room than the same value without; text, meta and binary requests, and append/prepend (with
 * the flags of the item they extend), all ask this class.
 */
public final class ItemSize {
  /** memcached's per-item header (48 bytes) plus its 8-byte CAS. */
  public static final int HEADER = 56;
  /** The bytes memcached adds to an item whose client flags are not zero. */
  public static final int FLAGS_SUFFIX = 4;
  /** The CAS field within {@link #HEADER}, which items of a server without CAS ({@code -C}) do not have. */
  public static final int CAS = 8;

  private ItemSize() {}

  /** The size of an item as memcached counts it against {@code -I}. */
  public static long of(int keyLength, long valueLength, int flags) {
    return HEADER + keyLength + 1L + valueLength + 2L + (flags != 0 ? FLAGS_SUFFIX : 0);
  }

  /**
   * The limit to pass to {@link #fits} for {@code -I maxItemSize}: without CAS ({@code -C}) memcached's items
   * are {@value #CAS} bytes smaller, so values {@value #CAS} bytes longer fit.
   */
  public static int limit(int maxItemSize, boolean casEnabled) {
    return casEnabled ? maxItemSize : maxItemSize + CAS;
  }

  /** True when an item of this key length, value length and client flags fits the limit {@code maxItemSize}. */
  public static boolean fits(int keyLength, long valueLength, int flags, int maxItemSize) {
    return of(keyLength, valueLength, flags) <= maxItemSize;
  }
}
