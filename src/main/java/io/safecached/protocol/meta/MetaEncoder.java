package io.safecached.protocol.meta;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.safecached.command.Result;
import io.safecached.command.Result.Meta;
import io.safecached.command.Result.MetaCode;
import io.safecached.command.Result.MetaItem;
import io.safecached.protocol.Ascii;
import io.safecached.protocol.ReplyValues;
import io.safecached.store.StoredValue;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Writes meta replies exactly as memcached 1.6.18 does, echoing return flags in request order.
 *
 * <ul>
 *   <li>mg hit: {@code VA <len> <flags>} and the value, or {@code HD <flags>}; s t c f l h O k are echoed in
 *       request order, then Z, X and W. A miss is {@code EN} with only O and k.</li>
 *   <li>ms: the code with O, k, c (0 unless stored) and s (the stored size, or the sent length on failure).</li>
 *   <li>md: the code with O and k. ma: {@code VA <len>} or {@code HD} with c t O k, then the number; a miss
 *       or CAS mismatch with O and k only.</li>
 *   <li>me: {@code ME <key> exp= la= cas= fetch= cls= size=} or {@code EN}; mn: {@code MN}.</li>
 * </ul>
 * A k echo prints the key in base64 followed by {@code b} when it is binary: for an mg hit when the item was
 * stored with a base64 key, otherwise when the request sent it so. An mg or ma whose opaque token is too long
 * to echo is answered {@code CLIENT_ERROR opaque token too long}, after it ran. Replies without flags are
 * shared read-only buffers; any other reply is one buffer from the channel's allocator, sized exactly before it
 * is allocated (each echo is measured by the same code that writes it), its numbers written as digits in place
 * and its value copied once.
 */
public final class MetaEncoder {
  private static final Map<MetaCode, ByteBuf> CODES = new EnumMap<>(MetaCode.class);
  private static final ByteBuf MN = constant("MN\r\n");
  private static final ByteBuf OPAQUE_TOO_LONG = constant("CLIENT_ERROR opaque token too long\r\n");
  private static final byte[] VA = ascii("VA ");
  private static final byte[] HD = ascii("HD");
  private static final byte[] ME = ascii("ME ");
  private static final byte[] EXP = ascii(" exp=");
  private static final byte[] LA = ascii(" la=");
  private static final byte[] CAS = ascii(" cas=");
  private static final byte[] FETCH_YES = ascii(" fetch=yes");
  private static final byte[] FETCH_NO = ascii(" fetch=no");
  private static final byte[] CLS = ascii(" cls=");
  private static final byte[] SIZE = ascii(" size=");

  static {
    for (MetaCode code : MetaCode.values()) {
      CODES.put(code, constant(code.name() + "\r\n"));
    }
  }

  private MetaEncoder() {}

