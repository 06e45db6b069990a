package io.safecached.testsupport;

import io.safecached.config.ServerConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Assumptions;

/** Which server a suite runs against: safecached in-process, or the real memcached as a reference. */
public enum Target {
  /** safecached started in this JVM on a free loopback port. */
  SAFECACHED {
    @Override
    public Running start(Consumer<ServerConfig.Builder> settings) throws IOException {
      TestServer server = TestServer.start(settings);
      return new Running(server.address(), server::close);
    }
  },
  /**
   * The memcached binary on a free loopback port (the test is skipped when it is not installed, or when the
   * settings use a limit memcached has no equivalent for).
   */
  MEMCACHED {
    @Override
    public Running start(Consumer<ServerConfig.Builder> settings) throws IOException {
      MemcachedProcess process = MemcachedProcess.start(memcachedArgs(settings));
      return new Running(process.address(), process::close);
    }
  };

  /** Starts a fresh server of this kind with default settings; the caller closes it. */
  public Running start() throws IOException {
    return start(b -> { });
  }

  /** Starts a fresh server of this kind after {@code settings} adjusted the config; the caller closes it. */
  public abstract Running start(Consumer<ServerConfig.Builder> settings) throws IOException;

  /** memcached options for the settings that differ from the defaults; aborts the test for ones it lacks. */
  static String[] memcachedArgs(Consumer<ServerConfig.Builder> settings) {
    ServerConfig.Builder b = ServerConfig.builder();
    settings.accept(b);
    ServerConfig c = b.build();
    ServerConfig d = ServerConfig.builder().build();
    List<String> args = new ArrayList<>();
    if (c.shutdownEnabled()) {
      args.add("-A");
    }
    if (c.flushAllDisabled()) {
      args.add("-F");
    }
    if (c.maxItemSize() != d.maxItemSize()) {
      args.addAll(List.of("-I", Integer.toString(c.maxItemSize())));
    }
    if (c.memoryLimitBytes() != d.memoryLimitBytes()) {
      args.addAll(List.of("-m", Long.toString(c.memoryLimitBytes() / (1024 * 1024))));
    }
    if (!c.idleTimeout().equals(Duration.ZERO)) {
      args.addAll(List.of("-o", "idle_timeout=" + c.idleTimeout().toSeconds()));
    }
    Assumptions.assumeTrue(c.maxConnections() == d.maxConnections(),
        "memcached's -c also counts listeners and reserved descriptors: no exact equivalent");
    Assumptions.assumeTrue(c.maxLineLength() == d.maxLineLength()
            && c.maxMultigetLineLength() == d.maxMultigetLineLength(),
        "memcached has no configurable line limits");
    return args.toArray(String[]::new);
  }

  /** A started server: where it listens and how to stop it. */
  public record Running(InetSocketAddress address, Runnable stopper) implements AutoCloseable {
    @Override
    public void close() {
      stopper.run();
    }
  }
}
