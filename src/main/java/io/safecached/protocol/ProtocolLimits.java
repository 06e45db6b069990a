package io.safecached.protocol;

/**
 * The limits every decoder checks before buffering what a peer sends, plus the switches that change how
 * memcached parses a command at all ({@code -A}, {@code -F}, {@code -S}).
 *
 * @param maxKeyLength longest key in bytes (memcached: 250)
 * @param maxLineLength longest command line; a longer one closes the connection (memcached: 2048)
 * @param maxMultigetLineLength longest get/gets line (memcached: unbounded)
 * @param maxItemSize the item size limit as memcached counts it ({@code -I})
 * @param shutdownEnabled {@code -A}: when off, {@code shutdown} arguments are not even parsed
 * @param flushAllDisabled {@code -F}: when on, {@code flush_all} arguments are not even parsed
 * @param saslEnabled {@code -S} (or a user file): the binary decoder turns the SASL opcodes into commands for the
 *     authentication gate instead of answering them "Unknown command"
 */
public record ProtocolLimits(int maxKeyLength, int maxLineLength, int maxMultigetLineLength, int maxItemSize,
                             boolean shutdownEnabled, boolean flushAllDisabled, boolean saslEnabled) {
  /** memcached's key length limit. */
  public static final int MAX_KEY_LENGTH = 250;

  /** Limits without SASL. */
  public ProtocolLimits(int maxKeyLength, int maxLineLength, int maxMultigetLineLength, int maxItemSize,
                        boolean shutdownEnabled, boolean flushAllDisabled) {
    this(maxKeyLength, maxLineLength, maxMultigetLineLength, maxItemSize, shutdownEnabled, flushAllDisabled, false);
  }

  /** These limits with SASL turned on or off. */
  public ProtocolLimits withSasl(boolean enabled) {
    return new ProtocolLimits(maxKeyLength, maxLineLength, maxMultigetLineLength, maxItemSize, shutdownEnabled,
        flushAllDisabled, enabled);
  }
}
