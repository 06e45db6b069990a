package io.safecached.protocol.binary;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import io.safecached.command.Result;
import io.safecached.command.Result.MetaItem;
import io.safecached.protocol.ReplyEncoder;
import io.safecached.protocol.ReplyValues;
import io.safecached.store.StoredValue;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes {@link Result.Framed} results whose frame is a {@link BinaryFrame} as memcached 1.6's binary replies:
 * the request's opcode and opaque echoed, the status, the CAS of the item for gets, stores and incr/decr, flags as
 * 4 bytes of extras on get replies, the key on getk/gatk replies, and an 8-byte big-endian number for incr/decr.
 *
 * <p>Error replies carry memcached's text as their body. Which status a failure gets depends on the opcode, as in
 * memcached: an add that finds the key is "Data exists for key.", a replace that misses it "Not found", a failed
 * append or prepend "Not stored.". A {@link Result.Rejection} gets the status of its kind (a refused login:
 * AUTH_ERROR "Auth failure."). SASL replies: the mechanisms separated by spaces, or "Authenticated". Quiet opcodes send nothing for their nominal
 * outcome (a get miss, any other success); errors are always sent. Every reply is one buffer from the channel's
 * allocator, sized exactly before it is allocated: header, extras, key and value, the value copied once.
 */
@Sharable
public final class BinaryEncoder extends MessageToMessageEncoder<Result> implements ReplyEncoder {
  /** The magic byte of every reply. */
  public static final int RESPONSE_MAGIC = 0x81;
  private static final int HEADER_LENGTH = BinaryDecoder.HEADER_LENGTH;
  /** memcached's body of a successful SASL_AUTH or SASL_STEP reply. */
  private static final byte[] AUTHENTICATED = "Authenticated".getBytes(StandardCharsets.US_ASCII);

  public BinaryEncoder() {
    super(Result.class);
  }

  @Override
  public void encodeReply(ChannelHandlerContext ctx, Result result, List<Object> out) {
    encode(ctx, result, out);
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, Result result, List<Object> out) {
    encode(ctx.alloc(), result, out);
    if (out.isEmpty()) {
      out.add(Unpooled.EMPTY_BUFFER); // a reply hidden by a quiet opcode: the write still completes
    }
  }

  /**
   * Adds the reply bytes for one result to {@code out} (nothing for a reply a quiet opcode hides). Throws
   * IllegalArgumentException for a result without a binary frame, which no binary request produces.
   */
  public static void encode(ByteBufAllocator alloc, Result result, List<Object> out) {
    if (!(result instanceof Result.Framed framed) || !(framed.frame() instanceof BinaryFrame frame)) {
      throw new IllegalArgumentException("not a reply to a binary request: " + result);
    }
    Opcode op = frame.known();
    Result r = framed.result();
    if (r instanceof Result.Rejection rejection) {
      error(alloc, frame, status(rejection.kind()), out);
      return;
    }
    if (op == null) {
      error(alloc, frame, BinaryStatus.UNKNOWN_COMMAND, out); // an opcode memcached does not serve
      return;
    }
    if (r instanceof Result.Meta m) {
      meta(alloc, frame, op, m, out);
    } else if (r instanceof Result.Status s) {
      status(alloc, frame, op, s, out);
    } else if (r instanceof Result.Stats s) {
      stats(alloc, frame, s.stats(), out);
    } else if (r instanceof Result.PrefixDump d) {
      stats(alloc, frame, List.of(new Result.Stat("detailed", d.text())), out); // memcached's one stat
    } else if (r instanceof Result.Version v) {
      byte[] body = v.version().getBytes(StandardCharsets.US_ASCII);
      out.add(packet(alloc, frame, BinaryStatus.NO_ERROR, 0, null, null, body));
    } else if (r instanceof Result.SaslMechanisms m) {
      byte[] body = String.join(" ", m.mechanisms()).getBytes(StandardCharsets.US_ASCII);
      out.add(packet(alloc, frame, BinaryStatus.NO_ERROR, 0, null, null, body));
    } else if (r instanceof Result.Authenticated) {
      out.add(packet(alloc, frame, BinaryStatus.NO_ERROR, 0, null, null, AUTHENTICATED));
    } else if (r instanceof Result.MetaNoop) {
      success(alloc, frame, op, 0, out);
    } else if (r instanceof Result.Number n) {
      number(alloc, frame, op, n.value(), 0, out);
    } else {
      throw new IllegalArgumentException("no binary reply for " + r + " to " + op);
    }
  }

