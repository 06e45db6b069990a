package io.safecached.audit.probe;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;

/**
 * Base of the ASCII probes: what arrives goes through a bounded {@link LineBuffer}, each complete line to
 * {@link #line}, and {@link #overflow} is called when the byte budget or a line's length is exceeded.
 */
abstract class LineExchange<T> extends Exchange<T> {
  final LineBuffer lines;

  LineExchange(long deadlineNanos, int maxBytes) {
    super(deadlineNanos);
    this.lines = new LineBuffer(maxBytes);
  }

  /** One complete line, without its line end. */
  abstract void line(ChannelHandlerContext ctx, String l);

  /**
   * The peer sent too much: {@code full} when the byte budget is used up, else a line grew past
   * {@link LineBuffer#MAX_LINE}. Must finish the exchange.
   */
  abstract void overflow(boolean full);

  static void send(ChannelHandlerContext ctx, String s) {
    ctx.writeAndFlush(Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII));
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (!(msg instanceof ByteBuf buf) || result.isDone()) {
        return;
      }
      lines.add(buf);
      lines.drain(l -> line(ctx, l), result::isDone);
      if (!result.isDone() && lines.lineTooLong()) {
        overflow(false);
      }
      if (!result.isDone() && lines.full()) {
        overflow(true);
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }
}
