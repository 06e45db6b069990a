package io.safecached.protocol.meta;

import io.safecached.command.Command;
import io.safecached.command.Command.StoreMode;
import io.safecached.command.ItemSize;
import io.safecached.command.Numbers;
import io.safecached.command.Numbers.NotANumber;
import io.safecached.command.Result;
import io.safecached.protocol.ProtocolLimits;
import io.safecached.protocol.Tokens;

/**
 * Parses a meta command line (mg, ms, md, ma, mn, me) into a {@link Command.Framed} meta command, an error
 * {@link Result}, a {@link PendingSet} (an ms whose data block is still to be read) or a {@link Swallow} (a
 * reply for an ms whose data block must be discarded).
 *
 * <p>Checks run in memcached 1.6.18's order with its error texts: too few tokens ({@code ERROR}), the key
 * length, the token count (a meta line of {@value #MAX_TOKENS} tokens or more is refused; the wording differs
 * per command, as in memcached), ms's data length, then the flags. Flags are told apart by their first byte;
 * a byte seen twice, or any byte of 127 and above, is a duplicate; an unknown one is invalid. Both stop parsing
 * at once, while a bad flag value is remembered and parsing goes on, so the last bad value names the error.
 * md and ma report every flag error as {@code invalid or duplicate flag}. Errors are answered even in quiet
 * mode. An opaque token longer than {@value #MAX_OPAQUE} bytes is refused before ms and md run; mg and ma run
 * first (touching, vivifying, incrementing) and the encoder answers the error instead of their reply, as
 * memcached does, so they run without quiet mode. mg's and ma's flags that act on the item (T, N, R, t) act in
 * the order given, as in 1.6.18, up to a bad opaque ({@link Command.MetaGet#DEFAULT_STEPS}).
 *
 * <p>Flags newer memcached documents are accepted with their documented meaning: E (new CAS) on every command,
 * x (drop the value) on md, N on ms append/prepend, C on mg (hide an unchanged value) and s on ms (size of the
 * stored item).
 *
 * <p>A decoder keeps one parser for its connection, as it keeps one {@link Tokens}: the parser fills the same
 * flag scratch for every line, so parsing a line makes no object for its flags. Not thread-safe.
 */
public final class MetaParser {
  /** memcached refuses meta lines with this many tokens or more (its 24 token slots include a terminator). */
  static final int MAX_TOKENS = 20;
  /** Longest opaque token memcached echoes, its {@code O} included. */
  static final int MAX_OPAQUE = 32;

  private static final String BAD_FORMAT = "bad command line format";
  private static final String BAD_TOKEN = "bad token in command line format";
  private static final Result BAD_FORMAT_ERROR = new Result.ClientError(BAD_FORMAT);
  private static final Result OPAQUE_TOO_LONG = new Result.ClientError("opaque token too long");
  private static final Result FLAG_ERROR = new Result.ClientError("invalid or duplicate flag");
  /** memcached 1.6.18 words the token limit "are too long" for mg and "too long" for ms, md and ma. */
  private static final Result TOO_MANY_MG = new Result.ClientError("options flags are too long");
  private static final Result TOO_MANY = new Result.ClientError("options flags too long");

  /** The flag list of a line without flags; never written to. */
  private static final byte[] NO_FLAGS = new byte[0];
  private static final MetaFrame NOOP_FRAME = new MetaFrame(MetaFrame.Verb.MN, new byte[0], false, NO_FLAGS,
      null, 0);

  /** The flags of the line being parsed; refilled for every line, read only while it is parsed. */
  private final Flags flags = new Flags();

  /** An ms line waiting for its data block: {@code frame.dataLength()} bytes, then {@code \r\n}. */
  public record PendingSet(Command.MetaSet template, MetaFrame frame) {
    /** The number of value bytes to read before the terminator. */
    public int length() {
      return frame.dataLength();
    }

    /** The framed ms with the data block that arrived. */
    public Command.Framed complete(byte[] value) {
      Command.MetaSet t = template;
      return new Command.Framed(new Command.MetaSet(t.key(), t.mode(), value, t.flags(), t.ttl(), t.compareCas(),
          t.newCas(), t.invalidate(), t.vivifyTtl(), t.keyBinary(), t.quiet()), frame);
    }
  }

  /** Send {@code reply} (a Result or a Command), then discard {@code bytes} bytes: the data block and its CRLF. */
  public record Swallow(Object reply, long bytes) {}

