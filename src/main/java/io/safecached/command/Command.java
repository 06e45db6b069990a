package io.safecached.command;

import io.safecached.security.CommandKind;
import java.util.List;

/**
 * A request decoded from any protocol, in protocol-neutral form; {@link CommandExecutor} runs it.
 *
 * <p>Keys and values are byte arrays owned by the command (decoders copy them out of network buffers), so no
 * buffer of the network layer reaches the command layer or the store. Numbers that memcached treats as unsigned
 * are carried in Java's signed types with the same bits.
 *
 * <p>Each type declares what it is, once: its {@link #kind()} (read, write, admin, ...) for the access policy,
 * and whether it is in meta quiet mode with the nominal reply that mode leaves out. The authentication gate, the
 * UDP path and the executor ask these methods; none keeps a list of command types of its own.
 */
public sealed interface Command {

  /** What this command is, for the access policy. */
  CommandKind kind();

  /** True when the client asked for no reply ({@code noreply}, quiet modes). */
  default boolean noreply() {
    return false;
  }

  /** True in meta quiet mode ({@code q}, binary quiet opcodes): the nominal reply is left out. */
  default boolean quiet() {
    return false;
  }

  /** The reply quiet mode leaves out: {@code EN} (a miss) for mg, {@code HD} (success) for the others. */
  default Result.MetaCode quietHides() {
    return Result.MetaCode.HD;
  }

  // A command type declares its kind by the interface it implements, or by its own kind() when that depends on
  // its arguments (Get, MetaGet, Stats, Framed).

  /** A command that only reads. */
  sealed interface Read extends Command {
    @Override
    default CommandKind kind() {
      return CommandKind.READ;
    }
  }

  /** A command that changes items. */
  sealed interface Write extends Command {
    @Override
    default CommandKind kind() {
      return CommandKind.WRITE;
    }
  }

  /** A command that changes or reveals the whole server. */
  sealed interface Admin extends Command {
    @Override
    default CommandKind kind() {
      return CommandKind.ADMIN;
    }
  }

  /** A command about the connection itself. */
  sealed interface Session extends Command {
    @Override
    default CommandKind kind() {
      return CommandKind.SESSION;
    }
  }

  /** A step of a login, for the authentication gate. */
  sealed interface Login extends Command {
    @Override
    default CommandKind kind() {
      return CommandKind.LOGIN;
    }
  }

  /** How a storage command treats an existing item. */
  enum StoreMode { SET, ADD, REPLACE, APPEND, PREPEND, CAS }

  /** get, gets, gat, gats: look up one or more keys; {@code touchExptime} is non-null for gat/gats. */
  record Get(List<byte[]> keys, boolean withCas, Long touchExptime) implements Command {
    @Override
    public CommandKind kind() {
      return touches() ? CommandKind.WRITE : CommandKind.READ;
    }

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
               boolean noreply) implements Write {}

  /** A storage command whose data block was larger than the item size limit; the data was discarded. */
  record StoreTooLarge(StoreMode mode, byte[] key, boolean noreply) implements Write {}

  /**
   * A storage command whose value could not be reserved while it arrived (values in flight hold their share of
   * the memory limit); the data was discarded unread. memcached: "out of memory storing object".
   */
  record StoreNoMemory(StoreMode mode, byte[] key, boolean noreply) implements Write {}

  /**
   * A storage command (text or ms) whose data block did not end in {@code \r\n}: memcached counts it as a set
   * and answers {@code CLIENT_ERROR bad data chunk}; {@code noreply} hides that for text, never for ms.
   */
  record BadDataChunk(boolean noreply) implements Write {}

  /** delete. */
  record Delete(byte[] key, boolean noreply) implements Write {}

  /** incr and decr with an unsigned 64-bit delta. */
  record Arithmetic(byte[] key, boolean increment, long delta, boolean noreply) implements Write {}

  /** touch: a new exptime for an existing item. */
  record Touch(byte[] key, long exptime, boolean noreply) implements Write {}

  /** flush_all, with memcached's exptime rules for the delay (0 = now). */
  record FlushAll(long delay, boolean noreply) implements Admin {}

  /** version. */
  record Version() implements Read {}

  /** verbosity. */
  record Verbosity(int level, boolean noreply) implements Admin {}

  /** quit: close the connection without a reply. */
  record Quit() implements Session {}

  /** shutdown [graceful]. */
  record Shutdown(boolean graceful) implements Admin {}

