package io.safecached.server.metrics;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The Prometheus endpoint of {@code serve --metrics}: HTTP/1.1 on the server's own event loops, one request per
 * connection, {@code GET /metrics} only.
 *
 * <p>Every input a peer controls is bounded before it is buffered: the request line (4 KiB), the headers
 * (8 KiB), a body (none accepted: 1 KiB at most, then 413), connections at once ({@value #MAX_CONNECTIONS}; more
 * are closed at accept) and time (a connection is closed {@value #DEADLINE_MILLIS} ms after it opened, answered
 * or not). A connection first gets the data port's allowlist filter ({@code --allow}) and TLS handler (same
 * certificate, reloads, handshake counting); with a users file, basic auth is checked by {@link Login} against the same users and brute-force
 * guard as the data port. Scrapes run on one thread of their own, never on a network thread.
 */
public final class MetricsServer implements AutoCloseable {
  /** Metrics connections open at once at most. */
  static final int MAX_CONNECTIONS = 16;
  /** How long a metrics connection may stay open, whatever it does. */
  static final long DEADLINE_MILLIS = 15_000;
  static final int MAX_INITIAL_LINE = 4096;
  static final int MAX_HEADER_SIZE = 8192;
  static final int MAX_BODY = 1024;

  private final Channel listener;
  /** Open metrics connections, closed with the endpoint before its scrape thread stops. */
  private final ChannelGroup connections;
  private final EventExecutorGroup scrapes;
  private final boolean tls;
  private final boolean authenticates;

  private MetricsServer(Channel listener, ChannelGroup connections, EventExecutorGroup scrapes, boolean tls,
                        boolean authenticates) {
    this.listener = listener;
    this.connections = connections;
    this.scrapes = scrapes;
    this.tls = tls;
    this.authenticates = authenticates;
  }

  /**
   * Binds {@code address} and serves metrics from {@code stats} and {@code events}. {@code front} puts the data
   * port's first handlers on a new connection (the allowlist filter, the TLS handler; null: none); {@code tls}
   * says whether it adds TLS; {@code login} checks basic auth (null: none asked).
   */
  public static MetricsServer start(InetSocketAddress address, EventLoopGroup boss, EventLoopGroup workers,
                                    Class<? extends ServerChannel> channelClass, Consumer<Channel> front,
                                    boolean tls, Login login, StatsReader stats, SecurityEvents events)
      throws IOException {
    return start(address, boss, workers, channelClass, front, tls, login, stats, events, MAX_CONNECTIONS,
        DEADLINE_MILLIS);
  }

  /** As the public {@code start}, with the connection bounds given (tests shorten them). */
  static MetricsServer start(InetSocketAddress address, EventLoopGroup boss, EventLoopGroup workers,
                             Class<? extends ServerChannel> channelClass, Consumer<Channel> front, boolean tls,
                             Login login, StatsReader stats, SecurityEvents events, int maxConnections,
                             long deadlineMillis) throws IOException {
    EventExecutorGroup scrapes = new DefaultEventExecutorGroup(1, r -> {
      Thread t = new Thread(r, "safecached-metrics");
      t.setDaemon(true);
      return t;
    });
    MetricsHandler handler = new MetricsHandler(new Scraper(stats, events), scrapes, login, events);
    AtomicInteger open = new AtomicInteger();
    // stays closed: a connection accepted as close() runs, registered after it, is closed as it joins
    ChannelGroup connections = new DefaultChannelGroup("safecached-metrics", GlobalEventExecutor.INSTANCE, true);
    ServerBootstrap b = new ServerBootstrap()
        .group(boss, workers)
        .channel(channelClass)
        .option(ChannelOption.SO_BACKLOG, 64)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childHandler(new ChannelInitializer<>() {
          @Override
          protected void initChannel(Channel ch) {
            if (open.incrementAndGet() > maxConnections) {
              open.decrementAndGet();
              ch.close();
              return;
            }
            ScheduledFuture<?> deadline = ch.eventLoop().schedule(() -> ch.close(), deadlineMillis,
                TimeUnit.MILLISECONDS);
            ch.closeFuture().addListener(f -> {
              open.decrementAndGet();
              deadline.cancel(false);
            });
            connections.add(ch);
            if (front != null) {
              front.accept(ch);
            }
            addHttp(ch.pipeline(), handler);
          }
        });
    try {
      Channel listener = b.bind(address).sync().channel();
      return new MetricsServer(listener, connections, scrapes, tls, login != null);
    } catch (Exception e) {
      scrapes.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      throw new IOException("failed to listen for metrics on " + address + ": " + reason, e);
    }
  }

  /** The HTTP codec with its bounds, then {@code handler}. */
  static void addHttp(ChannelPipeline p, ChannelHandler handler) {
    p.addLast("http", new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADER_SIZE, MAX_HEADER_SIZE));
    p.addLast("aggregate", new HttpObjectAggregator(MAX_BODY));
    p.addLast("metrics", handler);
  }

  /** The address bound (with the real port when 0 was asked for). */
  public InetSocketAddress address() {
    return (InetSocketAddress) listener.localAddress();
  }

  /** One phrase for the start-up line, e.g. {@code https://127.0.0.1:9150/metrics (basic auth)}. */
  public String describe() {
    InetSocketAddress a = address();
    String host = a.getAddress().getHostAddress();
    return (tls ? "https://" : "http://") + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort()
        + MetricsHandler.PATH + (authenticates ? " (basic auth)" : "");
  }

  @Override
  public void close() {
    listener.close().syncUninterruptibly();
    connections.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    scrapes.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }
}
