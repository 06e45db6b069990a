package io.safecached.audit.probe;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.safecached.audit.BinaryReply;
import io.safecached.audit.Connect;
import io.safecached.audit.Observation;
import io.safecached.audit.ProbeSettings;
import io.safecached.audit.Prober;
import io.safecached.audit.RateLimiter;
import io.safecached.audit.ReadReply;
import io.safecached.audit.Target;
import io.safecached.audit.TextReply;
import io.safecached.audit.TlsReply;
import io.safecached.audit.UdpReply;
import io.safecached.audit.WriteCheck;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;

/**
 * Runs the probes of one target over Netty, asynchronously: the ASCII, binary and UDP probes start together;
 * the TLS probe runs only when the plain TCP port gave no memcached reply; the read probe ({@code get} of a random
 * key, then {@code version}) only when the port answered neither {@code stats} nor an authentication refusal
 * (a proxy such as twemproxy, which does not forward {@code stats}); the write check only with
 * {@code --write-check} on a server that served {@code stats} or that read without authentication. Every probe start
 * takes a slot from the rate limiter and gets its own deadline; timeouts are retried up to the retry count.
 * Sends nothing but those probes, and always from this host's own address.
 */
public final class NettyProber implements Prober {
  static {
    // Netty derives channel ids from a MAC address and warns on stderr when there is none (a container, a
    // network namespace with only lo); the ids only label channels, so random bytes do as well, silently.
    if (System.getProperty("io.netty.machineId") == null) {
      byte[] id = new byte[8];
      new SecureRandom().nextBytes(id);
      System.setProperty("io.netty.machineId", HexFormat.ofDelimiter(":").formatHex(id));
    }
  }

  private final ProbeSettings settings;
  private final EventLoopGroup group;
  /** Linux's native transport when it loads (fewer allocations and system calls per probe), else NIO. */
  private final boolean epoll;
  private final RateLimiter limiter;
  private final SecureRandom random = new SecureRandom();
  /** Built off the event loop, in the background: JDK TLS start-up takes long enough to stall probes. */
  private final CompletableFuture<SslContext> sslContext;

  public NettyProber(ProbeSettings settings) {
    this(settings, new RateLimiter(settings.rate(), System::nanoTime));
  }

  /** A prober with an explicit rate limiter (tests). */
  public NettyProber(ProbeSettings settings, RateLimiter limiter) {
    this.settings = settings;
    this.limiter = limiter;
    this.epoll = Epoll.isAvailable();
    this.group = new MultiThreadIoEventLoopGroup(2, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    this.sslContext = CompletableFuture.supplyAsync(() -> {
      try {
        return SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE).build();
      } catch (SSLException e) {
        throw new IllegalStateException("cannot create a TLS client context: " + e.getMessage(), e);
      }
    });
  }

