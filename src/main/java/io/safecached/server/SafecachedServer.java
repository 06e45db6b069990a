package io.safecached.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.PlatformDependent;
import io.safecached.command.Command;
import io.safecached.command.CommandExecutor;
import io.safecached.command.ItemSize;
import io.safecached.command.PrefixStats;
import io.safecached.command.Result;
import io.safecached.command.Result.Stat;
import io.safecached.command.ServerContext;
import io.safecached.config.Cidr;
import io.safecached.config.ConfigException;
import io.safecached.config.ServerConfig;
import io.safecached.protocol.ProtocolLimits;
import io.safecached.protocol.ValueBudget;
import io.safecached.protocol.binary.BinaryDecoder;
import io.safecached.protocol.binary.BinaryEncoder;
import io.safecached.protocol.text.TextDecoder;
import io.safecached.protocol.text.TextEncoder;
import io.safecached.security.AccessPolicy;
import io.safecached.security.UdpGuard;
import io.safecached.server.metrics.MetricsServer;
import io.safecached.server.udp.UdpListeners;
import io.safecached.server.udp.UdpRequestHandler;
import io.safecached.store.Clock;
import io.safecached.store.OffHeapStore;
import io.safecached.store.stats.Counter;
import io.safecached.store.stats.Counters;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.math.BigDecimal;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/** A running safecached server: its listeners, store and threads. Start with {@link #start}, stop with close. */
public final class SafecachedServer implements AutoCloseable {
  /** safecached's own version. */
  public static final String VERSION = versionOf(SafecachedServer.class.getPackage().getImplementationVersion());
  /**
   * What {@code version} reports: the memcached release whose protocol we follow, then our own version, so
   * clients that parse {@code major.minor.micro} keep working and tools can still tell us apart.
   */
  public static final String PROTOCOL_VERSION = "1.6.45-safecached-" + VERSION;

  private static final System.Logger LOG = System.getLogger("io.safecached.server");
  /** The largest item (as memcached counts it) read before a login: a {@code user password} login fits. */
  static final int LOGIN_ITEM_SIZE = 2048;
  /**
   * The largest buffer a read asks for: the largest that Netty's adaptive allocator pools while the heap is
   * under 512 MB (its low-memory mode, which the launcher's heap puts it in). Larger ones (its default reaches
   * 64 KB after a few 16 KB values) are allocated, zeroed and freed for every read.
   */
  static final int READ_BUFFER_MAX = 16 * 1024;
  /** Outbound bytes per connection at which reading from it pauses, and at which it resumes. */
  private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(512 * 1024, 2 * 1024 * 1024);
  /** Direct memory left for the transport's buffers besides the items, at the least. */
  static final long MIN_TRANSPORT_MEMORY = 16L << 20;

  /** How often the store's crawler takes a step reclaiming expired and flushed items. */
  private static final long CRAWL_PERIOD_MILLIS = 2_000;

  private final ServerConfig config;
  /** Gets an OutOfMemoryError (or another VirtualMachineError) seen on a connection; the cli halts the JVM. */
  private final Consumer<Throwable> onFatal;
  private final Clock clock = Clock.SYSTEM;
  private final Counters counters = new Counters();
  private final OffHeapStore store;
  private final Connections connections;
  private final CommandExecutor executor;
  private final ProtocolLimits limits;
  /** Reply bytes queued over all connections: at most a quarter of the direct memory. */
  private final OutboundPressure outbound;
  /** Values still arriving are reserved in the store, within its limit and its cap for them. */
  private final ValueBudget valueBudget;
  private final TextEncoder textEncoder = new TextEncoder();
  private final BinaryEncoder binaryEncoder = new BinaryEncoder();
  private final AccessPolicy policy;
  private final AccessFilter tcpFilter;
  private final AccessFilter tlsFilter;
  private final ServerSecurity security;
  private final Traffic traffic = new Traffic();
  /** {@code -v}: connections opened and closed; {@code -vv}: commands and replies. */
  private final ConnectionLog connectionLog = new ConnectionLog(System::nanoTime);
  private final EventLoopGroup bossGroup;
  private final EventLoopGroup workerGroup;
  private final NettyTransport transport;
  private final List<Channel> listeners = new ArrayList<>();
  private volatile UdpListeners udp;
  private volatile MetricsServer metrics;
  private final CompletableFuture<Void> termination = new CompletableFuture<>();
  private final AtomicBoolean closing = new AtomicBoolean();
  private final long startMillis;
  private volatile int verbosity;
  /** {@code stats detail}'s counters, off unless {@code -D} turned them on. */
  private final PrefixStats prefixStats;