  /** cache_memlimit in megabytes. */
  record CacheMemlimit(long megabytes, boolean noreply) implements Admin {}

  /** refresh_certs: reload the TLS certificates. */
  record RefreshCerts(boolean noreply) implements Admin {}

  /**
   * stats with an optional group ({@code null} for the general statistics) and the words after it
   * ({@code stats detail on}, {@code stats cachedump 1 10}). {@code stats detail} is an admin command: it
   * switches counting for the whole server, and its dump shows the key prefixes in use.
   */
  record Stats(String group, List<String> args) implements Command {
    public Stats {
      args = List.copyOf(args);
    }

    /** A group without further words. */
    public Stats(String group) {
      this(group, List.of());
    }

    @Override
    public CommandKind kind() {
      return "reset".equals(group) || "conns".equals(group) || "detail".equals(group)
          ? CommandKind.ADMIN : CommandKind.READ;
    }
  }

  // ------------------------------------------------------------------ meta protocol (also used by binary)

  /**
   * mg (and binary get/getk/gat/touch): one key with meta options. {@code compareCas} non-zero with
   * {@code returnValue} hides the value when the item's CAS equals it; {@code newCas} non-zero is the CAS of an
   * item created by {@code vivifyTtl}. TTLs are memcached exptimes (relative seconds or absolute Unix time).
   * With {@code quiet} a miss is not answered. {@code protocolCommand} marks a protocol's own get, gat or touch
   * (text get/gets/gat/touch, binary GET/GAT/TOUCH) rather than an mg: memcached counts such a touch's miss as a
   * touch miss (an mg's as a get miss), and never hands out the win token for it (only mg does).
   * {@code steps} is the order in which the line gave the flags that act on the item (see {@link #DEFAULT_STEPS}),
   * null for that plain order.
   */
  record MetaGet(byte[] key, boolean returnValue, long compareCas, long newCas, Long touchTtl, Long vivifyTtl,
                 Long recacheTtl, boolean noBump, boolean quiet, boolean protocolCommand, String steps)
      implements Command {
    /**
     * memcached 1.6.18 acts on mg's flags in the order given: {@code T} sets the TTL, {@code N} the TTL of an item
     * it created, {@code R} compares the TTL as it is at that point, {@code t} reports it as it is at that point,
     * and an over-long opaque ({@code O} here) stops the walk with an error, the item already created and touched.
     * This order is the one that reads as the flags' plain meaning.
     */
    public static final String DEFAULT_STEPS = "NTRt";

    @Override
    public CommandKind kind() {
      return touchTtl == null && vivifyTtl == null && recacheTtl == null ? CommandKind.READ : CommandKind.WRITE;
    }

    /** Quiet mg leaves out the miss (EN), not the hit. */
    @Override
    public Result.MetaCode quietHides() {
      return Result.MetaCode.EN;
    }

    /** An mg whose flags act in their plain order. */
    public MetaGet(byte[] key, boolean returnValue, long compareCas, long newCas, Long touchTtl, Long vivifyTtl,
                   Long recacheTtl, boolean noBump, boolean quiet) {
      this(key, returnValue, compareCas, newCas, touchTtl, vivifyTtl, recacheTtl, noBump, quiet, false, null);
    }

    /** A get or touch without meta flags of its own. */
    public MetaGet(byte[] key, boolean returnValue, long compareCas, long newCas, Long touchTtl, Long vivifyTtl,
                   Long recacheTtl, boolean noBump, boolean quiet, boolean protocolCommand) {
      this(key, returnValue, compareCas, newCas, touchTtl, vivifyTtl, recacheTtl, noBump, quiet, protocolCommand,
          null);
    }

    /** The order the flags act in: {@link #steps()}, or the plain one. */
    public String order() {
      return steps != null ? steps : DEFAULT_STEPS;
    }

    /** A touch (with the value for gat) as text gat/touch and binary GAT/TOUCH do it. */
    public static MetaGet touch(byte[] key, boolean returnValue, long exptime, boolean quiet) {
      return new MetaGet(key, returnValue, 0, 0, exptime, null, null, false, quiet, true);
    }

    /** A plain lookup of the value, as get and the binary GET do it. */
    public static MetaGet value(byte[] key, boolean quiet) {
      return new MetaGet(key, true, 0, 0, null, null, null, false, quiet, true);
    }
  }

