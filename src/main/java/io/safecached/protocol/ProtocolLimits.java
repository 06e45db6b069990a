package io.safecached.protocol;

/**
 * The limits every decoder checks before buffering what a peer sends, plus the two switches that change how
 * memcached parses a command at all ({@code -A}, {@code -F}).
 *
 * @param maxKeyLength longest key in bytes (memcached: 250)
 * @param maxLineLength longest command line; a longer one closes the connection (memcached: 2048)
 * @param maxMultigetLineLength longest get/gets line (memcached: unbounded)
 * @param maxItemSize the item size limit as memcached counts it ({@code -I})
 * @param shutdownEnabled {@code -A}: when off, {@code shutdown} arguments are not even parsed
 * @param flushAllDisabled {@code -F}: when on, {@code flush_all} arguments are not even parsed
 */
public record ProtocolLimits(int maxKeyLength, int maxLineLength, int maxMultigetLineLength, int maxItemSize,
                             boolean shutdownEnabled, boolean flushAllDisabled) {
  /** memcached's key length limit. */
  public static final int MAX_KEY_LENGTH = 250;
}