  private static ByteBuf constant(String s) {
    return Unpooled.unreleasableBuffer(Unpooled.directBuffer(s.length()).writeBytes(ascii(s)).asReadOnly());
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Writes a meta result ({@link Meta}, {@link Result.MetaDebug}, {@link Result.MetaNoop}) framed by
   * {@code frame} (null when the result came without one: then only the code is written). Returns false,
   * writing nothing, for any other result.
   */
  public static boolean encode(ByteBufAllocator alloc, Result result, MetaFrame frame, List<Object> out) {
    if (result instanceof Meta m) {
      out.add(meta(alloc, m, frame, out));
    } else if (result instanceof Result.MetaNoop) {
      out.add(MN.duplicate());
    } else if (result instanceof Result.MetaDebug d) {
      out.add(debug(alloc, d));
    } else {
      return false;
    }
    return true;
  }

  /**
   * Lets go of the value {@code m} fetched, for a reply that does not send it: else its segment stays held by a
   * reader that never comes, and can never be reused.
   */
  private static void letGo(Meta m) {
    if (m.item() != null && m.item().data() != null) {
      m.item().data().release();
    }
  }

  /** The reply to {@code m}, or its last part when earlier parts went to {@code out} (see {@link ReplyValues.Parts}). */
  private static ByteBuf meta(ByteBufAllocator alloc, Meta m, MetaFrame frame, List<Object> out) {
    if (frame == null) {
      letGo(m);
      return CODES.get(m.code()).duplicate();
    }
    if (frame.opaque() != null && frame.opaque().length > MetaParser.MAX_OPAQUE) {
      // mg and ma ran, but memcached refuses to answer them with an opaque it cannot echo
      letGo(m);
      return OPAQUE_TOO_LONG.duplicate();
    }
    MetaItem item = m.item();
    switch (frame.verb()) {
      case MG:
        return item != null ? getHit(alloc, m, item, frame, out) : codeAndEcho(alloc, m.code(), frame, "Ok", null, 0);
      case MS:
        return codeAndEcho(alloc, m.code(), frame, "Okcs", item, frame.dataLength());
      case MA:
        return item != null ? arithmeticHit(alloc, item, frame, out) : codeAndEcho(alloc, m.code(), frame, "Ok", null, 0);
      case MD:
      default:
        return codeAndEcho(alloc, m.code(), frame, "Ok", null, 0);
    }
  }

  /** The code, then the flags of {@code echoed} in request order: O and k, and for ms c and s. */
  private static ByteBuf codeAndEcho(ByteBufAllocator alloc, MetaCode code, MetaFrame frame, String echoed,
                                     MetaItem stored, int sentLength) {
    if (!echoes(frame, echoed)) {
      return CODES.get(code).duplicate();
    }
    ByteBuf buf = alloc.buffer(2 + echoes(null, frame, echoed, stored, sentLength) + 2);
    buf.writeByte(code.name().charAt(0)).writeByte(code.name().charAt(1));
    echoes(buf, frame, echoed, stored, sentLength);
    return buf.writeShort(0x0d0a);
  }

  /** Writes the echoes of {@link #codeAndEcho} into {@code buf}, or only measures them when it is null. */
  private static int echoes(ByteBuf buf, MetaFrame frame, String echoed, MetaItem stored, int sentLength) {
    int n = 0;
    for (byte f : frame.flags()) {
      if (echoed.indexOf(f) < 0) {
        continue;
      }
      n += switch (f) {
        case 'O' -> opaque(buf, frame);
        case 'k' -> key(buf, frame.key(), frame.keyBinary());
        case 'c' -> unsigned(buf, 'c', stored != null ? stored.cas() : 0);
        case 's' -> signed(buf, 's', stored != null ? stored.size() : sentLength);
        default -> 0;
      };
    }
    return n;
  }

  private static ByteBuf getHit(ByteBufAllocator alloc, Meta m, MetaItem item, MetaFrame frame,
      List<Object> out) {
    StoredValue value = item.data();
    if (value == null && !m.won() && !m.stale() && !m.tokenSent() && !echoes(frame, "stcflhOk")) {
      return CODES.get(MetaCode.HD).duplicate();
    }
    int markers = (m.tokenSent() ? 2 : 0) + (m.stale() ? 2 : 0) + (m.won() ? 2 : 0);
    ReplyValues.Parts parts = startValueReply(alloc, value, getHitFlags(null, item, frame) + markers, out);
    ByteBuf buf = parts.buf();
    getHitFlags(buf, item, frame);
    if (m.tokenSent()) {
      buf.writeShort(' ' << 8 | 'Z');
    }
    if (m.stale()) {
      buf.writeShort(' ' << 8 | 'X');
    }
    if (m.won()) {
      buf.writeShort(' ' << 8 | 'W');
    }
    return endValueReply(parts, value);
  }

  /**
   * The reply's parts, the buffer of exactly the reply's size (less a value handed off) holding its head,
   * {@code VA <length>} with a value or {@code HD} without; the caller writes the {@code flagBytes} of flags that
   * follow, then calls {@link #endValueReply}.
   */
  private static ReplyValues.Parts startValueReply(ByteBufAllocator alloc, StoredValue value, int flagBytes,
      List<Object> out) {
    int head = value != null ? VA.length + Ascii.digits(value.length()) : HD.length;
    ReplyValues.Parts parts =
        ReplyValues.Parts.forValue(alloc, head + flagBytes + 2 + (value != null ? 2 : 0), value, out);
    ByteBuf buf = parts.buf();
    if (value != null) {
      buf.writeBytes(VA);
      Ascii.writeUnsigned(buf, value.length());
    } else {
      buf.writeBytes(HD);
    }
    return parts;
  }

  /** Ends the reply line and adds the value block, if any. */
  private static ByteBuf endValueReply(ReplyValues.Parts parts, StoredValue value) {
    parts.buf().writeShort(0x0d0a);
    if (value != null) {
      parts.value(value);
      parts.buf().writeShort(0x0d0a);
    }
    return parts.finish();
  }

  /** Writes mg's echoed flags into {@code buf} in request order, or only measures them when it is null. */
  private static int getHitFlags(ByteBuf buf, MetaItem item, MetaFrame frame) {
    int n = 0;
    for (byte f : frame.flags()) {
      n += switch (f) {
        case 's' -> signed(buf, 's', item.size());
        case 't' -> signed(buf, 't', item.ttl());
        case 'c' -> unsigned(buf, 'c', item.cas());
        case 'f' -> unsigned(buf, 'f', Integer.toUnsignedLong(item.flags()));
        case 'l' -> signed(buf, 'l', item.lastAccess());
        case 'h' -> unsigned(buf, 'h', item.fetched() ? 1 : 0);
        case 'O' -> opaque(buf, frame);
        case 'k' -> key(buf, item.key(), item.keyBinary());
        default -> 0;
      };
    }
    return n;
  }

  private static ByteBuf arithmeticHit(ByteBufAllocator alloc, MetaItem item, MetaFrame frame,
      List<Object> out) {
    StoredValue value = frame.has('v') ? item.data() : null;
    if (value == null && !echoes(frame, "ctOk")) {
      return CODES.get(MetaCode.HD).duplicate();
    }
    ReplyValues.Parts parts = startValueReply(alloc, value, arithmeticFlags(null, item, frame), out);
    arithmeticFlags(parts.buf(), item, frame);
    return endValueReply(parts, value);
  }

  /** Writes ma's echoed flags into {@code buf} in request order, or only measures them when it is null. */
  private static int arithmeticFlags(ByteBuf buf, MetaItem item, MetaFrame frame) {
    int n = 0;
    for (byte f : frame.flags()) {
      n += switch (f) {
        case 'c' -> unsigned(buf, 'c', item.cas());
        case 't' -> signed(buf, 't', item.ttl());
        case 'O' -> opaque(buf, frame);
        case 'k' -> key(buf, frame.key(), frame.keyBinary());
        default -> 0;
      };
    }
    return n;
  }

  private static ByteBuf debug(ByteBufAllocator alloc, Result.MetaDebug d) {
    byte[] key = d.keyBinary() ? Base64Keys.encode(d.key()) : d.key();
    byte[] fetch = d.fetched() ? FETCH_YES : FETCH_NO;
    int size = ME.length + key.length + EXP.length + Ascii.signedDigits(d.exp()) + LA.length
        + Ascii.signedDigits(d.lastAccess()) + CAS.length + Ascii.digits(d.cas()) + fetch.length + CLS.length
        + Ascii.signedDigits(d.slabClass()) + SIZE.length + Ascii.signedDigits(d.size()) + 2;
    ByteBuf buf = alloc.buffer(size);
    buf.writeBytes(ME).writeBytes(key);
    Ascii.writeSigned(buf.writeBytes(EXP), d.exp());
    Ascii.writeSigned(buf.writeBytes(LA), d.lastAccess());
    Ascii.writeUnsigned(buf.writeBytes(CAS), d.cas());
    buf.writeBytes(fetch);
    Ascii.writeSigned(buf.writeBytes(CLS), d.slabClass());
    Ascii.writeSigned(buf.writeBytes(SIZE), d.size());
    return buf.writeShort(0x0d0a);
  }

  /** True when the request carries any of the flags in {@code which}. */
  private static boolean echoes(MetaFrame frame, String which) {
    for (byte f : frame.flags()) {
      if (which.indexOf(f) >= 0) {
        return true;
      }
    }
    return false;
  }

  /** {@code ' ' flag value} with the value unsigned: written into {@code buf} unless it is null; its length. */
  private static int unsigned(ByteBuf buf, char flag, long value) {
    if (buf != null) {
      Ascii.writeUnsigned(buf.writeByte(' ').writeByte(flag), value);
    }
    return 2 + Ascii.digits(value);
  }

  /** {@code ' ' flag value} with the value signed: written into {@code buf} unless it is null; its length. */
  private static int signed(ByteBuf buf, char flag, long value) {
    if (buf != null) {
      Ascii.writeSigned(buf.writeByte(' ').writeByte(flag), value);
    }
    return 2 + Ascii.signedDigits(value);
  }

  /** The opaque token after a space: written into {@code buf} unless it is null; its length. */
  private static int opaque(ByteBuf buf, MetaFrame frame) {
    if (buf != null) {
      buf.writeByte(' ').writeBytes(frame.opaque());
    }
    return 1 + frame.opaque().length;
  }

  /**
   * {@code ' k' key}, in base64 followed by {@code " b"} when binary: written into {@code buf} unless it is
   * null; its length.
   */
  private static int key(ByteBuf buf, byte[] key, boolean binary) {
    if (!binary) {
      if (buf != null) {
        buf.writeByte(' ').writeByte('k').writeBytes(key);
      }
      return 2 + key.length;
    }
    if (buf != null) {
      buf.writeByte(' ').writeByte('k').writeBytes(Base64Keys.encode(key)).writeByte(' ').writeByte('b');
    }
    return 2 + 4 * ((key.length + 2) / 3) + 2;
  }
}
