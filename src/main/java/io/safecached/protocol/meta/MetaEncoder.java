package io.safecached.protocol.meta;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.safecached.command.Result;
import io.safecached.command.Result.Meta;
import io.safecached.command.Result.MetaCode;
import io.safecached.command.Result.MetaItem;
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
 * shared read-only buffers.
 */
public final class MetaEncoder {
  /** Values at least this large are sent from the item's own array instead of being copied. */
  private static final int WRAP_THRESHOLD = 2048;
  private static final Map<MetaCode, ByteBuf> CODES = new EnumMap<>(MetaCode.class);
  private static final ByteBuf MN = constant("MN\r\n");
  private static final ByteBuf OPAQUE_TOO_LONG = constant("CLIENT_ERROR opaque token too long\r\n");

  static {
    for (MetaCode code : MetaCode.values()) {
      CODES.put(code, constant(code.name() + "\r\n"));
    }
  }

  private MetaEncoder() {}

  private static ByteBuf constant(String s) {
    return Unpooled.unreleasableBuffer(
        Unpooled.directBuffer(s.length()).writeBytes(s.getBytes(StandardCharsets.US_ASCII)).asReadOnly());
  }

  /**
   * Writes a meta result ({@link Meta}, {@link Result.MetaDebug}, {@link Result.MetaNoop}) framed by
   * {@code frame} (null when the result came without one: then only the code is written). Returns false,
   * writing nothing, for any other result.
   */
  public static boolean encode(ByteBufAllocator alloc, Result result, MetaFrame frame, List<Object> out) {
    if (result instanceof Result.MetaNoop) {
      out.add(MN.duplicate());
    } else if (result instanceof Result.MetaDebug d) {
      out.add(debug(alloc, d));
    } else if (result instanceof Meta m) {
      out.add(meta(alloc, m, frame));
    } else {
      return false;
    }
    return true;
  }

