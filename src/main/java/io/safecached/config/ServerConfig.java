package io.safecached.config;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Immutable, validated settings of one safecached server: what it listens on and every limit it enforces.
 *
 * <p>Defaults are the safe ones: loopback only, no UDP, {@code shutdown} disabled. Build instances with
 * {@link #builder()}; {@link Builder#build()} validates and throws {@link ConfigException} with a one-line
 * message naming the bad setting.
 */
public record ServerConfig(
    List<InetSocketAddress> listen,
    int port,
    int udpPort,
    long memoryLimitBytes,
    int maxConnections,
    int threads,
    int maxItemSize,
    int verbosity,
    boolean shutdownEnabled,
    boolean flushAllDisabled,
    boolean allowUnauthenticatedNetwork,
    Duration idleTimeout,
    int maxLineLength,
    int maxMultigetLineLength,
    UdpPolicy udp,
    Protocol protocol,
    Access access,
    Tls tls,
    Path memoryFile,
    Transport transport,
    Compat compat,
    InetSocketAddress metrics) {

  /** memcached's default TCP port. */
  public static final int DEFAULT_PORT = 11211;
  /** memcached's default item size limit, 1 MiB. */
  public static final int DEFAULT_MAX_ITEM_SIZE = 1024 * 1024;
  /** Smallest accepted {@code -I}: 1 KiB, as memcached. */
  public static final int MIN_ITEM_SIZE = 1024;
  /** Largest accepted {@code -I}: 1 GiB, as memcached. */
  public static final int MAX_ITEM_SIZE = 1024 * 1024 * 1024;
  /** Largest {@code -I} the store's segments hold (an item never spans segments): 127 MiB. */
  public static final int MAX_STORED_ITEM_SIZE = 127 * 1024 * 1024;
  /** A command line with no newline within this many bytes closes the connection (memcached: 2048). */
  public static final int DEFAULT_MAX_LINE_LENGTH = 2048;
  /** get/gets/gat/gats lines may be longer, up to this bound (memcached has none). */
  public static final int DEFAULT_MAX_MULTIGET_LINE_LENGTH = 2 * 1024 * 1024;

  public ServerConfig {
    listen = List.copyOf(listen);
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    Objects.requireNonNull(udp, "udp");
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(access, "access");
    Objects.requireNonNull(transport, "transport");
    Objects.requireNonNull(compat, "compat");
  }

  /**
   * memcached behaviours a drop-in replacement must reproduce: the listen backlog ({@code -b}), whether CAS
   * values are handed out ({@code -C} turns them off: clients see 0), the key prefix delimiter of
   * {@code stats detail} ({@code -D}) and whether those per-prefix counters run from the start ({@code -D} turns
   * them on, as in memcached; {@code stats detail on|off} switches them later).
   */
  public record Compat(int backlog, boolean casEnabled, char prefixDelimiter, boolean detailEnabled) {
    /** memcached's defaults: backlog 1024, CAS on, delimiter ':', detail off. */
    public static final Compat DEFAULT = new Compat(1024, true, ':', false);
  }

  /**
   * Who may connect and what they must present: the user file ({@code -Y}; null for none), whether the binary
   * protocol offers SASL ({@code -S}, which needs the user file), the source allowlist ({@code --allow}; empty
   * for any source) and the users allowed to run admin commands ({@code --admin-users}; empty for every user).
   */
  public record Access(Path authFile, boolean sasl, List<Cidr> allow, Set<String> adminUsers) {
    /** Nothing required: no users, any source. */
    public static final Access OPEN = new Access(null, false, List.of(), Set.of());

    public Access {
      allow = List.copyOf(allow);
      adminUsers = Set.copyOf(adminUsers);
    }

    /** True when connections must log in. */
    public boolean authenticates() {
      return authFile != null;
    }

    /** True when {@code address} may connect. */
    public boolean allows(java.net.InetAddress address) {
      return allow.isEmpty() || Cidr.anyContains(allow, address);
    }
  }

  /**
   * TLS on the TCP listeners ({@code -Z} with memcached's {@code -o ssl_*} options); null in the config when
   * TLS is off. {@code verifyMode} is memcached's {@code ssl_verify_mode} (0 none, 1 request, 2 require, 3 once);
   * {@code plaintextListeners} are the listen addresses given with memcached's {@code notls:} prefix.
   */
  public record Tls(Path certChain, Path key, Path caCert, int verifyMode, String minVersion, String ciphers,
                    Set<InetSocketAddress> plaintextListeners) {
    public Tls {
      Objects.requireNonNull(certChain, "certChain");
      Objects.requireNonNull(key, "key");
      plaintextListeners = Set.copyOf(plaintextListeners);
    }

    /** True when clients must present a certificate signed by the CA. */
    public boolean requiresClientCertificates() {
      return verifyMode >= 2;
    }
  }

  /** The Netty transport connections are served on ({@code -o transport=}). */
  public enum Transport {
    /** io_uring where the kernel allows it, else epoll, else NIO (see server.NettyTransport). */
    AUTO,
    IO_URING,
    EPOLL,
    NIO;

    /** How {@code -o transport=} spells it. */
    public String optionName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * Which protocols a TCP connection may speak ({@code -B}): {@code AUTO} picks binary when the first byte is
   * 0x80 and text (with meta) otherwise, as memcached does; {@code ASCII} and {@code BINARY} allow only one.
   */
  public enum Protocol {
    AUTO("auto-negotiate"), ASCII("ascii"), BINARY("binary");

    private final String statName;

    Protocol(String statName) {
      this.statName = statName;
    }

    /** How memcached's {@code stats settings} shows it ({@code binding_protocol}). */
    public String statName() {
      return statName;
    }
  }

  /**
   * How UDP requests are served ({@code -U}): which sources are trusted with full replies, and the limits for
   * every other source, which can never receive more than {@code maxAmplification} times the bytes it sent.
   *
   * @param allow sources that get full replies ({@code --udp-allow}; default loopback)
   * @param maxAmplification largest reply-to-request byte ratio for untrusted sources ({@code --udp-max-amplification})
   * @param writes whether untrusted sources may run storage and admin commands ({@code --udp-writes})
   * @param sourcePacketsPerSecond requests per second one untrusted source may send ({@code -o udp_source_pps})
   * @param sourceBytesPerSecond reply bytes per second one untrusted source may receive ({@code -o udp_source_bps})
   * @param globalPacketsPerSecond requests per second all untrusted sources together ({@code -o udp_global_pps})
   * @param globalBytesPerSecond reply bytes per second all untrusted sources together ({@code -o udp_global_bps})
   */
  public record UdpPolicy(List<Cidr> allow, double maxAmplification, boolean writes, int sourcePacketsPerSecond,
                          long sourceBytesPerSecond, int globalPacketsPerSecond, long globalBytesPerSecond) {
    /** The default: loopback trusted, others get at most their own bytes back, few packets, no writes. */
    public static final UdpPolicy DEFAULT = new UdpPolicy(
        List.of(Cidr.parse("127.0.0.1/32"), Cidr.parse("::1/128")), 1.0, false, 50, 32 * 1024, 5_000, 4 * 1024 * 1024);

    public UdpPolicy {
      allow = List.copyOf(allow);
    }

    /** A copy with other trusted sources. */
    public UdpPolicy withAllow(List<Cidr> v) {
      return new UdpPolicy(v, maxAmplification, writes, sourcePacketsPerSecond, sourceBytesPerSecond,
          globalPacketsPerSecond, globalBytesPerSecond);
    }

    /** A copy with another amplification bound. */
    public UdpPolicy withMaxAmplification(double v) {
      return new UdpPolicy(allow, v, writes, sourcePacketsPerSecond, sourceBytesPerSecond,
          globalPacketsPerSecond, globalBytesPerSecond);
    }

    /** A copy that allows or refuses writes from untrusted sources. */
    public UdpPolicy withWrites(boolean v) {
      return new UdpPolicy(allow, maxAmplification, v, sourcePacketsPerSecond, sourceBytesPerSecond,
          globalPacketsPerSecond, globalBytesPerSecond);
    }

    /** A copy with other rate limits for untrusted sources. */
    public UdpPolicy withRates(int sourcePps, long sourceBps, int globalPps, long globalBps) {
      return new UdpPolicy(allow, maxAmplification, writes, sourcePps, sourceBps, globalPps, globalBps);
    }

    /** True when {@code address} is a trusted source. */
    public boolean trusts(java.net.InetAddress address) {
      return Cidr.anyContains(allow, address);
    }
  }

  /** How the refusal of a network bind without authentication starts. */
  public static final String UNSAFE_BIND_PREFIX = "refusing to listen on non-loopback address ";

  /** A builder holding memcached's defaults, made safe. */
  public static Builder builder() {
    return new Builder();
  }

  /** The addresses of every TCP listener, with the default port applied where none was given. */
  public List<InetSocketAddress> tcpAddresses() {
    return listen.stream()
        .map(a -> a.getPort() == 0 ? new InetSocketAddress(a.getAddress(), port) : a)
        .toList();
  }

  /** True when every listener is on a loopback address. */
  public boolean loopbackOnly() {
    return listen.stream().allMatch(a -> a.getAddress() != null && a.getAddress().isLoopbackAddress());
  }

  /** Mutable builder for {@link ServerConfig}; {@link #build()} validates. */
  public static final class Builder {
    private List<InetSocketAddress> listen = List.of(
        new InetSocketAddress("127.0.0.1", 0), new InetSocketAddress("::1", 0));
    private int port = DEFAULT_PORT;
    private int udpPort = 0;
    private long memoryLimitBytes = 64L * 1024 * 1024;
    private int maxConnections = 1024;
    private int threads = 4;
    private int maxItemSize = DEFAULT_MAX_ITEM_SIZE;
    private int verbosity = 0;
    private boolean shutdownEnabled;
    private boolean flushAllDisabled;
    private boolean allowUnauthenticatedNetwork;
    private Duration idleTimeout = Duration.ZERO;
    private int maxLineLength = DEFAULT_MAX_LINE_LENGTH;
    private int maxMultigetLineLength = DEFAULT_MAX_MULTIGET_LINE_LENGTH;
    private UdpPolicy udp = UdpPolicy.DEFAULT;
    private Protocol protocol = Protocol.AUTO;
    private Access access = Access.OPEN;
    private Tls tls;
    private Path memoryFile;
    private Transport transport = Transport.AUTO;
    private Compat compat = Compat.DEFAULT;
    private InetSocketAddress metrics;

    private Builder() {}

    /** Listen addresses; a port of 0 in an address means "the {@link #port(int)}". */
    public Builder listen(List<InetSocketAddress> v) { this.listen = List.copyOf(v); return this; }
    public Builder port(int v) { this.port = v; return this; }
    public Builder udpPort(int v) { this.udpPort = v; return this; }
    public Builder memoryLimitBytes(long v) { this.memoryLimitBytes = v; return this; }
    public Builder maxConnections(int v) { this.maxConnections = v; return this; }
    public Builder threads(int v) { this.threads = v; return this; }
    public Builder maxItemSize(int v) { this.maxItemSize = v; return this; }
    public Builder verbosity(int v) { this.verbosity = v; return this; }
    public Builder shutdownEnabled(boolean v) { this.shutdownEnabled = v; return this; }
    public Builder flushAllDisabled(boolean v) { this.flushAllDisabled = v; return this; }
    public Builder allowUnauthenticatedNetwork(boolean v) { this.allowUnauthenticatedNetwork = v; return this; }
    public Builder idleTimeout(Duration v) { this.idleTimeout = Objects.requireNonNull(v); return this; }
    public Builder maxLineLength(int v) { this.maxLineLength = v; return this; }
    public Builder maxMultigetLineLength(int v) { this.maxMultigetLineLength = v; return this; }
    /** How UDP is served when {@link #udpPort(int)} is not 0. */
    public Builder udp(UdpPolicy v) { this.udp = Objects.requireNonNull(v); return this; }
    /** Which protocols TCP connections may speak ({@code -B}). */
    public Builder protocol(Protocol v) { this.protocol = v; return this; }
    /** Authentication, source allowlist and admin users. */
    public Builder access(Access v) { this.access = Objects.requireNonNull(v); return this; }
    /** TLS on the TCP listeners; null turns it off. */
    public Builder tls(Tls v) { this.tls = v; return this; }
    /** memcached's {@code -e}: the file the items' memory is mapped from, for a warm restart; null for none. */
    public Builder memoryFile(Path v) { this.memoryFile = v; return this; }
    /** The network transport ({@code -o transport=}); AUTO picks the best this machine allows. */
    public Builder transport(Transport v) { this.transport = Objects.requireNonNull(v); return this; }
    /** The listen backlog ({@code -b}). */
    public Builder backlog(int v) {
      compat = new Compat(v, compat.casEnabled(), compat.prefixDelimiter(), compat.detailEnabled());
      return this;
    }
    /** Whether CAS values are handed out ({@code -C} turns them off). */
    public Builder casEnabled(boolean v) {
      compat = new Compat(compat.backlog(), v, compat.prefixDelimiter(), compat.detailEnabled());
      return this;
    }
    /** The {@code stats detail} key prefix delimiter ({@code -D}); giving one also turns the counters on. */
    public Builder prefixDelimiter(char v) {
      compat = new Compat(compat.backlog(), compat.casEnabled(), v, true);
      return this;
    }
    /** Where the Prometheus metrics endpoint listens ({@code --metrics}); null turns it off. */
    public Builder metrics(InetSocketAddress v) { this.metrics = v; return this; }

    /** Validates every setting and returns the config, or throws {@link ConfigException}. */
    public ServerConfig build() {
      require(!listen.isEmpty(), "at least one listen address is required (-l)");
      for (InetSocketAddress a : listen) {
        require(!a.isUnresolved(), "cannot resolve listen address '" + a.getHostString() + "'");
      }
      require(port >= 0 && port <= 65535, "port must be between 0 and 65535 (-p " + port + ")");
      require(udpPort >= 0 && udpPort <= 65535, "UDP port must be between 0 and 65535 (-U " + udpPort + ")");
      require(memoryLimitBytes >= 1024 * 1024, "memory limit must be at least 1 megabyte (-m)");
      require(maxConnections >= 1, "connection limit must be at least 1 (-c " + maxConnections + ")");
      require(threads >= 1 && threads <= 1024, "threads must be between 1 and 1024 (-t " + threads + ")");
      require(maxItemSize >= MIN_ITEM_SIZE,
          "item size limit must be at least 1k (-I " + maxItemSize + " bytes is too small)");
      require(maxItemSize <= MAX_ITEM_SIZE, "item size limit cannot be more than 1024m (-I)");
      require(maxItemSize <= MAX_STORED_ITEM_SIZE,
          "item size limit cannot be more than 127m here (-I): an item lives in one segment of at most 128 MB");
      require(maxItemSize <= memoryLimitBytes / 2,
          "item size limit (-I) cannot be more than half the memory limit (-m)");
      require(verbosity >= 0, "verbosity cannot be negative");
      require(compat.backlog() >= 1, "listen backlog must be at least 1 (-b " + compat.backlog() + ")");
      require(!idleTimeout.isNegative(), "idle_timeout cannot be negative");
      require(protocol != null, "binding protocol is required (-B auto, ascii or binary)");
      require(maxLineLength >= 256, "line limit must be at least 256 bytes");
      require(maxMultigetLineLength >= maxLineLength,
          "multiget line limit cannot be smaller than the line limit (" + maxLineLength + ")");
      require(udp.maxAmplification() > 0 && udp.maxAmplification() <= 1000,
          "UDP amplification bound must be more than 0 and at most 1000 (--udp-max-amplification)");
      require(udp.sourcePacketsPerSecond() >= 1 && udp.globalPacketsPerSecond() >= udp.sourcePacketsPerSecond(),
          "UDP packet rates must be at least 1, the global one at least the per-source one");
      require(udp.sourceBytesPerSecond() >= 64 && udp.globalBytesPerSecond() >= udp.sourceBytesPerSecond(),
          "UDP byte rates must be at least 64, the global one at least the per-source one");
      require(!access.sasl() || access.authenticates(), "SASL (-S) needs a user file (-Y <file>)");
      if (tls != null) {
        require(tls.verifyMode() >= 0 && tls.verifyMode() <= 3,
            "ssl_verify_mode must be 0, 1, 2 or 3 (-o ssl_verify_mode=" + tls.verifyMode() + ")");
        require(tls.verifyMode() == 0 || tls.caCert() != null,
            "ssl_verify_mode " + tls.verifyMode() + " needs a CA certificate (-o ssl_ca_cert=<file>)");
        for (InetSocketAddress a : tls.plaintextListeners()) {
          require(listen.contains(a), "notls: listener " + a + " is not among the listen addresses (-l)");
        }
      }
      List<InetSocketAddress> exposed = listen.stream()
          .filter(a -> !a.getAddress().isLoopbackAddress()).toList();
      require(exposed.isEmpty() || allowUnauthenticatedNetwork || protectedListeners(exposed),
          UNSAFE_BIND_PREFIX
          + exposed.stream().map(a -> a.getAddress().getHostAddress()).distinct().toList()
          + " without authentication: anyone who reaches it could read, change or delete the cache. "
          + "Require a password (-Y <file>), client certificates (-Z with -o ssl_verify_mode=2) or a source "
          + "allowlist (--allow <cidr>); or listen on loopback only (the default, -l 127.0.0.1,::1); or put the "
          + "listener behind a firewall and accept the risk with --allow-unauthenticated-network");
      if (metrics != null) {
        require(!metrics.isUnresolved(), "cannot resolve metrics address '" + metrics.getHostString() + "'");
        require(metrics.getAddress().isLoopbackAddress() || access.authenticates(),
            "refusing to serve metrics on " + metrics.getAddress().getHostAddress() + " without authentication: "
            + "the statistics show who uses the cache and how. Require a password (-Y <file>; scrapers then log "
            + "in with HTTP basic auth) or serve metrics on loopback (--metrics 127.0.0.1:<port>)");
      }
      return new ServerConfig(listen, port, udpPort, memoryLimitBytes, maxConnections, threads, maxItemSize,
          verbosity, shutdownEnabled, flushAllDisabled, allowUnauthenticatedNetwork, idleTimeout,
          maxLineLength, maxMultigetLineLength, udp, protocol, access, tls, memoryFile, transport, compat, metrics);
    }

    /** A network listener is protected by a password, an allowlist, or required client certificates on it. */
    private boolean protectedListeners(List<InetSocketAddress> exposed) {
      if (access.authenticates() || !access.allow().isEmpty()) {
        return true;
      }
      return tls != null && tls.requiresClientCertificates()
          && exposed.stream().noneMatch(tls.plaintextListeners()::contains);
    }

    private static void require(boolean ok, String message) {
      if (!ok) {
        throw new ConfigException(message);
      }
    }
  }
}