  private SafecachedServer(ServerConfig config, Consumer<Throwable> onFatal) {
    this.config = config;
    this.onFatal = onFatal;
    // first of all: nothing is started when the items cannot have their memory
    long regionBytes = config.memoryFile() == null ? config.memoryLimitBytes() : 0;
    long direct = jvmMaxDirectMemory();
    if (regionBytes > direct - MIN_TRANSPORT_MEMORY) {
      throw new ConfigException("-m " + (config.memoryLimitBytes() >> 20)
          + " does not fit in the JVM's direct memory (" + (direct >> 20) + " MB), where items live: give it at least "
          + ((regionBytes + MIN_TRANSPORT_MEMORY) >> 20)
          + " MB with SAFECACHED_JAVA_OPTS=-XX:MaxDirectMemorySize=<size>m (bin/safecached sizes it from -m)");
    }
    this.transport = NettyTransport.select(config.transport()); // a transport this machine lacks starts nothing
    this.security = ServerSecurity.start(config, counters); // first: a bad users file or certificate starts nothing
    this.verbosity = config.verbosity();
    this.prefixStats = new PrefixStats(config.compat().prefixDelimiter(), config.compat().detailEnabled());
    this.startMillis = clock.millis();
    this.store = config.memoryFile() == null
        ? new OffHeapStore(config.memoryLimitBytes(), config.maxItemSize(), clock, counters,
            ForkJoinPool.commonPool())
        : OffHeapStore.withMemoryFile(config.memoryLimitBytes(), config.maxItemSize(), clock, counters,
            ForkJoinPool.commonPool(), config.memoryFile());
    if (config.memoryFile() != null) {
      String note = store.restartNote();
      LOG.log(note == null ? Level.INFO : Level.WARNING, note == null
          ? "warm restart from " + config.memoryFile() + ": " + store.itemCount() + " items"
          : "memory file " + config.memoryFile() + ": " + note);
    }
    store.startCrawler(CRAWL_PERIOD_MILLIS);
    this.valueBudget = ValueBudget.of(store::reserve, store::release);
    this.connections = new Connections(config.maxConnections(), counters, clock, connectionLog);
    this.policy = AccessPolicy.of(config, System::nanoTime);
    this.tcpFilter = new AccessFilter(policy, AccessPolicy.Listener.TCP, counters);
    this.tlsFilter = new AccessFilter(policy, AccessPolicy.Listener.TLS, counters);
    this.executor = new CommandExecutor(store, new Context());
    this.limits = new ProtocolLimits(ProtocolLimits.MAX_KEY_LENGTH, config.maxLineLength(),
        config.maxMultigetLineLength(), ItemSize.limit(config.maxItemSize(), config.compat().casEnabled()),
        config.shutdownEnabled(), config.flushAllDisabled())
        .withSasl(security.authenticates());
    this.bossGroup = new MultiThreadIoEventLoopGroup(1, transport.acceptorIoHandler());
    this.workerGroup = new MultiThreadIoEventLoopGroup(config.threads(), transport.ioHandler().get());
    // the items' segments take -m of the direct memory when they are not mapped from a file: a quarter of the rest
    this.outbound = new OutboundPressure(connections::channels,
        Math.max(MIN_TRANSPORT_MEMORY, PlatformDependent.maxDirectMemory() - regionBytes) / 4);
    EventLoop checks = bossGroup.next();
    outbound.start((task, delayMillis) -> checks.schedule(task, delayMillis, TimeUnit.MILLISECONDS));
  }

  /**
   * The JVM's limit on direct buffers ({@code -XX:MaxDirectMemorySize}, by default the heap's maximum), as Netty
   * reads it (the JDK's own counter, else the JVM's arguments): not through {@code ManagementFactory}'s platform
   * beans, whose lookup loads about 160 JFR and JMX classes (1 MB) that nothing else here needs.
   */
  static long jvmMaxDirectMemory() {
    long n = PlatformDependent.estimateMaxDirectMemory();
    return n > 0 ? n : Runtime.getRuntime().maxMemory();
  }