  /**
   * Parses a line whose first token is two bytes long and starts with {@code m}. Returns a Command, a Result,
   * a {@link PendingSet} or a {@link Swallow}.
   */
  public Object parse(Tokens t, ProtocolLimits limits) {
    return switch (t.line()[t.start(0) + 1]) {
      case 'g' -> get(t, limits);
      case 's' -> set(t, limits);
      case 'd' -> delete(t, limits);
      case 'a' -> arithmetic(t, limits);
      case 'n' -> new Command.Framed(new Command.MetaNoop(), NOOP_FRAME); // whatever follows mn is ignored
      case 'e' -> debug(t, limits);
      default -> Result.Error.PLAIN;
    };
  }

  // ---------------------------------------------------------------- commands

  private Object get(Tokens t, ProtocolLimits limits) {
    Object early = checkLine(t, limits, TOO_MANY_MG);
    if (early != null) {
      return early;
    }
    Flags f = Flags.parse(flags, t, 2);
    if (f.error != null) {
      return new Result.ClientError(f.error);
    }
    // an over-long opaque is refused only after the command ran (see MetaEncoder); the refusal is never quiet
    // with N, T, R, h or l memcached bumps the item after the flags, which an over-long opaque never reaches
    boolean locked = f.vivify != null || f.touch != null || f.recache != null || f.has('h') || f.has('l');
    Command.MetaGet get = new Command.MetaGet(f.key, f.value, f.hasCas ? f.cas : 0, f.newCas, f.touch, f.vivify,
        f.recache, f.noBump || (locked && f.opaqueTooLong()), f.quiet && !f.opaqueTooLong(), false,
        f.steps(Command.MetaGet.DEFAULT_STEPS));
    return new Command.Framed(get, f.frame(MetaFrame.Verb.MG, 0));
  }

  private Object set(Tokens t, ProtocolLimits limits) {
    if (t.count() < 2) {
      return Result.Error.PLAIN;
    }
    if (t.length(1) > limits.maxKeyLength() || t.count() == 2) {
      return BAD_FORMAT_ERROR;
    }
    if (t.count() >= MAX_TOKENS) {
      return TOO_MANY;
    }
    int length;
    try {
      length = (int) Numbers.parseSigned(t.line(), t.start(2), t.end(2));
    } catch (NotANumber e) {
      return BAD_FORMAT_ERROR; // the data block is not swallowed: its length is unknown
    }
    if (length < 0 || length > Integer.MAX_VALUE - 2) {
      return BAD_FORMAT_ERROR;
    }
    long swallow = length + 2L;
    Flags f = Flags.parse(flags, t, 3);
    if (f.error != null) {
      return new Swallow(new Result.ClientError(f.error), swallow);
    }
    StoreMode mode = switch (f.mode) {
      case 0, 'S' -> StoreMode.SET;
      case 'E' -> StoreMode.ADD;
      case 'A' -> StoreMode.APPEND;
      case 'P' -> StoreMode.PREPEND;
      case 'R' -> StoreMode.REPLACE;
      default -> null;
    };
    if (mode == null) {
      return new Swallow(new Result.ClientError("invalid mode for ms M token"), swallow);
    }
    if (f.opaqueTooLong()) {
      return new Swallow(OPAQUE_TOO_LONG, swallow);
    }
    if (!ItemSize.fits(f.key.length, length, f.clientFlags, limits.maxItemSize())) {
      return new Swallow(new Command.StoreTooLarge(StoreMode.SET, f.key, false), swallow);
    }
    if (f.hasCas && (mode == StoreMode.SET || mode == StoreMode.REPLACE)) {
      mode = StoreMode.CAS; // as in memcached, even C0 makes a CAS store (which then cannot match)
    }
    Command.MetaSet template = new Command.MetaSet(f.key, mode, null, f.clientFlags, f.touch != null ? f.touch : 0,
        f.hasCas ? f.cas : 0, f.newCas, f.invalidate, f.vivify, f.keyBinary, f.quiet);
    return new PendingSet(template, f.frame(MetaFrame.Verb.MS, length));
  }

  private Object delete(Tokens t, ProtocolLimits limits) {
    Object early = checkLine(t, limits, TOO_MANY);
    if (early != null) {
      return early;
    }
    Flags f = Flags.parse(flags, t, 2);
    if (f.error != null) {
      return FLAG_ERROR;
    }
    if (f.opaqueTooLong()) {
      return OPAQUE_TOO_LONG;
    }
    Command.MetaDelete delete = new Command.MetaDelete(f.key, f.hasCas ? f.cas : 0, f.newCas, f.invalidate, f.touch,
        f.removeValue, f.quiet);
    return new Command.Framed(delete, f.frame(MetaFrame.Verb.MD, 0));
  }