  @Override
  public CompletableFuture<Observation> probe(Target t) {
    InetSocketAddress remote = new InetSocketAddress(t.address(), t.port());
    // The binary probe needs a second connection only when the port accepted the first: a closed or silent
    // port costs one TCP probe, not two, so the rate buys targets rather than refusals.
    CompletableFuture<Boolean> accepted = new CompletableFuture<>();
    CompletableFuture<TextReply> text = t.tcp()
        ? retried(() -> tcp(remote, d -> new TextProbe(d, settings.maxReplyBytes(), true), accepted),
            r -> r.connect() == Connect.NO_ANSWER, TextReply::failed)
        : CompletableFuture.completedFuture(null);
    text.whenComplete((r, e) -> accepted.complete(r != null && r.connect() == Connect.OPEN));
    CompletableFuture<BinaryReply> binary = !t.tcp() ? CompletableFuture.completedFuture(null)
        : accepted.thenCompose(open -> open
            ? retried(() -> tcp(remote, d -> new BinaryProbe(d, settings.maxReplyBytes()), null),
                r -> r.connect() == Connect.NO_ANSWER, (c, why) -> BinaryReply.failed(c))
            : text.thenApply(tx -> BinaryReply.failed(tx == null ? Connect.NOT_PROBED : tx.connect())));
    CompletableFuture<UdpReply> udp = t.udp()
        ? retried(() -> udp(remote), r -> r.connect() == Connect.NO_ANSWER,
            (c, why) -> UdpReply.silent(c, UdpProbe.requestBytes(), t.address() instanceof Inet6Address))
        : CompletableFuture.completedFuture(null);
    CompletableFuture<TlsReply> tls = text.thenCombine(binary, (tx, bn) -> new Object[] {tx, bn})
        .thenCompose(pair -> {
          TextReply tx = (TextReply) pair[0];
          BinaryReply bn = (BinaryReply) pair[1];
          boolean open = (tx != null && tx.connect() == Connect.OPEN) || (bn != null && bn.connect() == Connect.OPEN);
          boolean memcached = (tx != null && tx.answered()) || (bn != null && bn.answered());
          return open && !memcached && !(tx != null && tx.foreign()) ? tls(t, remote)
              : CompletableFuture.completedFuture(null);
        });
    CompletableFuture<ReadReply> read = text.thenCombine(binary, NettyProber::needsReadProbe)
        .thenCompose(needed -> needed
            ? retried(() -> tcp(remote, d -> new ReadProbe(d, randomKey(), settings.maxReplyBytes()), null),
                r -> r.connect() == Connect.NO_ANSWER, ReadReply::failed)
            : CompletableFuture.completedFuture(null));
    CompletableFuture<WriteCheck> write = text.thenCompose(tx -> !settings.writeCheck() || tx == null
        ? CompletableFuture.completedFuture(null)
        : tx.unauthenticated() ? writeCheck(remote)
        : read.thenCompose(rd -> rd != null && rd.readAccepted() ? writeCheck(remote)
            : CompletableFuture.completedFuture(null)));
    return CompletableFuture.allOf(text, binary, udp, tls, read, write)
        .thenApply(v -> new Observation(text.join(), binary.join(), tls.join(), read.join(), udp.join(),
            write.join(), null))
        .exceptionally(e -> Observation.error("internal error: " + e));
  }

  /**
   * The read probe runs on a port that accepted the connection but neither served {@code stats} nor refused it
   * for want of authentication (text {@code CLIENT_ERROR}, binary auth error or SASL mechanisms), and did not
   * answer with something other than memcached (HTTP, an SSH banner): closed on {@code stats}, silent, or
   * {@code ERROR}.
   */
  static boolean needsReadProbe(TextReply tx, BinaryReply bn) {
    if (tx == null || tx.connect() != Connect.OPEN || tx.unauthenticated() || tx.authRequired() || tx.foreign()) {
      return false;
    }
    return bn == null || !(bn.authRequired() || !bn.saslMechanisms().isEmpty() || bn.noopAnswered());
  }

  /** A key that exists nowhere: the audit's prefix and 96 random bits. */
  private String randomKey() {
    byte[] k = new byte[12];
    random.nextBytes(k);
    return "safecached-audit-" + HexFormat.of().formatHex(k);
  }

  /** Runs a probe, again up to {@code retries} times while {@code again} holds; failures become results. */
  private <T> CompletableFuture<T> retried(Supplier<CompletableFuture<T>> attempt, java.util.function.Predicate<T>
      again, FailureMapper<T> onFailure) {
    CompletableFuture<T> out = new CompletableFuture<>();
    attempt(attempt, again, onFailure, settings.retries(), out);
    return out;
  }

  private <T> void attempt(Supplier<CompletableFuture<T>> attempt, java.util.function.Predicate<T> again,
                           FailureMapper<T> onFailure, int left, CompletableFuture<T> out) {
    attempt.get().handle((r, e) -> e == null ? r
            : onFailure.map(ConnectFailure.classify(e), ConnectFailure.describe(e)))
        .thenAccept(r -> {
          if (left > 0 && again.test(r)) {
            attempt(attempt, again, onFailure, left - 1, out);
          } else {
            out.complete(r);
          }
        });
  }

  /** Builds the result of a probe that failed before or while connecting. */
  @FunctionalInterface
  private interface FailureMapper<T> {
    T map(Connect connect, String detail);
  }

