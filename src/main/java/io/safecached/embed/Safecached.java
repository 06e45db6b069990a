package io.safecached.embed;

import io.safecached.config.ConfigException;
import io.safecached.config.ServerConfig;
import io.safecached.server.SafecachedServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A safecached server running inside this JVM, for tests and for programs that carry their own cache.
 *
 * <pre>{@code
 * try (Safecached cache = Safecached.builder().port(0).memoryMegabytes(16).start()) {
 *   MemcachedClient client = new MemcachedClient(cache.address());
 *   ...
 * }
 * }</pre>
 *
 * <p>It is the server {@code safecached serve} runs, started through the same {@link SafecachedServer#start}
 * path with the same safe defaults: it listens on one loopback address, UDP is off, {@code shutdown} is refused,
 * and a listener on any other address is refused unless a users file makes every connection log in.
 * {@link #close()} stops what {@link Builder#start()} started: listeners, connections, event loops, the store and
 * its crawler thread. The JVM is never stopped for the embedder (the {@code serve} command halts its process
 * after an OutOfMemoryError; an embedded server only logs it through {@link System.Logger}).
 */
public final class Safecached implements AutoCloseable {
  private final SafecachedServer server;
  private final InetSocketAddress address;

  private Safecached(SafecachedServer server) {
    this.server = server;
    this.address = server.boundAddresses().get(0);
  }

  /** A builder with the embedded defaults: 127.0.0.1, a free port, 64 megabytes, 1 MiB items, 2 threads. */
  public static Builder builder() {
    return new Builder();
  }

  /** The address clients connect to, with the real port when the builder asked for port 0. */
  public InetSocketAddress address() {
    return address;
  }

  /** The TCP port it listens on. */
  public int port() {
    return address.getPort();
  }

  /**
   * {@code host:port} as the clients' address lists take it ({@code 127.0.0.1:41234}; an IPv6 address in brackets,
   * {@code [::1]:41234}), for spymemcached's and xmemcached's {@code AddrUtil.getAddresses}.
   */
  public String hostAndPort() {
    InetAddress a = address.getAddress();
    String host = a.getHostAddress();
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port();
  }

  /**
   * Invalidates every item now, as an immediate {@code flush_all} does; items stored afterwards are live. Works
   * whatever the server refuses over the network: it is the owner's call, not a command.
   */
  public void flushAll() {
    server.flushAll();
  }

  /** True until {@link #close()} (or a {@code shutdown} command, when enabled) has stopped it. */
  public boolean isRunning() {
    return !server.terminationFuture().isDone();
  }

  /** Stops listening, closes every connection, stops the event loops and the store, and waits for it. */
  @Override
  public void close() {
    server.close();
  }

  /** What it exposes, in the one line {@code safecached serve} logs at start. */
  @Override
  public String toString() {
    return server.exposureSummary();
  }

  /** Settings of an embedded server; {@link #start()} validates them as {@code safecached serve} does its flags. */
  public static final class Builder {
    private InetAddress bindAddress = InetAddress.getLoopbackAddress();
    private int port;
    private long memoryMegabytes = 64;
    private int maxItemSize = ServerConfig.DEFAULT_MAX_ITEM_SIZE;
    private int threads = 2;
    private Path usersFile;

    private Builder() {}

    /** TCP port ({@code -p}); 0, the default, picks a free one ({@link Safecached#port()} tells which). */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /**
     * The one address to listen on ({@code -l}), a literal or {@code localhost}; default 127.0.0.1. Any address
     * other than loopback needs {@link #usersFile}, as {@code serve} refuses a network listener without one.
     */
    public Builder bindAddress(String host) {
      Objects.requireNonNull(host, "host");
      try {
        this.bindAddress = InetAddress.getByName(host);
      } catch (UnknownHostException e) {
        throw new ConfigException("cannot resolve bind address '" + host + "'");
      }
      return this;
    }

    /** The one address to listen on; see {@link #bindAddress(String)}. */
    public Builder bindAddress(InetAddress address) {
      this.bindAddress = Objects.requireNonNull(address, "address");
      return this;
    }

    /** Megabytes for items, counting keys, values and per-item overhead ({@code -m}); default 64. */
    public Builder memoryMegabytes(long megabytes) {
      this.memoryMegabytes = megabytes;
      return this;
    }

    /** The largest item in bytes, counted as memcached counts it ({@code -I}); default 1 MiB. */
    public Builder maxItemSize(int bytes) {
      this.maxItemSize = bytes;
      return this;
    }

    /** Network threads ({@code -t}); default 2, fewer than {@code serve}'s 4, as a test JVM has other work. */
    public Builder threads(int threads) {
      this.threads = threads;
      return this;
    }

    /**
     * A users file ({@code -Y}, written by {@code safecached passwd}): every connection must then log in, with
     * SASL PLAIN on the binary protocol or memcached's {@code set} login on text. Null, the default, for none.
     */
    public Builder usersFile(Path file) {
      this.usersFile = file;
      return this;
    }

    /**
     * Starts the server and returns once it listens. Throws {@link ConfigException} (an IllegalArgumentException
     * with a one-line message) for settings {@code serve} would refuse, or a users file it cannot read, and
     * IOException when the address cannot be bound; then nothing is left running.
     */
    public Safecached start() throws IOException {
      return new Safecached(SafecachedServer.start(config()));
    }

    ServerConfig config() {
      if (memoryMegabytes < 1 || memoryMegabytes > Long.MAX_VALUE / (1024 * 1024)) {
        throw new ConfigException("memory limit must be at least 1 megabyte (-m " + memoryMegabytes + ")");
      }
      return ServerConfig.builder()
          .listen(List.of(new InetSocketAddress(bindAddress, 0))) // 0: the port below
          .port(port)
          .memoryLimitBytes(memoryMegabytes * 1024 * 1024)
          .maxItemSize(maxItemSize)
          .threads(threads)
          .access(usersFile == null ? ServerConfig.Access.OPEN
              : new ServerConfig.Access(usersFile, false, List.of(), Set.of()))
          .build();
    }
  }
}