  private Object arithmetic(Tokens t, ProtocolLimits limits) {
    Object early = checkLine(t, limits, TOO_MANY);
    if (early != null) {
      return early;
    }
    Flags f = Flags.parse(flags, t, 2);
    if (f.error != null) {
      return FLAG_ERROR;
    }
    boolean increment;
    switch (f.mode) {
      case 0, 'I', '+' -> increment = true;
      case 'D', '-' -> increment = false;
      default -> {
        return new Result.ClientError("invalid mode for ma M token");
      }
    }
    Command.MetaArithmetic arithmetic = new Command.MetaArithmetic(f.key, increment, f.delta, f.initial, f.vivify,
        f.touch, f.hasCas ? f.cas : 0, f.newCas, f.quiet && !f.opaqueTooLong(),
        f.steps(Command.MetaArithmetic.DEFAULT_STEPS));
    return new Command.Framed(arithmetic, f.frame(MetaFrame.Verb.MA, 0));
  }

  /** The checks before the flags; memcached 1.6.18 words the token limit differently for mg and for md/ma. */
  private static Object checkLine(Tokens t, ProtocolLimits limits, Result tooMany) {
    if (t.count() < 2) {
      return Result.Error.PLAIN;
    }
    if (t.length(1) > limits.maxKeyLength()) {
      return BAD_FORMAT_ERROR;
    }
    if (t.count() >= MAX_TOKENS) {
      return tooMany;
    }
    return null;
  }

  /** me: only the key and an optional {@code b} right after it count; anything further is ignored. */
  private static Object debug(Tokens t, ProtocolLimits limits) {
    if (t.count() < 2 || t.length(1) > limits.maxKeyLength()) {
      return BAD_FORMAT_ERROR;
    }
    byte[] key = t.bytes(1);
    boolean binary = t.count() > 2 && t.is(2, "b");
    if (binary) {
      key = Base64Keys.decode(t.line(), t.start(1), t.end(1));
      if (key == null) {
        return BAD_FORMAT_ERROR;
      }
    }
    return new Command.Framed(new Command.MetaDebug(key),
        new MetaFrame(MetaFrame.Verb.ME, key, binary, NO_FLAGS, null, 0));
  }

  // ---------------------------------------------------------------- flags

  /** The flags of one meta line, parsed like memcached's shared flag pre-parser. */
  private static final class Flags {
    String error;
    byte[] key;
    boolean keyBinary;
    byte[] order;
    int opaqueToken = -1;
    Tokens tokens;
    Long vivify;
    Long touch;
    Long recache;
    boolean value;
    boolean noBump;
    boolean quiet;
    boolean invalidate;
    boolean removeValue;
    int clientFlags;
    boolean hasCas;
    long cas;
    long newCas;
    int mode;
    long delta = 1;
    long initial;

    /** Parses the flags of {@code t} from token {@code first} into {@code f}, replacing all it held. */
    static Flags parse(Flags f, Tokens t, int first) {
      f.reset(t);
      f.key = t.bytes(1);
      f.order = t.count() > first ? new byte[t.count() - first] : NO_FLAGS;
      byte[] line = t.line();
      // the flag bytes seen so far, one bit each: bytes 0-63 in seenLow, 64-126 in seenHigh
      long seenLow = 0;
      long seenHigh = 0;
      String error = null;
      for (int i = first; i < t.count(); i++) {
        int o = line[t.start(i)] & 0xff;
        long bit = 1L << o; // a shift counts modulo 64: bytes 64-126 are bits of seenHigh
        if (o >= 127 || ((o < 64 ? seenLow : seenHigh) & bit) != 0) {
          f.error = "duplicate flag";
          return f;
        }
        if (o < 64) {
          seenLow |= bit;
        } else {
          seenHigh |= bit;
        }
        f.order[i - first] = (byte) o;
        int from = t.start(i) + 1;
        int to = t.end(i);
        try {
          switch (o) {
            case 'b' -> {
              byte[] decoded = Base64Keys.decode(line, t.start(1), t.end(1));
              f.key = decoded != null ? decoded : new byte[0];
              f.keyBinary = true;
              if (decoded == null) {
                error = "error decoding key";
              }
            }
            case 'N' -> f.vivify = int32(line, from, to);
            case 'T' -> f.touch = int32(line, from, to);
            case 'R' -> f.recache = int32(line, from, to);
            case 'O' -> f.opaqueToken = i;
            case 'P', 'L', 'k', 's', 't', 'c', 'f', 'l', 'h' -> { } // return flags and proxy hints
            case 'x' -> f.removeValue = true;
            case 'v' -> f.value = true;
            case 'u' -> f.noBump = true;
            case 'q' -> f.quiet = true;
            case 'I' -> f.invalidate = true;
            case 'F' -> {
              try {
                f.clientFlags = (int) Numbers.parseUnsigned(line, from, to);
              } catch (NotANumber e) {
                if (error == null) {
                  error = BAD_FORMAT; // memcached has no text of its own for a bad F
                }
              }
            }
            case 'C' -> {
              f.cas = Numbers.parseUnsigned(line, from, to);
              f.hasCas = true;
            }
            case 'E' -> f.newCas = Numbers.parseUnsigned(line, from, to);
            case 'M' -> {
              if (to - t.start(i) != 2) {
                error = "incorrect length for M token";
              } else {
                f.mode = line[from] & 0xff;
              }
            }
            case 'J' -> f.initial = unsigned(line, from, to, "invalid numeric initial value");
            case 'D' -> f.delta = unsigned(line, from, to, "invalid numeric delta value");
            default -> {
              f.error = "invalid flag";
              return f;
            }
          }
        } catch (BadValue e) {
          error = e.getMessage();
        } catch (NotANumber e) {
          error = BAD_TOKEN;
        }
      }
      f.error = error;
      return f;
    }

