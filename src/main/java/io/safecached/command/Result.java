package io.safecached.command;

import io.safecached.command.Result.Rejection.Kind;
import io.safecached.store.StoredValue;
import java.util.List;

/**
 * What running a {@link Command} produced, in protocol-neutral form; each protocol's encoder writes it.
 *
 * <p>Decoders also emit {@link Rejection}s directly for input they reject before any command exists (a malformed
 * line, an unknown command), so that the reply keeps its place among pipelined replies.
 */
public sealed interface Result {

  /** Replies that carry nothing but their meaning. */
  enum Status implements Result {
    STORED, NOT_STORED, EXISTS, NOT_FOUND, DELETED, TOUCHED, OK, RESET, MEMLIMIT_TOO_SMALL
  }

  /**
   * One item found by a get. {@code data} may still lie in the store's memory: the encoder that writes it
   * releases it ({@link StoredValue}).
   */
  record Hit(byte[] key, int flags, StoredValue data, long cas) {
    /** A hit of a value on the heap. */
    public Hit(byte[] key, int flags, byte[] value, long cas) {
      this(key, flags, StoredValue.of(value), cas);
    }

    /** The value's bytes (a copy when they lie in the store's memory); for tests and logs. */
    public byte[] value() {
      return data.bytes();
    }
  }

  /**
   * The items found by a get, in request order, duplicates repeated; misses are left out, or, in a
   * {@link LazyHits} (a get of many keys), null elements that an encoder skips.
   */
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
   * {@code stats detail dump}: memcached's {@code PREFIX ...} lines and {@code END}, each ending in CRLF, one
   * char per byte; text writes them as they are, binary as the value of one stat named {@code detailed}.
   */
  record PrefixDump(String text) implements Result {}

  /**
   * A request refused, before it ran (by a decoder, the authentication gate or the access policy) or instead of
   * running (by the executor): the sealed type of every error reply. Its {@link Kind} says what went wrong, and
   * every encoder switches on it (the binary encoder picks the status by it); the record type is the shape of
   * memcached's text reply ({@code ERROR}, {@code CLIENT_ERROR}, {@code SERVER_ERROR}) and the text is
   * memcached's wording, which only the text and meta encoders write.
   */
  sealed interface Rejection extends Result {
    /** What went wrong. */
    Kind kind();

    /** What went wrong; one binary status each. */
    enum Kind {
      /** The command is not known, or its arguments do not fit it (binary: "Unknown command"). */
      UNKNOWN_COMMAND,
      /** The request is malformed (binary: "Invalid arguments"). */
      INVALID_ARGUMENTS,
      /** incr/decr of a value that is not a number (binary: "Non-numeric server-side value for incr or decr"). */
      NON_NUMERIC,
      /** Not allowed: a refused login, no login yet, not an admin user, a command turned off (binary: AUTH_ERROR). */
      NOT_PERMITTED,
      /** What was asked about does not exist, e.g. a stats group (binary: "Not found"). */
      NOT_FOUND,
      /** The item is larger than the item size limit (binary: "Too large."). */
      TOO_LARGE,
      /** The server could not do it: out of memory, a failed reload (binary: "Out of memory"). */
      SERVER_FAILURE
    }
  }

  /**
   * A generic error line as memcached writes it: {@code ERROR} alone, or {@code ERROR} followed by more text
   * for the few replies memcached writes that way.
   */
  record Error(Kind kind, String line) implements Rejection {
    /** The plain {@code ERROR} reply: an unknown command, or a known one with the wrong arguments. */
    public static final Error PLAIN = new Error(Kind.UNKNOWN_COMMAND, "ERROR");

    /** A line for an unknown command or unfitting arguments. */
    public Error(String line) {
      this(Kind.UNKNOWN_COMMAND, line);
    }
  }

  /** {@code CLIENT_ERROR <message>}: the request was malformed or not allowed. */
  record ClientError(Kind kind, String message) implements Rejection {
    /** A malformed request. */
    public ClientError(String message) {
      this(Kind.INVALID_ARGUMENTS, message);
    }
  }

  /** An admin command from a peer that may not run one ({@code --admin-users}; UDP, which cannot log in). */
  ClientError PERMISSION_DENIED = new ClientError(Kind.NOT_PERMITTED, "permission denied");

  /** incr/decr (and ma) of a value that is not a number. */
  ClientError NON_NUMERIC = new ClientError(Kind.NON_NUMERIC, "cannot increment or decrement non-numeric value");

  /** {@code SERVER_ERROR <message>}: the server could not do it. */
  record ServerError(Kind kind, String message) implements Rejection {
    /** A failure of the server (out of memory and the like). */
    public ServerError(String message) {
      this(Kind.SERVER_FAILURE, message);
    }
  }

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
   * An item as a meta command saw it. {@code data} is null unless the value is returned (the encoder releases
   * it, see {@link StoredValue}); {@code ttl} is the
   * remaining lifetime in seconds (-1 for none), {@code lastAccess} seconds since the item was last read,
   * {@code fetched} whether it was read before this command, {@code size} the value's length.
   * {@code keyBinary} tells the encoder to print the key in base64.
   */
  record MetaItem(byte[] key, boolean keyBinary, StoredValue data, int flags, long cas, long ttl, long lastAccess,
                  boolean fetched, int size) {
    /** An item whose value, if returned, is on the heap. */
    public MetaItem(byte[] key, boolean keyBinary, byte[] value, int flags, long cas, long ttl, long lastAccess,
        boolean fetched, int size) {
      this(key, keyBinary, value == null ? null : StoredValue.of(value), flags, cas, ttl, lastAccess, fetched, size);
    }

    /** The value's bytes (a copy when they lie in the store's memory), or null; for tests and logs. */
    public byte[] value() {
      return data == null ? null : data.bytes();
    }
  }

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
