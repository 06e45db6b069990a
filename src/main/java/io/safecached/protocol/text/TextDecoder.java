package io.safecached.protocol.text;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.safecached.command.Command;
import io.safecached.command.Command.StoreMode;
import io.safecached.command.ItemSize;
import io.safecached.command.Numbers;
import io.safecached.command.Numbers.NotANumber;
import io.safecached.command.Result;
import io.safecached.protocol.IncomingValue;
import io.safecached.protocol.ProtocolLimits;
import io.safecached.protocol.RequestDecoder;
import io.safecached.protocol.Tokens;
import io.safecached.protocol.ValueBudget;
import io.safecached.protocol.meta.MetaParser;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes memcached's text protocol, and the meta commands that share its connections, into {@link Command}s,
 * or into {@link Result}s for input rejected before a command exists, so every reply keeps its place in a
 * pipeline. Meta lines (a two-letter command starting with {@code m}) are parsed by {@link MetaParser}.
 *
 * <p>A state machine: {@code LINE} waits for a command line, {@code DATA} reads a storage command's (set or ms)
 * data block straight into the value array, {@code SWALLOW} discards the data block of an item that is too
 * large or of an ms line with an error, and {@code CLOSED} discards everything after a reason to close. Each
 * limit is checked before anything more is buffered: more than {@link ProtocolLimits#maxLineLength()} bytes
 * without a newline when a burst of reads ends close the connection, as in memcached, whose reads bring up to
 * 16 KiB (so no line is judged on a shorter read than memcached's); get/gets/gat/gats lines wait up to
 * {@link ProtocolLimits#maxMultigetLineLength()}; a data block is read only when its item fits
 * {@link ProtocolLimits#maxItemSize()}, and one that does not arrive with its line only once it is reserved in
 * the {@link ValueBudget} (else it is answered "out of memory storing object" and swallowed).
 *
 * <p>Per request it allocates little: a command line is split in place, in the input buffer's backing array
 * when it has one and otherwise in a scratch copy the decoder keeps, into one {@link Tokens} the decoder
 * reuses (a decoder belongs to one channel); the name is matched and the numbers are parsed from the bytes,
 * so a {@code get k} costs its key, its key list and its command. A data block that has fully arrived with its
 * line is copied once into an array of its exact size.
 */
public final class TextDecoder extends RequestDecoder {
  private static final Result OUT_OF_MEMORY_READING = new Result.ServerError("out of memory reading request");
  private static final Result BAD_FORMAT = new Result.ClientError("bad command line format");
  private static final Result BAD_EXPTIME = new Result.ClientError("invalid exptime argument");
  private static final Result BAD_DELTA = new Result.ClientError("invalid numeric delta argument");
  private static final Result BAD_DELETE = new Result.ClientError(
      "bad command line format.  Usage: delete <key> [noreply]");
  private static final Result BAD_SHUTDOWN = new Result.ClientError("invalid shutdown mode");
  /** First letters of the commands memcached 1.6 dispatches by letter before it looks for HTTP requests. */
  private static final String KNOWN_FIRST_LETTERS = "gsacidt";
  /** memcached's read buffer: what one read can bring it at most. */
  static final int MEMCACHED_READ = 16384;
  /** Lines up to this long are copied into the kept scratch array when the input has no backing array. */
  static final int SCRATCH_RETAINED = 4096;

  private enum State { LINE, DATA, SWALLOW, CLOSED }

  private State state = State.LINE;

  // the storage command whose data block is being read
  private StoreMode mode;
  private byte[] key;
  private int flags;
  private long exptime;
  private long casUnique;
  private boolean noreply;
  private int dataLength;
  /** The data block while it arrives in pieces, or null. */
  private IncomingValue value;
  /** The complete data block while its terminator is read, or null. */
  private byte[] data;
  private int terminatorRead;
  private boolean terminatorOk;
  private long swallowRemaining;
  /** The ms whose data block is being read, or null for a text storage command. */
  private MetaParser.PendingSet pendingMeta;

  /** The current line's tokens; reused for every line. */
  private final Tokens tokens = new Tokens();
  private final MetaParser metaParser = new MetaParser();
  /** True while the bytes of a burst of reads are judged (see {@link #channelReadComplete}). */
  private boolean readsEnded;
  /** Bytes of a long retrieval line still waiting for its newline, reserved in the budget. */
  private long lineReserved;
  /** A copy of the current line when the input has no backing array; null until one is needed. */
  private byte[] scratch;

  public TextDecoder(ProtocolLimits limits) {
    this(limits, ValueBudget.UNBOUNDED);
  }

  /** A decoder that reserves each value not complete with its line in {@code budget} before reading it. */
  public TextDecoder(ProtocolLimits limits, ValueBudget budget) {
    super(limits, budget);
  }

  /**
   * Decodes every request in one UDP datagram's payload (after the 8-byte frame header). A request must fit
   * the datagram: a storage command whose data block is not complete in it is dropped, as memcached drops it.
   */
  public static List<Object> decodeDatagram(ByteBuf payload, ProtocolLimits limits) {
    TextDecoder decoder = new TextDecoder(limits);
    List<Object> out = new ArrayList<>();
    List<Object> one = new ArrayList<>(1);
    while (payload.isReadable() && decoder.state != State.CLOSED) {
      int before = payload.readableBytes();
      decoder.decodeNext(payload, one, true);
      out.addAll(one);
      if (one.isEmpty() && payload.readableBytes() == before) {
        break; // an incomplete line or data block: nothing more will arrive
      }
      one.clear();
    }
    payload.skipBytes(payload.readableBytes());
    return out;
  }

  @Override
  protected boolean atRequestStart() {
    return state == State.LINE;
  }

  @Override
  protected boolean closed() {
    return state == State.CLOSED;
  }

  @Override
  protected void discardValue() {
    releaseLine();
    if (value != null) {
      value.discard();
      value = null;
    }
  }

  @Override
  protected boolean step(ByteBuf in, List<Object> out) {
    return switch (state) {
      case LINE -> decodeLine(in, out);
      case DATA -> readData(in, out);
      case SWALLOW -> swallow(in);
      case CLOSED -> false;
    };
  }

  // ---------------------------------------------------------------- LINE

  private boolean decodeLine(ByteBuf in, List<Object> out) {
    int readable = in.readableBytes();
    int start = in.readerIndex();
    int scan = Math.min(readable, limits.maxMultigetLineLength() + 1);
    int eol = in.indexOf(start, start + scan, (byte) '\n');
    if (eol < 0) {
      // memcached closes when a read leaves more than maxLineLength bytes and no newline, unless the line is a
      // retrieval (get/gets/gat/gats here). That is judged when the reads end (channelReadComplete), as the line
      // may still be arriving; here only what no single memcached read could have completed closes at once.
      boolean retrieval = isRetrieval(in, start, readable);
      if (readable > lineBound(retrieval) || (readsEnded && readable > limits.maxLineLength() && !retrieval)) {
        close(in, out);
      } else if (readable > MEMCACHED_READ && !reserveLine(readable)) {
        // what many connections' long get lines hold is bounded as values in flight are; memcached answers a
        // read buffer it cannot grow so and closes
        out.add(OUT_OF_MEMORY_READING);
        close(in, out);
      }
      return false;
    }
    releaseLine();
    int lineLength = eol - start;
    if (lineLength > lineBound(isRetrieval(in, start, lineLength))) {
      close(in, out);
      return false;
    }
    int contentLength = lineLength;
    if (contentLength > 0 && in.getByte(eol - 1) == '\r') {
      contentLength--;
    }
    // the tokens point into the buffer's array (or the scratch copy); the bytes stay put until parse is done
    Tokens t = split(in, start, contentLength);
    in.skipBytes(lineLength + 1);
    parse(t, in, out);
    return true;
  }

  /** Splits {@code length} bytes of {@code in} from {@code start} (memcached: a NUL byte ends the line). */
  private Tokens split(ByteBuf in, int start, int length) {
    if (in.hasArray()) {
      int at = in.arrayOffset() + start;
      return tokens.split(in.array(), at, at + length);
    }
    byte[] copy = scratch(length);
    in.getBytes(start, copy, 0, length);
    return tokens.split(copy, 0, length);
  }

  /** An array of at least {@code length} bytes for a line copy: the kept one, grown up to a bound, or a new one. */
  private byte[] scratch(int length) {
    if (length > SCRATCH_RETAINED) {
      return new byte[length]; // a long multiget line: not worth keeping
    }
    if (scratch == null || scratch.length < length) {
      int size = scratch == null ? 128 : scratch.length * 2;
      while (size < length) {
        size *= 2;
      }
      scratch = new byte[Math.min(size, SCRATCH_RETAINED)];
    }
    return scratch;
  }

  /**
   * The longest line that may still be waiting for its newline: a retrieval line up to the multiget bound, any
   * other up to what one memcached read holds ({@value #MEMCACHED_READ} bytes: beyond that, memcached's read had
   * no newline and closed), but never more than the multiget bound (before login both bounds are tight).
   */
  private int lineBound(boolean retrieval) {
    int multiget = limits.maxMultigetLineLength();
    return retrieval ? multiget : Math.min(multiget, Math.max(limits.maxLineLength(), MEMCACHED_READ));
  }

  /**
   * memcached's rule, judged once the reads of a burst have ended: a line with no newline in more than
   * {@link ProtocolLimits#maxLineLength()} bytes closes the connection, unless it is a retrieval line. memcached
   * judges what one read (up to {@value #MEMCACHED_READ} bytes) brought; Netty's reads are smaller, so judging each
   * of them would close lines memcached never sees split.
   */
  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
    ByteBuf in = internalBuffer();
    if (state == State.LINE && in.readableBytes() > limits.maxLineLength()) {
      // decode once more with the rule on, through channelRead, so that the close keeps its place after what was
      // decoded and the emptied input is released as after any read
      readsEnded = true;
      try {
        channelRead(ctx, Unpooled.EMPTY_BUFFER);
      } finally {
        readsEnded = false;
      }
    }
    super.channelReadComplete(ctx);
  }

  /**
   * memcached lets get/gets lines (after at most 100 leading spaces) run past the line limit; gat and gats are
   * retrievals of many keys just the same, and are bounded alike.
   */
  private static boolean isRetrieval(ByteBuf in, int start, int available) {
    int i = 0;
    while (i < available && i <= 100 && in.getByte(start + i) == ' ') {
      i++;
    }
    if (i > 100) {
      return false;
    }
    int at = start + i;
    int left = available - i;
    return startsWith(in, at, left, "get ") || startsWith(in, at, left, "gets ") || startsWith(in, at, left, "gat ")
        || startsWith(in, at, left, "gats ");
  }

  private static boolean startsWith(ByteBuf in, int at, int available, String prefix) {
    if (available < prefix.length()) {
      return false;
    }
    for (int i = 0; i < prefix.length(); i++) {
      if (in.getByte(at + i) != prefix.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Reserves the {@code held} bytes of a retrieval line longer than one memcached read in the budget (only what
   * grew since the last call); false when the budget refuses, with the line's reservation given back.
   */
  private boolean reserveLine(long held) {
    long more = held - lineReserved;
    if (more <= 0) {
      return true;
    }
    if (!budget.reserve(more)) {
      releaseLine();
      return false;
    }
    lineReserved = held;
    return true;
  }

  private void releaseLine() {
    if (lineReserved > 0) {
      budget.release(lineReserved);
      lineReserved = 0;
    }
  }

  private void close(ByteBuf in, List<Object> out) {
    releaseLine();
    in.skipBytes(in.readableBytes());
    state = State.CLOSED;
    out.add(Result.Close.INSTANCE);
  }

  private void parse(Tokens t, ByteBuf in, List<Object> out) {
    if (t.count() == 0) {
      out.add(Result.Error.PLAIN);
      return;
    }
    if (t.length(0) == 2 && t.line()[t.start(0)] == 'm') {
      meta(t, out); // memcached dispatches every two-letter m command to its meta parser
      return;
    }
    TextCommand cmd = TextCommand.byName(t.line(), t.start(0), t.end(0));
    if (cmd == null) {
      // memcached sorts commands by first letter first; only names outside those letters reach its HTTP check
      if (KNOWN_FIRST_LETTERS.indexOf(t.line()[t.start(0)]) < 0 && t.startsWith(t.count() - 1, "HTTP/")) {
        close(in, out); // an HTTP request sent to the cache port: drop it, as memcached does
      } else {
        out.add(Result.Error.PLAIN);
      }
      return;
    }
    if (t.count() < cmd.minTokens || t.count() > cmd.maxTokens) {
      out.add(Result.Error.PLAIN);
      return;
    }
    boolean quiet = cmd.takesNoreply && t.is(t.count() - 1, "noreply");
    Object decoded = switch (cmd) {
      case GET -> retrieval(t, false, 1, null);
      case GETS -> retrieval(t, true, 1, null);
      case GAT, GATS -> gat(t, cmd == TextCommand.GATS);
      case SET -> storage(t, StoreMode.SET, quiet);
      case ADD -> storage(t, StoreMode.ADD, quiet);
      case REPLACE -> storage(t, StoreMode.REPLACE, quiet);
      case APPEND -> storage(t, StoreMode.APPEND, quiet);
      case PREPEND -> storage(t, StoreMode.PREPEND, quiet);
      case CAS -> storage(t, StoreMode.CAS, quiet);
      case INCR, DECR -> arithmetic(t, cmd == TextCommand.INCR, quiet);
      case DELETE -> delete(t);
      case TOUCH -> touch(t, quiet);
      case FLUSH_ALL -> flushAll(t, quiet);
      case VERSION -> new Command.Version();
      case VERBOSITY -> verbosity(t, quiet);
      case QUIT -> new Command.Quit();
      case SHUTDOWN -> shutdown(t);
      case CACHE_MEMLIMIT -> cacheMemlimit(t, quiet);
      case REFRESH_CERTS -> new Command.RefreshCerts(quiet);
      case STATS -> stats(t);
    };
    if (decoded instanceof Quiet) {
      return; // an error the client asked not to hear about (noreply)
    }
    if (decoded instanceof Command.Quit) {
      state = State.CLOSED; // nothing after quit is read
    }
    out.add(decoded);
  }

  /** Marker for a reply suppressed by {@code noreply}. */
  private enum Quiet { INSTANCE }

  private static Object error(Result error, boolean quiet) {
    return quiet ? Quiet.INSTANCE : error;
  }

  private Object retrieval(Tokens t, boolean withCas, int firstKey, Long touch) {
    int n = t.count() - firstKey;
    for (int i = firstKey; i < t.count(); i++) {
      if (t.length(i) > limits.maxKeyLength()) {
        return BAD_FORMAT; // memcached answers only the error, not the keys before it
      }
    }
    // immutable lists, which Command.Get keeps as they are
    List<byte[]> keys = switch (n) {
      case 0 -> List.of();
      case 1 -> List.of(t.bytes(firstKey));
      case 2 -> List.of(t.bytes(firstKey), t.bytes(firstKey + 1));
      default -> {
        byte[][] all = new byte[n][];
        for (int i = 0; i < n; i++) {
          all[i] = t.bytes(firstKey + i);
        }
        yield List.<byte[]>of(all);
      }
    };
    return new Command.Get(keys, withCas, touch);
  }

  private Object gat(Tokens t, boolean withCas) {
    long exptime;
    try {
      exptime = (int) Numbers.parseSigned(t.line(), t.start(1), t.end(1));
    } catch (NotANumber e) {
      return BAD_EXPTIME;
    }
    return retrieval(t, withCas, 2, exptime);
  }

  private Object storage(Tokens t, StoreMode storeMode, boolean quiet) {
    if (t.length(1) > limits.maxKeyLength()) {
      return error(BAD_FORMAT, quiet);
    }
    int length;
    long cas = 0;
    try {
      flags = (int) Numbers.parseUnsigned(t.line(), t.start(2), t.end(2));
      exptime = (int) Numbers.parseSigned(t.line(), t.start(3), t.end(3));
      length = (int) Numbers.parseSigned(t.line(), t.start(4), t.end(4));
      if (storeMode == StoreMode.CAS) {
        cas = Numbers.parseUnsigned(t.line(), t.start(5), t.end(5));
      }
    } catch (NotANumber e) {
      return error(BAD_FORMAT, quiet);
    }
    if (length < 0 || length > Integer.MAX_VALUE - 2) {
      return error(BAD_FORMAT, quiet);
    }
    byte[] k = t.bytes(1);
    if (!ItemSize.fits(k.length, length, flags, limits.maxItemSize())) {
      state = State.SWALLOW;
      swallowRemaining = length + 2L;
      return new Command.StoreTooLarge(storeMode, k, quiet);
    }
    pendingMeta = null;
    mode = storeMode;
    key = k;
    casUnique = cas;
    noreply = quiet;
    expectData(length);
    return Quiet.INSTANCE; // the command is emitted when its data block is complete
  }

  private void expectData(int length) {
    dataLength = length;
    value = null;
    data = null;
    terminatorRead = 0;
    terminatorOk = true;
    state = State.DATA;
  }

  /** A meta line: a message to emit, an ms data block to read, or an ms error whose data block is discarded. */
  private void meta(Tokens t, List<Object> out) {
    Object parsed = metaParser.parse(t, limits);
    if (parsed instanceof MetaParser.PendingSet pending) {
      pendingMeta = pending;
      expectData(pending.length());
    } else if (parsed instanceof MetaParser.Swallow swallow) {
      out.add(swallow.reply());
      state = State.SWALLOW;
      swallowRemaining = swallow.bytes();
    } else {
      out.add(parsed);
    }
  }

  private Object arithmetic(Tokens t, boolean increment, boolean quiet) {
    if (t.length(1) > limits.maxKeyLength()) {
      return error(BAD_FORMAT, quiet);
    }
    long delta;
    try {
      delta = Numbers.parseUnsigned(t.line(), t.start(2), t.end(2));
    } catch (NotANumber e) {
      return error(BAD_DELTA, quiet);
    }
    return new Command.Arithmetic(t.bytes(1), increment, delta, quiet);
  }

  /** memcached still accepts the legacy {@code delete <key> 0}; any other extra argument is an error. */
  private Object delete(Tokens t) {
    boolean quiet = false;
    if (t.count() > 2) {
      boolean holdIsZero = t.is(2, "0");
      quiet = t.is(t.count() - 1, "noreply");
      boolean valid = (t.count() == 3 && (holdIsZero || quiet)) || (t.count() == 4 && holdIsZero && quiet);
      if (!valid) {
        return error(BAD_DELETE, quiet);
      }
    }
    if (t.length(1) > limits.maxKeyLength()) {
      return error(BAD_FORMAT, quiet);
    }
    return new Command.Delete(t.bytes(1), quiet);
  }

  private Object touch(Tokens t, boolean quiet) {
    if (t.length(1) > limits.maxKeyLength()) {
      return error(BAD_FORMAT, quiet);
    }
    long exptime;
    try {
      exptime = (int) Numbers.parseSigned(t.line(), t.start(2), t.end(2));
    } catch (NotANumber e) {
      return error(BAD_EXPTIME, quiet);
    }
    return new Command.Touch(t.bytes(1), exptime, quiet);
  }

  private Object flushAll(Tokens t, boolean quiet) {
    long delay = 0;
    // with -F memcached refuses before looking at the arguments; the executor gives that reply
    if (!limits.flushAllDisabled() && t.count() != (quiet ? 2 : 1)) {
      try {
        delay = (int) Numbers.parseSigned(t.line(), t.start(1), t.end(1));
      } catch (NotANumber e) {
        return error(BAD_EXPTIME, quiet);
      }
    }
    return new Command.FlushAll(delay, quiet);
  }

  /** stats, with its group and the words after it ({@code stats detail on}, {@code stats cachedump 1 1}). */
  private static Command.Stats stats(Tokens t) {
    if (t.count() < 2) {
      return new Command.Stats(null);
    }
    List<String> args = new ArrayList<>(t.count() - 2);
    for (int i = 2; i < t.count(); i++) {
      args.add(t.string(i));
    }
    return new Command.Stats(t.string(1), args);
  }

  private Object verbosity(Tokens t, boolean quiet) {
    try {
      long level = Numbers.parseUnsigned(t.line(), t.start(1), t.end(1));
      return new Command.Verbosity((int) Math.min(level & 0xffffffffL, Integer.MAX_VALUE), quiet);
    } catch (NotANumber e) {
      return error(BAD_FORMAT, quiet);
    }
  }

  private Object shutdown(Tokens t) {
    boolean graceful = t.count() == 2 && t.is(1, "graceful");
    // without -A memcached refuses before looking at the mode; the executor gives that reply
    if (limits.shutdownEnabled() && t.count() > 1 && !graceful) {
      return BAD_SHUTDOWN;
    }
    return new Command.Shutdown(graceful);
  }

  private Object cacheMemlimit(Tokens t, boolean quiet) {
    try {
      long mb = Numbers.parseUnsigned(t.line(), t.start(1), t.end(1)) & 0xffffffffL;
      return new Command.CacheMemlimit(mb, quiet);
    } catch (NotANumber e) {
      return error(Result.Error.PLAIN, quiet);
    }
  }

  // ---------------------------------------------------------------- DATA

  private boolean readData(ByteBuf in, List<Object> out) {
    if (data == null) {
      if (value == null) {
        data = IncomingValue.readIfComplete(in, dataLength); // the usual case: the block came with its line
        if (data == null) {
          value = IncomingValue.reserve(dataLength, budget);
          if (value == null) {
            return refuseData(in, out);
          }
        }
      }
      if (value != null) {
        if (!value.readFrom(in)) {
          return false;
        }
        data = value.bytes();
        value = null;
      }
    }
    while (terminatorRead < 2 && in.isReadable()) {
      byte b = in.readByte();
      terminatorOk &= b == (terminatorRead == 0 ? '\r' : '\n');
      terminatorRead++;
    }
    if (terminatorRead < 2) {
      return false;
    }
    state = State.LINE;
    byte[] data = this.data;
    this.data = null;
    if (pendingMeta != null) {
      // ms reports a bad data chunk even in quiet mode; either way memcached counts it as a set
      out.add(terminatorOk ? pendingMeta.complete(data) : new Command.BadDataChunk(false));
      pendingMeta = null;
    } else if (!terminatorOk) {
      out.add(new Command.BadDataChunk(noreply));
    } else {
      out.add(new Command.Store(mode, key, flags, exptime, data, casUnique, noreply));
    }
    key = null;
    return true;
  }

  /**
   * No room for the data block: memcached's "out of memory storing object" (hidden by noreply, always shown for
   * ms), and the block and its terminator are discarded as they arrive, never buffered.
   */
  private boolean refuseData(ByteBuf in, List<Object> out) {
    if (pendingMeta != null) {
      out.add(new Command.StoreNoMemory(StoreMode.SET, pendingMeta.template().key(), false));
      pendingMeta = null;
    } else {
      out.add(new Command.StoreNoMemory(mode, key, noreply));
    }
    key = null;
    state = State.SWALLOW;
    swallowRemaining = dataLength + 2L;
    swallow(in); // at once: a decoder must read something in a call that emits
    return true;
  }

  // ---------------------------------------------------------------- SWALLOW

  private boolean swallow(ByteBuf in) {
    swallowRemaining = IncomingValue.skip(in, swallowRemaining);
    if (swallowRemaining == 0) {
      state = State.LINE;
      return true;
    }
    return false;
  }
}
