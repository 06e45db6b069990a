package io.safecached.protocol.binary;

import io.netty.buffer.ByteBuf;
import io.safecached.command.Command;
import io.safecached.command.Command.StoreMode;
import io.safecached.command.ItemSize;
import io.safecached.command.Result;
import io.safecached.protocol.IncomingValue;
import io.safecached.protocol.ProtocolLimits;
import io.safecached.protocol.RequestDecoder;
import io.safecached.protocol.ValueBudget;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Decodes memcached's binary protocol into {@link Command.Framed} commands carrying a {@link BinaryFrame}, or
 * into {@link Result}s for requests rejected before a command exists.
 *
 * <p>A state machine: {@code HEADER} waits for the 24-byte header and judges it, {@code BODY} waits for the
 * extras and the key (at most 255 + {@link ProtocolLimits#maxKeyLength()} bytes), {@code VALUE} reads a storage
 * command's value straight into its array, {@code SWALLOW} discards a body that is not wanted (an item too large,
 * an unknown opcode) and {@code CLOSED} discards everything after a reason to close. Every length is judged from
 * the header before anything is buffered: a value is read only when its item fits
 * {@link ProtocolLimits#maxItemSize()} and it is reserved in the {@link ValueBudget} (else status 0x82 and the
 * value is skipped).
 *
 * <p>What is refused, as memcached 1.6.18 refuses it: a magic byte other than 0x80 closes the connection
 * without a reply; key plus extras longer than the body is "Unknown command" and a close; a key over 250 bytes or
 * lengths that do not fit the opcode are "Invalid arguments" and a close; an unknown opcode, and SASL (not
 * enabled), is "Unknown command" with its body skipped, and the connection goes on. With
 * {@link ProtocolLimits#saslEnabled()} the SASL opcodes become {@link Command.SaslListMechs},
 * {@link Command.SaslAuth} and {@link Command.SaslStep} for the authentication gate; their mechanism name (the key)
 * may be at most {@value #MAX_SASL_MECHANISM_LENGTH} bytes, as in memcached, and their data at most
 * {@value #MAX_SASL_DATA} bytes (memcached: the item size limit); a longer one is "Invalid arguments" with its body
 * skipped, before any of it is buffered. Where memcached's
 * framing goes wrong this decoder keeps to the header's body length instead: it skips exactly the body of an
 * unknown opcode (memcached skips the body length again after the key and extras), and it refuses a touch, gat or
 * stat request whose body is longer than its key and extras (memcached would read the rest as the next request).
 */
public final class BinaryDecoder extends RequestDecoder {
  /** The magic byte of every request. */
  public static final int REQUEST_MAGIC = 0x80;
  /** The length of every request and reply header. */
  public static final int HEADER_LENGTH = 24;
  /** The incr/decr exptime that means "do not create a missing item". */
  private static final long NO_AUTO_CREATE = 0xffffffffL;
  /** The longest extras of any request served (incr/decr: delta, initial value, expiration). */
  private static final int MAX_EXTRAS = 20;
  private static final byte[] NO_KEY = new byte[0];
  /** The decoder's two refusals, typed by what went wrong (the encoder picks the status). */
  private static final Result UNKNOWN_COMMAND = Result.Error.PLAIN;
  private static final Result INVALID_ARGUMENTS = new Result.Error(Result.Rejection.Kind.INVALID_ARGUMENTS, "ERROR");
  /** memcached's longest SASL mechanism name. */
  public static final int MAX_SASL_MECHANISM_LENGTH = 32;
  /** The longest SASL message read before login: a PLAIN user and password, or a SCRAM message, fit easily. */
  public static final int MAX_SASL_DATA = 4096;

  private enum State { HEADER, BODY, VALUE, SWALLOW, CLOSED }

  private State state = State.HEADER;

  // the request being read
  private int opcodeByte;
  private Opcode opcode;
  private int keyLength;
  private int extrasLength;
  private long bodyLength;
  private int opaque;
  private long cas;
  /**
   * The request's extras (at most {@link #MAX_EXTRAS} bytes: {@link #lengthsFit} allows no more), big-endian as
   * the protocol; one buffer for the decoder, refilled for each request and read while it is dispatched.
   */
  private final ByteBuffer extras = ByteBuffer.allocate(MAX_EXTRAS);
  private byte[] key;
  private StoreMode storeMode;
  private int flags;
  private long exptime;
  private IncomingValue value;
  private long swallowRemaining;

  public BinaryDecoder(ProtocolLimits limits) {
    this(limits, ValueBudget.UNBOUNDED);
  }

  /** A decoder that reserves each storage value in {@code budget} before reading it. */
  public BinaryDecoder(ProtocolLimits limits, ValueBudget budget) {
    super(limits, budget);
  }

  @Override
  protected void discardValue() {
    if (value != null) {
      value.discard();
      value = null;
    }
  }

  @Override
  protected boolean atRequestStart() {
    return state == State.HEADER;
  }

  @Override
  protected boolean closed() {
    return state == State.CLOSED;
  }

  @Override
  protected boolean step(ByteBuf in, List<Object> out) {
    return switch (state) {
      case HEADER -> readHeader(in, out);
      case BODY -> readBody(in, out);
      case VALUE -> readValue(in, out);
      case SWALLOW -> swallow(in);
      case CLOSED -> false;
    };
  }

  // ---------------------------------------------------------------- HEADER

  private boolean readHeader(ByteBuf in, List<Object> out) {
    if (in.readableBytes() < HEADER_LENGTH) {
      return false;
    }
    int magic = in.readUnsignedByte();
    opcodeByte = in.readUnsignedByte();
    keyLength = in.readUnsignedShort();
    extrasLength = in.readUnsignedByte();
    in.skipBytes(3); // data type and vbucket: memcached ignores both
    bodyLength = in.readUnsignedInt();
    opaque = in.readInt();
    cas = in.readLong();
    opcode = Opcode.of(opcodeByte);
    key = NO_KEY;
    if (magic != REQUEST_MAGIC) {
      close(in, out); // memcached drops the connection without a reply
    } else if (keyLength + extrasLength > bodyLength) {
      refuseAndClose(in, out, UNKNOWN_COMMAND);
    } else if (keyLength > limits.maxKeyLength()) {
      refuseAndClose(in, out, INVALID_ARGUMENTS);
    } else if (opcode == null) {
      refuseAndSwallow(out, UNKNOWN_COMMAND, bodyLength);
    } else if (!lengthsFit()) {
      refuseAndClose(in, out, INVALID_ARGUMENTS);
    } else if (isSasl() && !limits.saslEnabled()) {
      // memcached without SASL enabled: "Unknown command", the body skipped, the connection kept
      refuseAndSwallow(out, UNKNOWN_COMMAND, bodyLength);
    } else if (isSasl() && (keyLength > MAX_SASL_MECHANISM_LENGTH || bodyLength - keyLength > MAX_SASL_DATA)) {
      refuseAndSwallow(out, INVALID_ARGUMENTS, bodyLength);
    } else {
      state = State.BODY;
      readBody(in, out); // a request with no body is complete now: no more bytes may come to trigger it
    }
    return true;
  }

  private boolean isSasl() {
    return opcode == Opcode.SASL_LIST_MECHS || opcode == Opcode.SASL_AUTH || opcode == Opcode.SASL_STEP;
  }

  /** memcached's per-opcode rules for the three lengths, plus exact bodies for touch, gat and stat. */
  private boolean lengthsFit() {
    int k = keyLength;
    int e = extrasLength;
    long b = bodyLength;
    return switch (opcode.loud()) {
      case VERSION, NOOP, QUIT, SASL_LIST_MECHS -> e == 0 && k == 0 && b == 0;
      case FLUSH -> k == 0 && b == e && (e == 0 || e == 4);
      case SET, ADD, REPLACE -> e == 8 && k != 0 && b >= k + 8;
      case GET, GETK, DELETE -> e == 0 && k > 0 && b == k;
      case INCREMENT, DECREMENT -> e == 20 && k > 0 && b == k + 20;
      case APPEND, PREPEND -> e == 0 && k > 0;
      case STAT -> e == 0 && b == k;
      case SASL_AUTH, SASL_STEP -> e == 0 && k != 0;
      case TOUCH, GAT, GATK -> e == 4 && k != 0 && b == k + 4;
      default -> false;
    };
  }

  private BinaryFrame frame() {
    return BinaryFrame.of(opcodeByte, opaque, key);
  }

  private void refuseAndClose(ByteBuf in, List<Object> out, Result refusal) {
    out.add(new Result.Framed(refusal, BinaryFrame.of(opcodeByte, opaque, NO_KEY)));
    close(in, out);
  }

  private void refuseAndSwallow(List<Object> out, Result refusal, long length) {
    out.add(new Result.Framed(refusal, BinaryFrame.of(opcodeByte, opaque, NO_KEY)));
    swallowRemaining = length;
    state = length == 0 ? State.HEADER : State.SWALLOW;
  }

  private void close(ByteBuf in, List<Object> out) {
    in.skipBytes(in.readableBytes());
    discardValue();
    state = State.CLOSED;
    out.add(Result.Close.INSTANCE);
  }

  // ---------------------------------------------------------------- BODY

  private boolean readBody(ByteBuf in, List<Object> out) {
    // a SASL request is read whole: its body is small and bounded (checked in readHeader)
    if (in.readableBytes() < (isSasl() ? bodyLength : extrasLength + keyLength)) {
      return false;
    }
    // the extras go into the decoder's own buffer, read during dispatch only: nothing allocated for them
    extras.clear().limit(extrasLength);
    in.readBytes(extras.array(), 0, extrasLength);
    key = new byte[keyLength];
    in.readBytes(key);
    dispatch(in, out);
    return true;
  }

  private void dispatch(ByteBuf in, List<Object> out) {
    boolean quiet = opcode.quiet();
    state = State.HEADER;
    switch (opcode.loud()) {
      case GET, GETK -> emit(out, Command.MetaGet.value(key, quiet));
      case GAT, GATK -> emit(out, Command.MetaGet.touch(key, true, unsignedInt(extras), quiet));
      case TOUCH -> emit(out, Command.MetaGet.touch(key, false, unsignedInt(extras), false));
      case SET, ADD, REPLACE, APPEND, PREPEND -> startValue(out);
      case DELETE -> emit(out, new Command.MetaDelete(key, cas, 0, false, null, false, quiet));
      case INCREMENT, DECREMENT -> {
        long delta = extras.getLong();
        long initial = extras.getLong();
        long createTtl = unsignedInt(extras);
        emit(out, new Command.MetaArithmetic(key, opcode.loud() == Opcode.INCREMENT, delta, initial,
            createTtl == NO_AUTO_CREATE ? null : createTtl, null, cas, 0, quiet));
      }
      case FLUSH -> emit(out, new Command.FlushAll(extrasLength == 4 ? unsignedInt(extras) : 0, false));
      case NOOP -> emit(out, new Command.MetaNoop());
      case VERSION -> emit(out, new Command.Version());
      case STAT -> emit(out, stats(key));
      case SASL_LIST_MECHS -> emit(out, new Command.SaslListMechs());
      case SASL_AUTH, SASL_STEP -> {
        byte[] data = new byte[(int) (bodyLength - keyLength)];
        in.readBytes(data);
        String mechanism = new String(key, StandardCharsets.US_ASCII);
        emit(out, opcode == Opcode.SASL_AUTH ? new Command.SaslAuth(mechanism, data)
            : new Command.SaslStep(mechanism, data));
      }
      case QUIT -> {
        if (!quiet) {
          out.add(new Result.Framed(Result.Status.OK, frame())); // memcached answers, then closes
        }
        close(in, out);
      }
      default -> throw new IllegalStateException("opcode without a command: " + opcode);
    }
  }

  /**
   * A STAT request's key as memcached reads it: the group, except for {@code detail}, which memcached matches
   * by prefix and follows by {@code " dump"}, {@code " on"} or {@code " off"} (also by prefix); anything else
   * after {@code detail} is its usage error ("Not found" in binary).
   */
  private static Command.Stats stats(byte[] key) {
    if (key.length == 0) {
      return new Command.Stats(null);
    }
    String group = new String(key, StandardCharsets.ISO_8859_1);
    if (!group.startsWith("detail")) {
      return new Command.Stats(group);
    }
    String rest = group.substring("detail".length());
    String sub = rest.startsWith(" dump") ? "dump" : rest.startsWith(" on") ? "on" : rest.startsWith(" off") ? "off"
        : "";
    return new Command.Stats("detail", sub.isEmpty() ? List.of() : List.of(sub));
  }

  private static long unsignedInt(ByteBuffer b) {
    return Integer.toUnsignedLong(b.getInt());
  }

  private void emit(List<Object> out, Command command) {
    out.add(new Command.Framed(command, frame()));
  }

  /**
   * A storage request: extras and key are read, the value follows. Too large for the item limit, the value is
   * skipped as it arrives and the command layer answers (memcached: "Too large.", and a set removes the old item).
   */
  private void startValue(List<Object> out) {
    long length = bodyLength - keyLength - extrasLength;
    StoreMode mode = switch (opcode.loud()) {
      case ADD -> StoreMode.ADD;
      case REPLACE -> StoreMode.REPLACE;
      case APPEND -> StoreMode.APPEND;
      case PREPEND -> StoreMode.PREPEND;
      default -> StoreMode.SET;
    };
    if (extrasLength == 8) {
      flags = extras.getInt();
      exptime = unsignedInt(extras);
    } else {
      flags = 0;
      exptime = 0;
    }
    if (!ItemSize.fits(keyLength, length, flags, limits.maxItemSize())) {
      refuseValue(out, new Command.StoreTooLarge(mode, key, false), length);
      return;
    }
    value = IncomingValue.reserve((int) length, budget);
    if (value == null) {
      // no room while it arrives: memcached's "Out of memory allocating item", the value skipped unread
      refuseValue(out, new Command.StoreNoMemory(mode, key, false), length);
      return;
    }
    storeMode = mode;
    state = State.VALUE;
    if (length == 0) {
      finishValue(out);
    }
  }

  /** Answers a storage request with {@code refusal} and skips its {@code length}-byte value unread. */
  private void refuseValue(List<Object> out, Command refusal, long length) {
    emit(out, refusal);
    swallowRemaining = length;
    state = length == 0 ? State.HEADER : State.SWALLOW;
  }

  // ---------------------------------------------------------------- VALUE

  private boolean readValue(ByteBuf in, List<Object> out) {
    if (!value.readFrom(in)) {
      return false;
    }
    finishValue(out);
    return true;
  }

  /**
   * memcached makes any storage request with a non-zero CAS a cas operation, add included: a missing item is
   * "Not found", another CAS "Data exists for key.". A set with that CAS is the same request here.
   */
  private void finishValue(List<Object> out) {
    byte[] data = value.bytes();
    value = null;
    state = State.HEADER;
    StoreMode mode = storeMode;
    if (cas != 0 && (mode == StoreMode.ADD || mode == StoreMode.REPLACE)) {
      mode = StoreMode.SET;
    }
    emit(out, new Command.MetaSet(key, mode, data, flags, exptime, cas, 0, false, null, false, opcode.quiet()));
  }

  // ---------------------------------------------------------------- SWALLOW

  private boolean swallow(ByteBuf in) {
    swallowRemaining = IncomingValue.skip(in, swallowRemaining);
    if (swallowRemaining == 0) {
      state = State.HEADER;
      return true;
    }
    return false;
  }
}
