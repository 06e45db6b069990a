package io.safecached.server;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.safecached.security.AccessPolicy;
import io.safecached.store.stats.Counter;
import io.safecached.store.stats.Counters;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;

/**
 * Asks the {@link AccessPolicy} whether a new TCP or TLS connection's source may connect ({@code --allow}): one
 * from any other address is closed at accept, before a byte is read or written, and counted in
 * {@code rejected_by_allowlist}. The first handler of every pipeline (before TLS).
 */
@Sharable
final class AccessFilter extends ChannelInboundHandlerAdapter {
  private static final System.Logger LOG = System.getLogger("io.safecached.server");

  private final AccessPolicy policy;
  private final AccessPolicy.Listener listener;
  private final Counters counters;

  AccessFilter(AccessPolicy policy, AccessPolicy.Listener listener, Counters counters) {
    this.policy = policy;
    this.listener = listener;
    this.counters = counters;
  }

  @Override
  public void channelRegistered(ChannelHandlerContext ctx) {
    if (ctx.channel().remoteAddress() instanceof InetSocketAddress remote && remote.getAddress() != null
        && !policy.admit(remote.getAddress(), listener).served()) {
      counters.increment(Counter.REJECTED_BY_ALLOWLIST);
      LOG.log(Level.DEBUG, () -> "closed " + listener + " connection from " + Connections.format(remote)
          + ": not in --allow");
      ctx.channel().config().setAutoRead(false);
      ctx.close();
      return;
    }
    ctx.pipeline().remove(this);
    ctx.fireChannelRegistered();
  }
}