    /** Back to a line without flags, over {@code t}. */
    private void reset(Tokens t) {
      error = null;
      key = null;
      keyBinary = false;
      order = NO_FLAGS;
      opaqueToken = -1;
      tokens = t;
      vivify = null;
      touch = null;
      recache = null;
      value = false;
      noBump = false;
      quiet = false;
      invalidate = false;
      removeValue = false;
      clientFlags = 0;
      hasCas = false;
      cas = 0;
      newCas = 0;
      mode = 0;
      delta = 1;
      initial = 0;
    }

    /**
     * The flags of {@code acting} in the order the line gave them, up to an over-long opaque (then {@code O}):
     * memcached 1.6.18 acts on them in that order and stops at the bad opaque. Null when that is the plain order
     * {@code acting} itself lists (the flags present appear in it in that order, and no opaque stops them).
     */
    String steps(String acting) {
      if (inPlainOrder(acting)) {
        return null; // the usual case, without building the string
      }
      StringBuilder sb = new StringBuilder(4);
      int plain = 0;
      boolean inPlainOrder = true;
      for (byte b : order) {
        if (b == 'O' && opaqueTooLong()) {
          return sb.append('O').toString();
        }
        int at = acting.indexOf(b);
        if (at >= 0) {
          sb.append((char) b);
          inPlainOrder &= at >= plain;
          plain = at;
        }
      }
      return inPlainOrder ? null : sb.toString();
    }

    /** True when the flags of {@code acting} appear in the order it lists, and no over-long opaque stops them. */
    private boolean inPlainOrder(String acting) {
      int plain = 0;
      for (byte b : order) {
        if (b == 'O' && opaqueTooLong()) {
          return false;
        }
        int at = acting.indexOf(b);
        if (at >= 0) {
          if (at < plain) {
            return false;
          }
          plain = at;
        }
      }
      return true;
    }

    /** True when the line has the flag {@code flag}. */
    boolean has(char flag) {
      for (byte b : order) {
        if (b == flag) {
          return true;
        }
      }
      return false;
    }

    boolean opaqueTooLong() {
      return opaqueToken >= 0 && tokens.length(opaqueToken) > MAX_OPAQUE;
    }

    MetaFrame frame(MetaFrame.Verb verb, int dataLength) {
      byte[] opaque = opaqueToken >= 0 ? tokens.bytes(opaqueToken) : null;
      return new MetaFrame(verb, key, keyBinary, order, opaque, dataLength);
    }
  }

  /** A TTL as memcached reads it: a signed number stored in 32 bits. */
  private static Long int32(byte[] line, int from, int to) throws NotANumber {
    return (long) (int) Numbers.parseSigned(line, from, to);
  }

  private static long unsigned(byte[] line, int from, int to, String message) throws BadValue {
    try {
      return Numbers.parseUnsigned(line, from, to);
    } catch (NotANumber e) {
      throw new BadValue(message);
    }
  }

  /** A flag value that does not parse, with memcached's text for it. */
  private static final class BadValue extends Exception {
    private static final long serialVersionUID = 1L;

    BadValue(String message) {
      super(message, null, false, false);
    }
  }
}
