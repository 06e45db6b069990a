package io.safecached.command;

import java.util.List;

/**
 * What running a {@link Command} produced, in protocol-neutral form; each protocol's encoder writes it.
 *
 * <p>Decoders also emit results directly for input they reject before any command exists (a malformed line,
 * an unknown command), so that the reply keeps its place among pipelined replies.
 */
public sealed interface Result {

  /** Replies that carry nothing but their meaning. */
  enum Status implements Result {
    STORED, NOT_STORED, EXISTS, NOT_FOUND, DELETED, TOUCHED, OK, RESET, MEMLIMIT_TOO_SMALL
  }

  /** One item found by a get. */
  record Hit(byte[] key, int flags, byte[] value, long cas) {}

  /** The items found by a get; misses are left out, duplicates repeated, in request order. */
  record Values(List<Hit> hits, boolean withCas) implements Result {}

  /** The new value after incr/decr, unsigned. */
  record Number(long value) implements Result {}

  /** The server's version string. */
  record Version(String version) implements Result {}

  /** One statistic. */
  record Stat(String name, String value) {}

  /** A list of statistics. */
  record Stats(List<Stat> stats) implements Result {}

  /**
   * A generic error line as memcached writes it: {@code ERROR} alone, or {@code ERROR} followed by more text
   * for the few replies memcached writes that way.
   */
  record Error(String line) implements Result {
    /** The plain {@code ERROR} reply. */
    public static final Error PLAIN = new Error("ERROR");
  }

  /** {@code CLIENT_ERROR <message>}: the request was malformed or not allowed. */
  record ClientError(String message) implements Result {}

  /** {@code SERVER_ERROR <message>}: the server could not do it. */
  record ServerError(String message) implements Result {}

  /** Close the connection after earlier replies are sent, replying nothing. */
  record Close() implements Result {
    public static final Close INSTANCE = new Close();
  }

  /** Nothing to send (a silent command). */
  record None() implements Result {
    public static final None INSTANCE = new None();
  }
}
