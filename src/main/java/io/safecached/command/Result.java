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

  // ------------------------------------------------------------------ meta protocol (also used by binary)

  /** The meta protocol's return codes; VA is HD with a value. */
  enum MetaCode { HD, VA, EN, NF, NS, EX }

  /**
   * An item as a meta command saw it. {@code value} is null unless the value is returned; {@code ttl} is the
   * remaining lifetime in seconds (-1 for none), {@code lastAccess} seconds since the item was last read,
   * {@code fetched} whether it was read before this command, {@code size} the value's length.
   * {@code keyBinary} tells the encoder to print the key in base64.
   */
  record MetaItem(byte[] key, boolean keyBinary, byte[] value, int flags, long cas, long ttl, long lastAccess,
                  boolean fetched, int size) {}

  /**
   * The reply to a meta command: its code, the item (null on EN/NF/NS/EX), and the stampede markers: {@code won}
   * (W: this client should refresh the item), {@code stale} (X) and {@code tokenSent} (Z: another client won).
   * Quiet mode is applied by the executor: a reply it hides is never produced.
   */
  record Meta(MetaCode code, MetaItem item, boolean won, boolean stale, boolean tokenSent) implements Result {
    /** A reply with a code and nothing else. */
    public static Meta of(MetaCode code) {
      return new Meta(code, null, false, false, false);
    }
  }

  /**
   * The reply to me: {@code exp} seconds to expiry (-1 for none), {@code lastAccess} seconds since the last read,
   * the CAS, whether the item was ever fetched, its memcached size class and total size.
   */
  record MetaDebug(byte[] key, boolean keyBinary, long exp, long lastAccess, long cas, boolean fetched,
                   int slabClass, long size) implements Result {}

  /** The reply to mn (MN) and the binary noop. */
  record MetaNoop() implements Result {
    public static final MetaNoop INSTANCE = new MetaNoop();
  }

  /** A result with the frame its command carried (see {@link Command.Framed}). */
  record Framed(Result result, Object frame) implements Result {}

  // ------------------------------------------------------------------ authentication (binary SASL)

  /** The SASL mechanisms the server offers, in order of preference (the reply to SASL_LIST_MECHS). */
  record SaslMechanisms(List<String> mechanisms) implements Result {
    public SaslMechanisms {
      mechanisms = List.copyOf(mechanisms);
    }
  }

  /** A SASL exchange completed: the client is logged in (binary: "Authenticated"). */
  record Authenticated() implements Result {
    public static final Authenticated INSTANCE = new Authenticated();
  }
}
