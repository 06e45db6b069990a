package io.safecached.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.safecached.command.Result.Stat;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The endpoint on a real loopback socket: a scrape, the connection cap, and the per-connection deadline. */
class MetricsServerTest {
  private final EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final List<Socket> sockets = new ArrayList<>();
  private MetricsServer server;

  private MetricsServer start(int maxConnections, long deadlineMillis) throws IOException {
    server = MetricsServer.start(new InetSocketAddress("127.0.0.1", 0), loop, loop, NioServerSocketChannel.class,
        null, false, null, group -> group == null ? List.of(new Stat("curr_items", "5")) : List.of(), new SecurityEvents(),
        maxConnections, deadlineMillis);
    return server;
  }

  @AfterEach
  void stop() throws IOException {
    for (Socket s : sockets) {
      s.close();
    }
    if (server != null) {
      server.close();
    }
    loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private Socket connect() throws IOException {
    Socket s = new Socket();
    sockets.add(s);
    s.connect(server.address(), 5000);
    s.setSoTimeout(10_000);
    return s;
  }

  /** Everything the server sends until it closes the connection. */
  private static String readToClose(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
  }

  @Test
  @Timeout(30)
  void servesAScrapeAndSaysWhereInTheStartUpLine() throws IOException {
    start(MetricsServer.MAX_CONNECTIONS, MetricsServer.DEADLINE_MILLIS);
    assertThat(server.address().getAddress().isLoopbackAddress()).isTrue();
    assertThat(server.describe()).isEqualTo("http://127.0.0.1:" + server.address().getPort() + "/metrics");
    Socket s = connect();
    s.getOutputStream().write("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    assertThat(readToClose(s)).startsWith("HTTP/1.1 200 OK\r\n").contains("\nmemcached_current_items 5.0\n");
  }

  @Test
  @Timeout(30)
  void connectionsPastTheCapAreClosedAtAccept() throws IOException {
    start(2, MetricsServer.DEADLINE_MILLIS);
    Socket first = connect();
    Socket second = connect();
    Socket third = connect();
    assertThat(third.getInputStream().read()).as("closed at accept").isEqualTo(-1);
    first.setSoTimeout(300);
    try {
      first.getInputStream().read();
      throw new AssertionError("the first connection was closed");
    } catch (SocketTimeoutException expected) {
      // still open, waiting for a request
    }
    second.getOutputStream().write("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    assertThat(readToClose(second)).startsWith("HTTP/1.1 200 OK\r\n");
  }

  @Test
  @Timeout(30)
  void aConnectionThatSendsNothingOrTooSlowlyIsClosedAtTheDeadline() throws IOException {
    start(MetricsServer.MAX_CONNECTIONS, 300);
    Socket silent = connect();
    Socket slow = connect();
    slow.getOutputStream().write("GET /met".getBytes(StandardCharsets.US_ASCII));
    assertThat(silent.getInputStream().read()).isEqualTo(-1);
    assertThat(readToClose(slow)).isEmpty();
  }
}