  /**
   * Binds every listener of {@code config} and starts serving. Throws when any address cannot be bound; then
   * nothing is left running.
   */
  public static SafecachedServer start(ServerConfig config) throws IOException {
    return start(config, cause -> LOG.log(Level.ERROR, "fatal error on a connection", cause));
  }

  /**
   * As {@link #start(ServerConfig)}; {@code onFatal} gets any OutOfMemoryError (or other VirtualMachineError) a
   * connection runs into, and should end the process: a JVM after one can no longer be trusted to serve or to
   * stop (the {@code serve} command halts it).
   */
  public static SafecachedServer start(ServerConfig config, Consumer<Throwable> onFatal) throws IOException {
    SafecachedServer server = new SafecachedServer(config, onFatal);
    try {
      server.bind();
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e;
    }
    return server;
  }

  private void bind() throws IOException {
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(bossGroup, workerGroup)
        .channel(transport.serverChannel())
        .option(ChannelOption.SO_BACKLOG, config.compat().backlog())
        .option(ChannelOption.SO_REUSEADDR, true)
        .option(ChannelOption.ALLOCATOR, ConnectionBuffers.ALLOCATOR)
        .childOption(ChannelOption.ALLOCATOR, ConnectionBuffers.ALLOCATOR)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK);
    transport.configureChildren(bootstrap);
    List<InetSocketAddress> addresses = config.tcpAddresses();
    List<String> skipped = new ArrayList<>();
    for (int i = 0; i < addresses.size(); i++) {
      InetSocketAddress address = addresses.get(i);
      boolean tls = security.tls() && !config.tls().plaintextListeners().contains(config.listen().get(i));
      ServerBootstrap listener = bootstrap.clone().childHandler(new ChannelInitializer<SocketChannel>() {
        @Override
        protected void initChannel(SocketChannel ch) {
          initConnection(ch, tls);
        }
      });
      try {
        listeners.add(listener.bind(address).sync().channel());
      } catch (Exception e) {
        String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (isDefaultIpv6Loopback(address) && addresses.size() > 1) {
          skipped.add(Connections.format(address) + " (" + reason + ")");
          continue;
        }
        throw new IOException("failed to listen on " + Connections.format(address) + ": " + reason, e);
      }
    }
    if (listeners.isEmpty()) {
      throw new IOException("failed to listen on any address: " + String.join(", ", skipped));
    }
    for (String s : skipped) {
      LOG.log(Level.WARNING, "not listening on " + s + ": this host has no IPv6 loopback");
    }
    if (config.udpPort() != 0) {
      List<InetSocketAddress> udpAddresses = boundAddresses().stream()
          .map(a -> new InetSocketAddress(a.getAddress(), config.udpPort())).toList();
      UdpRequestHandler handler = new UdpRequestHandler(executor, limits, policy, counters, System::nanoTime);
      udp = UdpListeners.bind(udpAddresses, workerGroup, transport.datagramChannel(), ConnectionBuffers.ALLOCATOR,
          handler);
    }
    if (config.metrics() != null) {
      metrics = MetricsServer.start(config.metrics(), bossGroup, workerGroup, transport.serverChannel(), ch -> {
        if (policy.restrictsSources()) {
          ch.pipeline().addLast("allow", tcpFilter);
        }
        if (security.tls()) {
          ch.pipeline().addLast("tls", security.sslHandler(ch));
        }
      }, security.tls(), security.metricsLogin(), this::stats, security.events());
    }
  }

  /** The reply to {@code stats <group>}, as a client gets it; empty for a group with no stats. */
  private List<Stat> stats(String group) {
    return executor.respond(new Command.Stats(group)) instanceof Result.Stats s ? s.stats() : List.of();
  }

  /** Where the metrics endpoint listens (with the real port), or null when {@code --metrics} is off. */
  public InetSocketAddress metricsAddress() {
    MetricsServer m = metrics;
    return m == null ? null : m.address();
  }

  private static boolean isDefaultIpv6Loopback(InetSocketAddress a) {
    return a.getAddress() instanceof Inet6Address && a.getAddress().isLoopbackAddress();
  }

  private void initConnection(SocketChannel ch, boolean tls) {
    ChannelPipeline p = ch.pipeline();
    if (policy.restrictsSources()) {
      p.addLast("allow", tls ? tlsFilter : tcpFilter);
    }
    ch.config().setRecvByteBufAllocator(new AdaptiveRecvByteBufAllocator(64, 2048, READ_BUFFER_MAX));
    if (tls) {
      p.addLast("tls", security.sslHandler(ch));
      p.addLast("traffic", traffic.handler()); // the plaintext, as memcached counts it
    } else {
      // counted where Netty already sees every read and write: no handler on the request path
      ch.config().setRecvByteBufAllocator(traffic.countingReads(ch.config().getRecvByteBufAllocator()));
      ch.config().setMessageSizeEstimator(traffic.countingWrites(ch));
    }
    p.addLast("connections", connections);
    if (!config.idleTimeout().isZero()) {
      p.addLast("idle", new IdleStateHandler(0, 0, config.idleTimeout().toMillis(), TimeUnit.MILLISECONDS));
    }
    ProtocolDetector.install(p, p.lastContext().name(), config.protocol(), this::installText, this::installBinary);
    if (security.authenticates()) {
      p.addLast("auth", security.newGate(policy).unlocking(limits)); // unauthenticated commands never reach the handler
    }
    p.addLast("handler", new CommandHandler(executor, connections, counters, onFatal, outbound, connectionLog));
  }

  private void installText(ChannelPipeline p, String after) {
    p.addAfter(after, "decoder", new TextDecoder(connectionLimits(), valueBudget));
    p.addAfter("decoder", "encoder", textEncoder);
  }

  private void installBinary(ChannelPipeline p, String after) {
    p.addAfter(after, "decoder", new BinaryDecoder(connectionLimits(), valueBudget));
    p.addAfter("decoder", "encoder", binaryEncoder);
  }

  /**
   * Re-reads the users file and the certificates (SIGHUP): null when all went well, else the problems in one
   * line; whatever failed keeps its old users or certificates.
   */
  public String reloadSecurity() {
    return security.reload();
  }

  /**
   * The limits a new connection is read under: the configured ones, or before a login (when one is required)
   * a line of at most the line limit, get lines included, and items of at most {@link #LOGIN_ITEM_SIZE} bytes,
   * so that an unauthenticated peer holds a few kilobytes of the server's memory, not a full item.
   */
  private ProtocolLimits connectionLimits() {
    if (!security.authenticates()) {
      return limits;
    }
    return new ProtocolLimits(limits.maxKeyLength(), limits.maxLineLength(), limits.maxLineLength(),
        Math.min(LOGIN_ITEM_SIZE, limits.maxItemSize()), limits.shutdownEnabled(), limits.flushAllDisabled(),
        limits.saslEnabled());
  }

  /**
   * An OutOfMemoryError or another {@link VirtualMachineError}, also as the cause of another exception (a
   * decoder wraps what it catches): after one, no thread can be trusted to make progress, so the process must go.
   * Not fatal: a refused direct-memory allocation (Netty's {@code OutOfDirectMemoryError}, the JDK's "Direct
   * buffer memory"), which a counter refused before anything broke; the connection that asked is closed.
   */
  public static boolean isFatal(Throwable t) {
    for (int depth = 0; t != null && depth < 8; depth++, t = t.getCause()) {
      if (t instanceof VirtualMachineError) {
        return !isDirectMemoryRefusal(t);
      }
    }
    return false;
  }

  private static boolean isDirectMemoryRefusal(Throwable t) {
    String message = String.valueOf(t.getMessage());
    return t.getClass().getName().equals("io.netty.util.internal.OutOfDirectMemoryError")
        || message.startsWith("Direct buffer memory") || message.startsWith("Cannot reserve");
  }

  /**
   * Invalidates every item at once, as an immediate {@code flush_all} does, for the program that owns the server
   * (the embedded API): it is not a command, so {@code -F} does not refuse it and {@code cmd_flush} does not count it.
   */
  public void flushAll() {
    store.flushAll(store.now());
  }

  /** The addresses actually bound (with the real port when the config asked for port 0). */
  public List<InetSocketAddress> boundAddresses() {
    return listeners.stream().map(c -> (InetSocketAddress) c.localAddress()).toList();
  }

  /** One line saying what is exposed: addresses, protocols, UDP, authentication. */
  public String exposureSummary() {
    String addrs = boundAddresses().stream().map(Connections::format).collect(Collectors.joining(", "));
    boolean loopback = boundAddresses().stream().allMatch(a -> a.getAddress().isLoopbackAddress());
    ServerConfig.Access access = config.access();
    String reach = loopback ? " (loopback only)"
        : access.authenticates() || !access.allow().isEmpty()
            || (config.tls() != null && config.tls().requiresClientCertificates())
            ? " (reachable from the network)" : " (REACHABLE FROM THE NETWORK without authentication)";
    return "safecached " + VERSION + " listening on tcp " + addrs + reach
        + "; protocols: " + protocols() + "; udp: " + udpSummary()
        + "; authentication: " + (access.authenticates() ? "required (" + access.authFile() + ")" : "off")
        + (access.allow().isEmpty() ? "" : "; allowed sources: " + access.allow().stream().map(Cidr::toString)
            .collect(Collectors.joining(",")))
        + "; tls: " + (config.tls() == null ? "off" : config.tls().requiresClientCertificates()
            ? "on, client certificates required" : "on")
        + "; shutdown command: " + (config.shutdownEnabled() ? "enabled" : "disabled")
        + "; transport: " + transport.describe()
        + (metrics == null ? "" : "; metrics: " + metrics.describe());
  }

  private String protocols() {
    return switch (config.protocol()) {
      case AUTO -> "text, meta, binary";
      case ASCII -> "text, meta";
      case BINARY -> "binary";
    };
  }

  /** The UDP addresses actually bound; empty when UDP is off. */
  public List<InetSocketAddress> udpAddresses() {
    UdpListeners u = udp;
    return u == null ? List.of() : u.boundAddresses();
  }

  private String udpSummary() {
    List<InetSocketAddress> bound = udpAddresses();
    if (bound.isEmpty()) {
      return "off";
    }
    ServerConfig.UdpPolicy p = config.udp();
    return bound.stream().map(a -> NetUtil.toAddressString(a.getAddress())).collect(Collectors.joining(", "))
        + " port " + bound.get(0).getPort()
        + " (trusted: " + p.allow().stream().map(Cidr::toString).collect(Collectors.joining(", "))
        + "; others: \u2264 " + plain(p.maxAmplification()) + "x bytes, "
        + (p.writes() ? "writes allowed" : "no writes") + ")";
  }

  private static String plain(double d) {
    return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
  }

  /** Completes when the server has stopped, by {@link #close()} or by the {@code shutdown} command. */
  public CompletableFuture<Void> terminationFuture() {
    return termination;
  }

  /** Stops accepting, closes every connection and releases the threads; waits for it. */
  @Override
  public void close() {
    if (!closing.compareAndSet(false, true)) {
      termination.join();
      return;
    }
    try {
      for (Channel l : listeners) {
        l.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
      }
      UdpListeners u = udp;
      if (u != null) {
        u.close();
      }
      MetricsServer m = metrics;
      if (m != null) {
        m.close();
      }
      // a connection accepted just before its listener closed may still wait, in its worker's queue, to be
      // registered: let every worker run what it has queued, so that closeAll sees it. Run during the workers'
      // shutdown instead, the registration is refused on io_uring (the connection forcibly closed, with a logged
      // warning) and on epoll and NIO goes through after the loop closed its channels, leaving it open for good.
      // (The metrics connections' group stays closed: one that joins it now is closed at once.)
      for (EventExecutor worker : workerGroup) {
        worker.submit(() -> { }).awaitUninterruptibly(5, TimeUnit.SECONDS);
      }
      connections.closeAll(5000);
      bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
      workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
      security.close();
      store.close();
    } finally {
      termination.complete(null);
    }
  }

  private static String versionOf(String implementationVersion) {
    return implementationVersion == null ? "0.1.0" : implementationVersion;
  }

  /** The server as the command layer sees it. */
  private final class Context implements ServerContext {
    @Override
    public String version() {
      return PROTOCOL_VERSION;
    }

    @Override
    public List<Stat> processStats() {
      traffic.drainInto(counters); // asked first by 'stats': the counter snapshot after it is exact
      long now = clock.millis();
      long[] cpu = ProcessStats.cpuMicros();
      return List.of(
          new Stat("pid", Long.toString(ProcessHandle.current().pid())),
          new Stat("uptime", Long.toString((now - startMillis) / 1000)),
          new Stat("time", Long.toString(now / 1000)),
          new Stat("version", PROTOCOL_VERSION),
          new Stat("pointer_size", System.getProperty("sun.arch.data.model", "64")),
          new Stat("rusage_user", ProcessStats.secUsec(cpu[0])),
          new Stat("rusage_system", ProcessStats.secUsec(cpu[1])),
          new Stat("max_connections", Integer.toString(config.maxConnections())),
          new Stat("curr_connections", Integer.toString(connections.open())),
          new Stat("total_connections", Long.toString(counters.get(Counter.TOTAL_CONNECTIONS))),
          new Stat("rejected_connections", Long.toString(counters.get(Counter.REJECTED_CONNECTIONS))),
          new Stat("connection_structures", Integer.toString(connections.open())));
    }

    @Override
    public List<Stat> serverStats() {
      List<Stat> out = new ArrayList<>(List.of(
          new Stat("accepting_conns", closing.get() ? "0" : "1"),
          new Stat("listen_disabled_num", "0"),
          new Stat("threads", Integer.toString(config.threads())),
          new Stat("inflight_value_bytes", Long.toString(store.reservedBytes())),
          new Stat("inflight_value_limit", Long.toString(store.reservationLimit())),
          new Stat("outbound_bytes", Long.toString(connections.outboundBytes())),
          new Stat("read_paused_conns", Integer.toString(connections.pausedReading())),
          new Stat("outbound_held_conns", Integer.toString(outbound.held()))));
      if (!config.idleTimeout().isZero()) {
        out.add(new Stat("idle_kicks", Long.toString(counters.get(Counter.IDLE_KICKS))));
      }
      if (udp != null) {
        out.add(new Stat("udp_sources", Integer.toString(policy.udp().trackedSources())));
      }
      for (Counter c : List.of(Counter.UDP_REQUESTS, Counter.UDP_DROPPED_MALFORMED, Counter.UDP_DROPPED_RATE_LIMITED,
          Counter.UDP_REPLIES_TRUNCATED, Counter.UDP_WRITES_REFUSED, Counter.UDP_BYTES_READ, Counter.UDP_BYTES_WRITTEN)) {
        out.add(new Stat(c.statName(), Long.toString(counters.get(c))));
      }
      if (config.access().authenticates()) {
        out.add(new Stat(Counter.UDP_DROPPED_UNAUTHENTICATED.statName(),
            Long.toString(counters.get(Counter.UDP_DROPPED_UNAUTHENTICATED))));
      }
      if (!config.access().allow().isEmpty()) {
        for (Counter c : List.of(Counter.REJECTED_BY_ALLOWLIST, Counter.UDP_DROPPED_NOT_ALLOWED)) {
          out.add(new Stat(c.statName(), Long.toString(counters.get(c))));
        }
      }
      out.addAll(security.stats());
      return out;
    }

    @Override
    public List<Stat> settings() {
      String inter = config.listen().stream().map(a -> NetUtil.toAddressString(a.getAddress()))
          .collect(Collectors.joining(","));
      ServerConfig.UdpPolicy udpPolicy = config.udp();
      List<Stat> out = new ArrayList<>(List.of(
          new Stat("maxbytes", Long.toString(store.memoryLimit())),
          new Stat("maxconns", Integer.toString(config.maxConnections())),
          new Stat("tcpport", Integer.toString(config.port())),
          new Stat("udpport", Integer.toString(config.udpPort())),
          new Stat("inter", inter),
          new Stat("verbosity", Integer.toString(verbosity)),
          new Stat("evictions", "on"),
          new Stat("domain_socket", "NULL"),
          new Stat("shutdown_command", config.shutdownEnabled() ? "yes" : "no"),
          new Stat("num_threads", Integer.toString(config.threads())),
          new Stat("stat_key_prefix", Character.toString(prefixStats.delimiter())),
          new Stat("detail_enabled", prefixStats.enabled() ? "yes" : "no"),
          new Stat("cas_enabled", config.compat().casEnabled() ? "yes" : "no"),
          new Stat("tcp_backlog", Integer.toString(config.compat().backlog())),
          new Stat("binding_protocol", config.protocol().statName()),
          new Stat("auth_enabled_sasl", config.access().authenticates() ? "yes" : "no"),
          new Stat("auth_enabled_ascii", config.access().authenticates() ? "yes" : "no"),
          new Stat("item_size_max", Integer.toString(config.maxItemSize())),
          new Stat("maxconns_fast", "yes"),
          new Stat("flush_enabled", config.flushAllDisabled() ? "no" : "yes"),
          new Stat("dump_enabled", "no"),
          new Stat("idle_timeout", Long.toString(config.idleTimeout().toSeconds())),
          new Stat("track_sizes", "no")));
      out.addAll(security.settingsStats());
      out.addAll(List.of(
          new Stat("line_limit", Integer.toString(config.maxLineLength())),
          new Stat("multiget_line_max", Integer.toString(config.maxMultigetLineLength())),
          new Stat("unauthenticated_network", config.allowUnauthenticatedNetwork() ? "yes" : "no"),
          new Stat("udp_allow", udpPolicy.allow().stream().map(Cidr::toString)
              .collect(Collectors.joining(","))),
          new Stat("udp_max_amplification", plain(udpPolicy.maxAmplification())),
          new Stat("udp_writes", udpPolicy.writes() ? "yes" : "no"),
          new Stat("udp_source_pps", Integer.toString(udpPolicy.sourcePacketsPerSecond())),
          new Stat("udp_source_bps", Long.toString(udpPolicy.sourceBytesPerSecond())),
          new Stat("udp_global_pps", Integer.toString(udpPolicy.globalPacketsPerSecond())),
          new Stat("udp_global_bps", Long.toString(udpPolicy.globalBytesPerSecond())),
          new Stat("udp_sources_max", Integer.toString(UdpGuard.DEFAULT_MAX_SOURCES)),
          new Stat("outbound_pause_bytes", Integer.toString(WATER_MARK.high())),
          new Stat("outbound_resume_bytes", Integer.toString(WATER_MARK.low())),
          new Stat("outbound_limit", Long.toString(outbound.limit())),
          new Stat("login_item_size_max", Integer.toString(connectionLimits().maxItemSize())),
          new Stat("login_line_max", Integer.toString(connectionLimits().maxMultigetLineLength())),
          new Stat("allow", config.access().allow().isEmpty() ? "any"
              : config.access().allow().stream().map(Cidr::toString).collect(Collectors.joining(","))),
          new Stat("admin_users", config.access().adminUsers().isEmpty() ? "any"
              : String.join(",", config.access().adminUsers().stream().sorted().toList()))));
      return out;
    }

    @Override
    public String refreshCerts() {
      if (!security.tls()) {
        return "TLS not enabled";
      }
      String reason = security.refreshCerts();
      return reason == null ? null : "loading the certificates: " + reason;
    }

    @Override
    public List<Stat> connections() {
      return connections.stats(boundAddresses());
    }

    @Override
    public boolean shutdownEnabled() {
      return config.shutdownEnabled();
    }

    @Override
    public boolean flushAllDisabled() {
      return config.flushAllDisabled();
    }

    @Override
    public boolean casEnabled() {
      return config.compat().casEnabled();
    }

    @Override
    public PrefixStats prefixStats() {
      return prefixStats;
    }

    @Override
    public int maxItemSize() {
      return config.maxItemSize();
    }

    @Override
    public void verbosity(int level) {
      verbosity = level;
    }

    @Override
    public void shutdown(boolean graceful) {
      LOG.log(Level.INFO, "shutdown command received" + (graceful ? " (graceful)" : "") + "; stopping");
      Thread t = new Thread(SafecachedServer.this::close, "safecached-shutdown");
      t.setDaemon(false);
      t.start();
    }
  }
}
