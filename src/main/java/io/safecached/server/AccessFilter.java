package io.safecached.server;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.safecached.config.ServerConfig;
import io.safecached.store.stats.Counter;
import io.safecached.store.stats.Counters;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;

/**
 * The source allowlist ({@code --allow}): a connection from any other address is closed at accept, before a
 * byte is read or written, and counted in {@code rejected_by_allowlist}. The first handler of every pipeline.
 */
@Sharable
final class AccessFilter extends ChannelInboundHandlerAdapter {
  private static final System.Logger LOG = System.getLogger("io.safecached.server");

  private final ServerConfig.Access access;
  private final Counters counters;

  AccessFilter(ServerConfig.Access access, Counters counters) {
    this.access = access;
    this.counters = counters;
  }

  @Override
  public void channelRegistered(ChannelHandlerContext ctx) {
    if (ctx.channel().remoteAddress() instanceof InetSocketAddress remote && !access.allows(remote.getAddress())) {
      counters.increment(Counter.REJECTED_BY_ALLOWLIST);
      LOG.log(Level.DEBUG, () -> "closed connection from " + Connections.format(remote) + ": not in --allow");
      ctx.channel().config().setAutoRead(false);
      ctx.close();
      return;
    }
    ctx.pipeline().remove(this);
    ctx.fireChannelRegistered();
  }
}