  private static ByteBuf meta(ByteBufAllocator alloc, Meta m, MetaFrame frame) {
    if (frame == null) {
      return CODES.get(m.code()).duplicate();
    }
    if (frame.opaque() != null && frame.opaque().length > MetaParser.MAX_OPAQUE) {
      // mg and ma ran, but memcached refuses to answer them with an opaque it cannot echo
      return OPAQUE_TOO_LONG.duplicate();
    }
    MetaItem item = m.item();
    switch (frame.verb()) {
      case MG:
        return item != null ? getHit(alloc, m, item, frame) : codeAndEcho(alloc, m.code(), frame, "Ok", null, 0);
      case MS:
        return codeAndEcho(alloc, m.code(), frame, "Okcs", item, frame.dataLength());
      case MA:
        return item != null ? arithmeticHit(alloc, item, frame) : codeAndEcho(alloc, m.code(), frame, "Ok", null, 0);
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
    ByteBuf buf = alloc.buffer(64 + frame.key().length * 2);
    ascii(buf, code.name());
    for (byte f : frame.flags()) {
      if (echoed.indexOf(f) < 0) {
        continue;
      }
      switch (f) {
        case 'O' -> opaque(buf, frame);
        case 'k' -> key(buf, frame.key(), frame.keyBinary());
        case 'c' -> flag(buf, 'c', Long.toUnsignedString(stored != null ? stored.cas() : 0));
        case 's' -> flag(buf, 's', Integer.toString(stored != null ? stored.size() : sentLength));
        default -> { }
      }
    }
    return buf.writeShort(0x0d0a);
  }

  private static ByteBuf getHit(ByteBufAllocator alloc, Meta m, MetaItem item, MetaFrame frame) {
    byte[] value = item.value();
    if (value == null && !m.won() && !m.stale() && !m.tokenSent() && !echoes(frame, "stcflhOk")) {
      return CODES.get(MetaCode.HD).duplicate();
    }
    ByteBuf buf = alloc.buffer(96 + item.key().length * 2 + (value != null && value.length < WRAP_THRESHOLD
        ? value.length : 0));
    if (value != null) {
      ascii(buf, "VA ");
      ascii(buf, Integer.toString(value.length));
    } else {
      ascii(buf, "HD");
    }
    for (byte f : frame.flags()) {
      switch (f) {
        case 's' -> flag(buf, 's', Integer.toString(item.size()));
        case 't' -> flag(buf, 't', Long.toString(item.ttl()));
        case 'c' -> flag(buf, 'c', Long.toUnsignedString(item.cas()));
        case 'f' -> flag(buf, 'f', Integer.toUnsignedString(item.flags()));
        case 'l' -> flag(buf, 'l', Long.toString(item.lastAccess()));
        case 'h' -> flag(buf, 'h', item.fetched() ? "1" : "0");
        case 'O' -> opaque(buf, frame);
        case 'k' -> key(buf, item.key(), item.keyBinary());
        default -> { }
      }
    }
    if (m.tokenSent()) {
      ascii(buf, " Z");
    }
    if (m.stale()) {
      ascii(buf, " X");
    }
    if (m.won()) {
      ascii(buf, " W");
    }
    buf.writeShort(0x0d0a);
    return value == null ? buf : withValue(alloc, buf, value);
  }

  private static ByteBuf arithmeticHit(ByteBufAllocator alloc, MetaItem item, MetaFrame frame) {
    boolean withValue = frame.has('v') && item.value() != null;
    if (!withValue && !echoes(frame, "ctOk")) {
      return CODES.get(MetaCode.HD).duplicate();
    }
    ByteBuf buf = alloc.buffer(96 + frame.key().length * 2);
    if (withValue) {
      ascii(buf, "VA ");
      ascii(buf, Integer.toString(item.value().length));
    } else {
      ascii(buf, "HD");
    }
    for (byte f : frame.flags()) {
      switch (f) {
        case 'c' -> flag(buf, 'c', Long.toUnsignedString(item.cas()));
        case 't' -> flag(buf, 't', Long.toString(item.ttl()));
        case 'O' -> opaque(buf, frame);
        case 'k' -> key(buf, frame.key(), frame.keyBinary());
        default -> { }
      }
    }
    buf.writeShort(0x0d0a);
    if (withValue) {
      buf.writeBytes(item.value());
      buf.writeShort(0x0d0a);
    }
    return buf;
  }

  /** The reply line followed by the value and its CRLF; a large value is wrapped, not copied. */
  private static ByteBuf withValue(ByteBufAllocator alloc, ByteBuf line, byte[] value) {
    if (value.length < WRAP_THRESHOLD) {
      line.writeBytes(value);
      return line.writeShort(0x0d0a);
    }
    CompositeByteBuf composite = alloc.compositeBuffer(3);
    composite.addComponent(true, line);
    composite.addComponent(true, Unpooled.wrappedBuffer(value));
    composite.addComponent(true, alloc.buffer(2).writeShort(0x0d0a));
    return composite;
  }

  private static ByteBuf debug(ByteBufAllocator alloc, Result.MetaDebug d) {
    ByteBuf buf = alloc.buffer(96 + d.key().length * 2);
    ascii(buf, "ME ");
    buf.writeBytes(d.keyBinary() ? Base64Keys.encode(d.key()) : d.key());
    ascii(buf, " exp=" + d.exp() + " la=" + d.lastAccess() + " cas=" + Long.toUnsignedString(d.cas())
        + " fetch=" + (d.fetched() ? "yes" : "no") + " cls=" + d.slabClass() + " size=" + d.size());
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

  private static void flag(ByteBuf buf, char flag, String value) {
    buf.writeByte(' ');
    buf.writeByte(flag);
    ascii(buf, value);
  }

  private static void opaque(ByteBuf buf, MetaFrame frame) {
    buf.writeByte(' ');
    buf.writeBytes(frame.opaque());
  }

  private static void key(ByteBuf buf, byte[] key, boolean binary) {
    buf.writeByte(' ');
    buf.writeByte('k');
    if (binary) {
      buf.writeBytes(Base64Keys.encode(key));
      ascii(buf, " b");
    } else {
      buf.writeBytes(key);
    }
  }

  private static void ascii(ByteBuf buf, String s) {
    ByteBufUtil.writeAscii(buf, s);
  }
}
