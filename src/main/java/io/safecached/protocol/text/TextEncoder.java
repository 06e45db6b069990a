package io.safecached.protocol.text;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import io.safecached.command.Result;
import io.safecached.protocol.meta.MetaEncoder;
import io.safecached.protocol.meta.MetaFrame;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Writes {@link Result}s as memcached's text protocol replies, and meta replies through {@link MetaEncoder}.
 *
 * <p>Fixed replies are shared read-only buffers. Small values are copied next to their {@code VALUE} line;
 * large values are wrapped, not copied, so a 1 MB value costs no extra copy on its way out.
 */
@Sharable
public final class TextEncoder extends MessageToMessageEncoder<Result> {
  /** Values at least this large are sent from the item's own array instead of being copied. */
  private static final int WRAP_THRESHOLD = 2048;
  private static final ByteBuf END = constant("END\r\n");
  private static final byte[] VALUE_PREFIX = "VALUE ".getBytes(StandardCharsets.US_ASCII);
  private static final Map<Result.Status, ByteBuf> STATUS = new EnumMap<>(Result.Status.class);

  static {
    for (Result.Status s : Result.Status.values()) {
      String line = s == Result.Status.MEMLIMIT_TOO_SMALL
          ? "MEMLIMIT_TOO_SMALL cannot set maxbytes to less than 8m" : s.name();
      STATUS.put(s, constant(line + "\r\n"));
    }
  }

  public TextEncoder() {
    super(Result.class);
  }

  private static ByteBuf constant(String s) {
    return Unpooled.unreleasableBuffer(
        Unpooled.directBuffer(s.length()).writeBytes(s.getBytes(StandardCharsets.US_ASCII)).asReadOnly());
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, Result result, List<Object> out) {
    encode(ctx.alloc(), result, out);
  }

  /** Writes one result's reply bytes (nothing for Close and None), for transports without a pipeline (UDP). */
  public static void encode(ByteBufAllocator alloc, Result result, List<Object> out) {
    if (result instanceof Result.Status s) {
      out.add(STATUS.get(s).duplicate());
    } else if (result instanceof Result.Values v) {
      out.add(values(alloc, v));
    } else if (result instanceof Result.Number n) {
      out.add(line(alloc, Long.toUnsignedString(n.value())));
    } else if (result instanceof Result.Version v) {
      out.add(line(alloc, "VERSION " + v.version()));
    } else if (result instanceof Result.Stats s) {
      ByteBuf buf = alloc.buffer(s.stats().size() * 32 + 5);
      for (Result.Stat stat : s.stats()) {
        ascii(buf, "STAT ");
        ascii(buf, stat.name());
        buf.writeByte(' ');
        ascii(buf, stat.value());
        buf.writeShort(0x0d0a);
      }
      buf.writeBytes(END.duplicate());
      out.add(buf);
    } else if (result instanceof Result.Error e) {
      out.add(line(alloc, e.line()));
    } else if (result instanceof Result.ClientError e) {
      out.add(line(alloc, "CLIENT_ERROR " + e.message()));
    } else if (result instanceof Result.ServerError e) {
      out.add(line(alloc, "SERVER_ERROR " + e.message()));
    } else if (result instanceof Result.Framed f) {
      // a meta reply; errors framed by a meta command are written as plain text lines
      MetaFrame frame = f.frame() instanceof MetaFrame m ? m : null;
      if (!MetaEncoder.encode(alloc, f.result(), frame, out)) {
        encode(alloc, f.result(), out);
      }
    } else {
      MetaEncoder.encode(alloc, result, null, out);
    }
    // Close and None write nothing; the handler acts on them before they get here
  }

  private static ByteBuf line(ByteBufAllocator alloc, String text) {
    ByteBuf buf = alloc.buffer(text.length() + 2);
    ascii(buf, text);
    buf.writeShort(0x0d0a);
    return buf;
  }

  private static void ascii(ByteBuf buf, String s) {
    ByteBufUtil.writeAscii(buf, s);
  }

  private static ByteBuf values(ByteBufAllocator alloc, Result.Values v) {
    if (v.hits().isEmpty()) {
      return END.duplicate();
    }
    CompositeByteBuf composite = null;
    ByteBuf current = alloc.buffer(256);
    for (Result.Hit hit : v.hits()) {
      byte[] value = hit.value();
      current.writeBytes(VALUE_PREFIX);
      current.writeBytes(hit.key());
      current.writeByte(' ');
      ascii(current, Integer.toUnsignedString(hit.flags()));
      current.writeByte(' ');
      ascii(current, Integer.toString(value.length));
      if (v.withCas()) {
        current.writeByte(' ');
        ascii(current, Long.toUnsignedString(hit.cas()));
      }
      current.writeShort(0x0d0a);
      if (value.length >= WRAP_THRESHOLD) {
        if (composite == null) {
          composite = alloc.compositeBuffer(Integer.MAX_VALUE);
        }
        composite.addComponent(true, current);
        composite.addComponent(true, Unpooled.wrappedBuffer(value));
        current = alloc.buffer(256);
        current.writeShort(0x0d0a);
      } else {
        current.writeBytes(value);
        current.writeShort(0x0d0a);
      }
    }
    current.writeBytes(END.duplicate());
    if (composite == null) {
      return current;
    }
    composite.addComponent(true, current);
    return composite;
  }
}
