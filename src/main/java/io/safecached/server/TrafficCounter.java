package io.safecached.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.safecached.store.stats.Counter;
import io.safecached.store.stats.Counters;

/** Counts the bytes every connection reads and writes, for {@code bytes_read} and {@code bytes_written}. */
@Sharable
final class TrafficCounter extends ChannelDuplexHandler {
  private final Counters counters;

  TrafficCounter(Counters counters) {
    this.counters = counters;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    counters.add(Counter.BYTES_READ, size(msg));
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    counters.add(Counter.BYTES_WRITTEN, size(msg));
    ctx.write(msg, promise);
  }

  private static long size(Object msg) {
    if (msg instanceof ByteBuf b) {
      return b.readableBytes();
    }
    if (msg instanceof ByteBufHolder h) {
      return h.content().readableBytes();
    }
    return 0;
  }
}