  /** Waits for a rate-limit slot, then runs {@code start} on the event loop. */
  private <T> CompletableFuture<T> later(Supplier<CompletableFuture<T>> start) {
    long delay = limiter.reserve();
    CompletableFuture<T> out = new CompletableFuture<>();
    Runnable r = () -> {
      try {
        start.get().whenComplete((v, e) -> {
          if (e != null) {
            out.completeExceptionally(e);
          } else {
            out.complete(v);
          }
        });
      } catch (RuntimeException e) {
        out.completeExceptionally(e);
      }
    };
    if (delay <= 0) {
      group.execute(r);
    } else {
      group.schedule(r, delay, TimeUnit.NANOSECONDS);
    }
    return out;
  }

  private long deadline() {
    return System.nanoTime() + settings.timeout().toNanos();
  }

  private int timeoutMillis() {
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, settings.timeout().toMillis()));
  }

  /** A TCP probe; {@code accepted} (may be null) is completed with true once the connection is established. */
  private <T> CompletableFuture<T> tcp(InetSocketAddress remote, Function<Long, Exchange<T>> handler,
                                       CompletableFuture<Boolean> accepted) {
    return later(() -> {
      Exchange<T> h = handler.apply(deadline());
      return connect(remote, h, h, accepted);
    });
  }

  private <T> CompletableFuture<T> connect(InetSocketAddress remote, ChannelHandler pipeline, Exchange<T> h,
                                           CompletableFuture<Boolean> accepted) {
    Bootstrap b = new Bootstrap().group(group).channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, timeoutMillis())
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(pipeline);
    ChannelFuture f = b.connect(remote);
    f.addListener(c -> {
      if (!c.isSuccess()) {
        h.result.completeExceptionally(c.cause());
      } else if (accepted != null) {
        accepted.complete(true);
      }
    });
    return h.result;
  }

  private CompletableFuture<UdpReply> udp(InetSocketAddress remote) {
    return later(() -> {
      UdpProbe h = new UdpProbe(deadline(), random.nextInt(0x10000), settings.maxReplyBytes(),
          remote.getAddress() instanceof Inet6Address);
      Bootstrap b = new Bootstrap().group(group)
          .channel(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class).handler(h);
      b.connect(remote).addListener(c -> {
        if (!c.isSuccess()) {
          h.result.completeExceptionally(c.cause());
        }
      });
      return h.result;
    });
  }

  private CompletableFuture<WriteCheck> writeCheck(InetSocketAddress remote) {
    String key = randomKey();
    String value = "audit-" + key.substring(key.length() - 12);
    return tcp(remote, d -> new WriteProbe(d, key, value, settings.maxReplyBytes()), null)
        .exceptionally(e -> new WriteCheck(false, false, false, ConnectFailure.describe(e)));
  }

  private CompletableFuture<TlsReply> tls(Target t, InetSocketAddress remote) {
    return sslContext.thenComposeAsync(ctx -> later(() -> {
      TextProbe text = new TextProbe(deadline(), settings.maxReplyBytes(), false);
      TlsWatcher watcher = new TlsWatcher(text);
      ChannelInitializer<Channel> init = new ChannelInitializer<>() {
        @Override
        protected void initChannel(Channel ch) {
          SslHandler ssl = ctx.newHandler(ch.alloc(), t.host(), t.port());
          ssl.setHandshakeTimeoutMillis(timeoutMillis());
          ch.pipeline().addLast(ssl, watcher, text);
        }
      };
      return connect(remote, init, text, null).handle((r, e) -> watcher.handshake
          ? new TlsReply(true, watcher.protocol, e == null ? r : null)
          : new TlsReply(false, null, null));
    }), group).exceptionally(e -> new TlsReply(false, null, null));
  }

  /** Records the handshake outcome and starts the ASCII probe once it succeeded. */
  private static final class TlsWatcher extends ChannelInboundHandlerAdapter {
    private final TextProbe text;
    private volatile boolean handshake;
    private volatile String protocol;

    TlsWatcher(TextProbe text) {
      this.text = text;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
      if (evt instanceof SslHandshakeCompletionEvent e) {
        if (e.isSuccess()) {
          handshake = true;
          protocol = ctx.pipeline().get(SslHandler.class).engine().getSession().getProtocol();
          text.start(ctx.pipeline().context(text));
        } else {
          text.finish(false);
        }
      }
      super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.fireExceptionCaught(cause);
    }
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }
}