  /**
   * ms (and binary set/add/replace/append/prepend): {@code mode} is SET, ADD, REPLACE, APPEND or PREPEND;
   * a non-zero {@code compareCas} turns SET and REPLACE into a CAS store and makes append/prepend check it.
   * {@code invalidate} with {@code compareCas} accepts an older CAS and stores the item as stale.
   * {@code vivifyTtl} lets append/prepend create a missing item. {@code keyBinary} records that the client sent
   * the key base64-encoded, so that replies encode it again. With {@code quiet} success is not answered.
   */
  record MetaSet(byte[] key, StoreMode mode, byte[] value, int flags, long ttl, long compareCas, long newCas,
                 boolean invalidate, Long vivifyTtl, boolean keyBinary, boolean quiet) implements Write {}

  /**
   * md (and binary delete): {@code invalidate} marks the item stale with a new CAS (and {@code ttl} if given)
   * instead of removing it; {@code removeValue} replaces the value by an empty one and keeps the item.
   */
  record MetaDelete(byte[] key, long compareCas, long newCas, boolean invalidate, Long ttl, boolean removeValue,
                    boolean quiet) implements Write {}

  /**
   * ma (and binary incr/decr): adds or subtracts {@code delta} (unsigned); a miss creates the item with
   * {@code initial} when {@code vivifyTtl} is given, else it is NF. {@code ttl} updates the TTL on success.
   * {@code steps} is the order in which the line gave {@code t}, {@code T}, {@code N} and an over-long opaque,
   * null for the plain order ({@link #DEFAULT_STEPS}).
   */
  record MetaArithmetic(byte[] key, boolean increment, long delta, long initial, Long vivifyTtl, Long ttl,
                        long compareCas, long newCas, boolean quiet, String steps) implements Write {
    /**
     * As for {@link MetaGet#DEFAULT_STEPS}: memcached 1.6.18 runs ma's {@code t}, {@code T} and {@code N} in the
     * order given, after the arithmetic; an item created on a miss has no TTL until {@code N} or {@code T} gives one.
     */
    public static final String DEFAULT_STEPS = "NTt";

    /** An ma whose flags act in their plain order. */
    public MetaArithmetic(byte[] key, boolean increment, long delta, long initial, Long vivifyTtl, Long ttl,
                          long compareCas, long newCas, boolean quiet) {
      this(key, increment, delta, initial, vivifyTtl, ttl, compareCas, newCas, quiet, null);
    }

    /** The order the flags act in: {@link #steps()}, or the plain one. */
    public String order() {
      return steps != null ? steps : DEFAULT_STEPS;
    }
  }

  /** me: what the server knows about one item. */
  record MetaDebug(byte[] key) implements Read {}

  /** mn (and binary noop): answers at once, marking the end of a pipeline. */
  record MetaNoop() implements Read {}

  /**
   * A frame of a protocol whose get, storage and delete requests are memcached's classic ones (binary), which
   * memcached counts in {@code stats detail}; meta requests are not counted there.
   */
  interface ClassicFrame {
    /**
     * For a storage request, the mode it asked for (memcached turns one with a CAS into a cas operation, unless
     * CAS is off, {@code -C}, when the CAS has nowhere to go and the request stays as asked); null otherwise.
     */
    default StoreMode storeMode() {
      return null;
    }
  }

  /**
   * A command with what its protocol needs to frame the reply (meta return flags, binary opcode and opaque).
   * The executor runs {@code command} and hands the frame back unread in a {@link Result.Framed}.
   */
  record Framed(Command command, Object frame) implements Command {
    @Override
    public CommandKind kind() {
      return command.kind();
    }

    @Override
    public boolean noreply() {
      return command.noreply();
    }

    @Override
    public boolean quiet() {
      return command.quiet();
    }

    @Override
    public Result.MetaCode quietHides() {
      return command.quietHides();
    }
  }

  // ------------------------------------------------------------------ authentication (binary SASL)
  // The authentication gate answers these itself; they never reach CommandExecutor. The text protocol's login
  // is an ordinary Store (memcached's -Y convention) that the gate reads before any command runs.

  /** SASL_LIST_MECHS: which SASL mechanisms the server offers. */
  record SaslListMechs() implements Login {}

  /**
   * SASL_AUTH: the first message of a SASL exchange with {@code mechanism}; {@code data} is the client's initial
   * response (for PLAIN: authzid NUL user NUL password). The gate wipes {@code data} once it has read it.
   */
  record SaslAuth(String mechanism, byte[] data) implements Login {}

  /** SASL_STEP: a further message of a SASL exchange (PLAIN has none). */
  record SaslStep(String mechanism, byte[] data) implements Login {}
}
