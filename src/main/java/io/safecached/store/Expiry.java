package io.safecached.store;

/**
 * memcached's exptime rules in one place: 0 never expires, up to 30 days is relative, anything larger is an
 * absolute Unix time, and a negative value is already expired.
 */
public final class Expiry {
  /** The largest relative exptime: 30 days in seconds; larger values are absolute Unix times. */
  public static final long MAX_RELATIVE_SECONDS = 60L * 60 * 24 * 30;

  /** A deadline in the past, used for items that are expired from the start. */
  public static final long ALREADY_EXPIRED = 1;

  private Expiry() {}

  /**
   * The deadline in epoch milliseconds for an exptime given at {@code nowMillis}; 0 means never.
   * A result at or before {@code nowMillis} means the item is expired already.
   */
  public static long deadline(long exptime, long nowMillis) {
    if (exptime == 0) {
      return 0;
    }
    if (exptime < 0) {
      return ALREADY_EXPIRED;
    }
    if (exptime <= MAX_RELATIVE_SECONDS) {
      return nowMillis + exptime * 1000L;
    }
    return Math.max(ALREADY_EXPIRED, Math.multiplyExact(Math.min(exptime, Long.MAX_VALUE / 1000), 1000L));
  }
}