  /** The status of a refusal, by what went wrong (never by its text). */
  static BinaryStatus status(Result.Rejection.Kind kind) {
    return switch (kind) {
      case UNKNOWN_COMMAND -> BinaryStatus.UNKNOWN_COMMAND;
      case INVALID_ARGUMENTS -> BinaryStatus.EINVAL;
      case NON_NUMERIC -> BinaryStatus.DELTA_BADVAL;
      case NOT_PERMITTED -> BinaryStatus.AUTH_ERROR; // also flush_all refused by -F: memcached's status for it
      case NOT_FOUND -> BinaryStatus.KEY_ENOENT;
      case TOO_LARGE -> BinaryStatus.E2BIG;
      case SERVER_FAILURE -> BinaryStatus.ENOMEM;
    };
  }

  private static void meta(ByteBufAllocator alloc, BinaryFrame frame, Opcode op, Result.Meta m, List<Object> out) {
    switch (m.code()) {
      case HD, VA -> {
        MetaItem item = m.item();
        if (op.retrieves()) {
          hit(alloc, frame, op, item, out);
        } else if (op.loud() == Opcode.INCREMENT || op.loud() == Opcode.DECREMENT) {
          number(alloc, frame, op, parseUnsigned(item.value()), item.cas(), out);
        } else {
          // memcached sends the new CAS after a store, none after a delete
          success(alloc, frame, op, op.loud() == Opcode.DELETE || item == null ? 0 : item.cas(), out);
        }
      }
      case EN, NF -> miss(alloc, frame, op, out);
      case NS -> error(alloc, frame, notStored(op), out);
      case EX -> error(alloc, frame, BinaryStatus.KEY_EEXISTS, out);
      default -> throw new IllegalArgumentException("unknown meta code " + m.code());
    }
  }

  private static BinaryStatus notStored(Opcode op) {
    return switch (op.loud()) {
      case ADD -> BinaryStatus.KEY_EEXISTS;
      case REPLACE -> BinaryStatus.KEY_ENOENT;
      default -> BinaryStatus.NOT_STORED;
    };
  }

  /** The text protocol's statuses, for results the command layer gives in that form. */
  private static void status(ByteBufAllocator alloc, BinaryFrame frame, Opcode op, Result.Status s,
      List<Object> out) {
    switch (s) {
      case STORED, DELETED, TOUCHED, OK -> success(alloc, frame, op, 0, out);
      case RESET -> stats(alloc, frame, List.of(), out); // stats reset: the end marker alone
      case NOT_FOUND -> miss(alloc, frame, op, out);
      case EXISTS -> error(alloc, frame, BinaryStatus.KEY_EEXISTS, out);
      case NOT_STORED -> error(alloc, frame, notStored(op), out);
      default -> error(alloc, frame, BinaryStatus.EINVAL, out);
    }
  }

  private static void success(ByteBufAllocator alloc, BinaryFrame frame, Opcode op, long cas, List<Object> out) {
    if (op.quiet()) {
      return;
    }
    out.add(packet(alloc, frame, BinaryStatus.NO_ERROR, cas, null, null, null));
  }

  private static void number(ByteBufAllocator alloc, BinaryFrame frame, Opcode op, long value, long cas,
      List<Object> out) {
    if (op.quiet()) {
      return;
    }
    ByteBuf buf = header(alloc, frame, BinaryStatus.NO_ERROR, 0, 0, 8, cas, 8);
    buf.writeLong(value);
    out.add(buf);
  }

  private static void hit(ByteBufAllocator alloc, BinaryFrame frame, Opcode op, MetaItem item, List<Object> out) {
    byte[] key = op.returnsKey() ? frame.key() : null;
    StoredValue value = item.data();
    if (op.loud() == Opcode.TOUCH && value != null) {
      value.release();
      value = null;
    }
    int keyLength = key == null ? 0 : key.length;
    int valueLength = value == null ? 0 : value.length();
    int bodyLength = Math.toIntExact(4L + keyLength + valueLength);
    ReplyValues.Parts parts = ReplyValues.Parts.forValue(alloc, HEADER_LENGTH + 4 + keyLength, value, out);
    ByteBuf buf = parts.buf();
    writeHeader(buf, frame, BinaryStatus.NO_ERROR, keyLength, 4, bodyLength, item.cas());
    buf.writeInt(item.flags());
    if (key != null) {
      buf.writeBytes(key);
    }
    if (value != null) {
      parts.value(value);
    }
    out.add(parts.finish());
  }

