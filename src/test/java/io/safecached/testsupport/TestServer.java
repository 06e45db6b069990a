package io.safecached.testsupport;

import io.safecached.config.ServerConfig;
import io.safecached.server.SafecachedServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.Consumer;

/** A safecached server started in-process on 127.0.0.1 and a free port, for integration tests. */
public final class TestServer implements AutoCloseable {
  private final SafecachedServer server;

  private TestServer(SafecachedServer server) {
    this.server = server;
  }

  /** Starts with defaults on 127.0.0.1, any free port. */
  public static TestServer start() throws IOException {
    return start(b -> { });
  }

  /** Starts on 127.0.0.1, any free port, on {@link TestTransport}'s transport, after {@code settings} adjusted the builder. */
  public static TestServer start(Consumer<ServerConfig.Builder> settings) throws IOException {
    ServerConfig.Builder b = ServerConfig.builder()
        .listen(List.of(new InetSocketAddress("127.0.0.1", 0)))
        .port(0)
        .threads(2)
        .transport(TestTransport.transport());
    settings.accept(b);
    return new TestServer(SafecachedServer.start(b.build()));
  }

  /** The TCP address it listens on. */
  public InetSocketAddress address() {
    return server.boundAddresses().get(0);
  }

  public int port() {
    return address().getPort();
  }

  public SafecachedServer server() {
    return server;
  }

  @Override
  public void close() {
    server.close();
  }
}
