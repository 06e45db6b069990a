package io.safecached.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.AttributeKey;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.safecached.command.Result.Stat;
import io.safecached.store.Clock;
import io.safecached.store.stats.Counter;
import io.safecached.store.stats.Counters;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every open client connection: enforces {@code -c} at accept, numbers connections, and answers
 * {@code stats conns}. The first handler of each connection's pipeline.
 */
@Sharable
final class Connections extends ChannelInboundHandlerAdapter {
  static final byte[] TOO_MANY = "ERROR Too many open connections\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final AttributeKey<Info> INFO = AttributeKey.valueOf("safecached.connection");

  /** What is known about one connection. */
  static final class Info {
    final long id;
    final Channel channel;
    volatile long lastCommandMillis;

    Info(long id, Channel channel, long now) {
      this.id = id;
      this.channel = channel;
      this.lastCommandMillis = now;
    }
  }

  private final int maxConnections;
  private final Counters counters;
  private final Clock clock;
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicLong ids = new AtomicLong();
  private final Map<Long, Info> byId = new ConcurrentHashMap<>();
  /**
   * Connections refused for {@code -c} whose one-line reply is still going out: they close themselves once it
   * is written (and leave the group then), and {@link #closeAll} closes them too (a stop must not leave one open).
   */
  private final ChannelGroup refusing = new DefaultChannelGroup("safecached-refused", GlobalEventExecutor.INSTANCE);
  private final ConnectionLog log;

  Connections(int maxConnections, Counters counters, Clock clock, ConnectionLog log) {
    this.maxConnections = maxConnections;
    this.counters = counters;
    this.clock = clock;
    this.log = log;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    counters.increment(Counter.TOTAL_CONNECTIONS);
    if (open.incrementAndGet() > maxConnections) {
      open.decrementAndGet();
      counters.increment(Counter.REJECTED_CONNECTIONS);
      Channel ch = ctx.channel();
      ch.config().setAutoRead(false);
      refusing.add(ch);
      ctx.writeAndFlush(ctx.alloc().buffer(TOO_MANY.length).writeBytes(TOO_MANY))
          .addListener(ChannelFutureListener.CLOSE);
      return;
    }
    Info info = new Info(ids.incrementAndGet(), ctx.channel(), clock.millis());
    ctx.channel().attr(INFO).set(info);
    byId.put(info.id, info);
    log.opened(ctx.channel(), info.id);
    ctx.fireChannelActive();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    Info info = ctx.channel().attr(INFO).getAndSet(null);
    if (info != null) {
      byId.remove(info.id);
      open.decrementAndGet();
      log.closed(ctx.channel(), info.id);
      ctx.fireChannelInactive();
    }
  }

  /** Marks that a connection ran a command now (for {@code secs_since_last_cmd}). */
  void commandSeen(Channel channel) {
    Info info = channel.attr(INFO).get();
    if (info != null) {
      info.lastCommandMillis = clock.millis();
    }
  }

  /** The number of {@code channel}'s connection (as in {@code stats conns}), 0 when it is not counted. */
  long id(Channel channel) {
    Info info = channel.attr(INFO).get();
    return info == null ? 0 : info.id;
  }

  /** The channels of the client connections open now. */
  List<Channel> channels() {
    List<Channel> out = new ArrayList<>(byId.size());
    for (Info info : byId.values()) {
      out.add(info.channel);
    }
    return out;
  }

  /** Client connections open now. */
  int open() {
    return open.get();
  }

  /**
   * Reply bytes queued for peers that have not read them yet, over every open connection (TLS: the encrypted
   * bytes). Each connection stops being read at the write-buffer high-water mark, so this stays below the open
   * connections times that mark plus one reply each.
   */
  long outboundBytes() {
    long total = 0;
    for (Info info : byId.values()) {
      ChannelOutboundBuffer out = info.channel.unsafe().outboundBuffer();
      if (out != null) {
        total += out.totalPendingWriteBytes();
      }
    }
    return total;
  }

  /** Connections not being read because their peer does not read the replies (back-pressure). */
  int pausedReading() {
    int n = 0;
    for (Info info : byId.values()) {
      if (!info.channel.config().isAutoRead()) {
        n++;
      }
    }
    return n;
  }

  /**
   * Closes every client connection, those refused for {@code -c} still sending their reply too, and waits, up to
   * {@code timeoutMillis} in all, until each socket is closed. The wait matters before the event loops stop:
   * io_uring closes a socket only once its outstanding reads and writes are cancelled, which takes a turn of its
   * event loop; a loop shut down before that turn leaves the socket open, and its client waiting on a server that
   * is gone.
   */
  void closeAll(long timeoutMillis) {
    List<Future<?>> closing = new ArrayList<>(byId.size() + 1);
    for (Info info : byId.values()) {
      closing.add(info.channel.close());
    }
    closing.add(refusing.close());
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    for (Future<?> f : closing) {
      f.awaitUninterruptibly(Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
    }
  }

  /** {@code stats conns}: the listeners, then each open connection, in memcached's format. */
  List<Stat> stats(List<InetSocketAddress> listeners) {
    List<Stat> out = new ArrayList<>();
    long now = clock.millis();
    int n = 0;
    for (InetSocketAddress l : listeners) {
      String id = "listen" + n++;
      out.add(new Stat(id + ":addr", "tcp:" + format(l)));
      out.add(new Stat(id + ":state", "conn_listening"));
    }
    byId.values().stream().sorted((a, b) -> Long.compare(a.id, b.id)).forEach(info -> {
      out.add(new Stat(info.id + ":addr", "tcp:" + format(info.channel.remoteAddress())));
      out.add(new Stat(info.id + ":listen_addr", "tcp:" + format(info.channel.localAddress())));
      out.add(new Stat(info.id + ":state", "conn_parse_cmd"));
      out.add(new Stat(info.id + ":secs_since_last_cmd", Long.toString((now - info.lastCommandMillis) / 1000)));
    });
    return out;
  }

  /** {@code host:port}, with IPv6 hosts in RFC 5952 form and brackets. */
  static String format(SocketAddress address) {
    if (address instanceof InetSocketAddress a && a.getAddress() != null) {
      String host = NetUtil.toAddressString(a.getAddress());
      return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }
    return String.valueOf(address);
  }
}