  /** A get miss: getk/gatk repeat the key with no text, the others say "Not found"; quiet ones say nothing. */
  private static void miss(ByteBufAllocator alloc, BinaryFrame frame, Opcode op, List<Object> out) {
    if (op.retrieves() && op.quiet()) {
      return;
    }
    if (op.returnsKey()) {
      ByteBuf buf = header(alloc, frame, BinaryStatus.KEY_ENOENT, frame.key().length, 0, frame.key().length, 0,
          frame.key().length);
      buf.writeBytes(frame.key());
      out.add(buf);
      return;
    }
    error(alloc, frame, BinaryStatus.KEY_ENOENT, out);
  }

  private static void error(ByteBufAllocator alloc, BinaryFrame frame, BinaryStatus status, List<Object> out) {
    out.add(packet(alloc, frame, status, 0, null, null, status.messageBytes()));
  }

  /** One packet per statistic, key = name and value = value, then an empty packet that ends the list. */
  private static void stats(ByteBufAllocator alloc, BinaryFrame frame, List<Result.Stat> stats, List<Object> out) {
    int size = HEADER_LENGTH * (stats.size() + 1);
    for (Result.Stat stat : stats) {
      size += stat.name().length() + stat.value().length();
    }
    ByteBuf buf = alloc.buffer(size);
    for (Result.Stat stat : stats) {
      int nameLength = stat.name().length();
      int valueLength = stat.value().length();
      writeHeader(buf, frame, BinaryStatus.NO_ERROR, nameLength, 0, nameLength + valueLength, 0);
      ByteBufUtil.writeAscii(buf, stat.name());
      ByteBufUtil.writeAscii(buf, stat.value());
    }
    writeHeader(buf, frame, BinaryStatus.NO_ERROR, 0, 0, 0, 0);
    out.add(buf);
  }

  private static ByteBuf packet(ByteBufAllocator alloc, BinaryFrame frame, BinaryStatus status, long cas,
      byte[] extras, byte[] key, byte[] body) {
    int extrasLength = extras == null ? 0 : extras.length;
    int keyLength = key == null ? 0 : key.length;
    int bodyLength = body == null ? 0 : body.length;
    int total = extrasLength + keyLength + bodyLength;
    ByteBuf buf = header(alloc, frame, status, keyLength, extrasLength, total, cas, total);
    if (extras != null) {
      buf.writeBytes(extras);
    }
    if (key != null) {
      buf.writeBytes(key);
    }
    if (body != null) {
      buf.writeBytes(body);
    }
    return buf;
  }

  /** A buffer holding the header, with room for {@code room} more bytes. */
  private static ByteBuf header(ByteBufAllocator alloc, BinaryFrame frame, BinaryStatus status, int keyLength,
      int extrasLength, long bodyLength, long cas, int room) {
    ByteBuf buf = alloc.buffer(HEADER_LENGTH + room);
    writeHeader(buf, frame, status, keyLength, extrasLength, bodyLength, cas);
    return buf;
  }

  private static void writeHeader(ByteBuf buf, BinaryFrame frame, BinaryStatus status, int keyLength,
      int extrasLength, long bodyLength, long cas) {
    buf.writeByte(RESPONSE_MAGIC);
    buf.writeByte(frame.opcode());
    buf.writeShort(keyLength);
    buf.writeByte(extrasLength);
    buf.writeByte(0); // data type: raw bytes
    buf.writeShort(status.code());
    buf.writeInt((int) bodyLength);
    buf.writeInt(frame.opaque());
    buf.writeLong(cas);
  }

  /** The number in incr/decr's reply: the item's decimal digits (memcached may pad them with spaces). */
  private static long parseUnsigned(byte[] digits) {
    long v = 0;
    for (byte b : digits) {
      if (b < '0' || b > '9') {
        break;
      }
      v = v * 10 + (b - '0');
    }
    return v;
  }
}
