package io.safecached.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.safecached.config.ConfigException;
import io.safecached.config.ServerConfig;
import io.safecached.testsupport.RawClient;
import io.safecached.testsupport.TestServer;
import java.io.IOException;
import java.net.ConnectException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What safecached exposes when nobody configured anything, and the switches that guard destructive commands. */
@Timeout(30)
class SafeDefaultsIT {
  /** The 8-byte UDP frame header plus {@code stats}, as CERT scanners send it. */
  private static final byte[] UDP_STATS_PROBE =
      "\u0000\u0000\u0000\u0000\u0000\u0001\u0000\u0000stats\r\n".getBytes(StandardCharsets.ISO_8859_1);

  private static SafecachedServer startWithDefaults() throws IOException {
    return SafecachedServer.start(ServerConfig.builder().port(0).build());
  }

  private static boolean hostHasIpv6Loopback() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("::1"))) {
      return s.isBound();
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  void defaultsBindLoopbackOnly() throws Exception {
    try (SafecachedServer server = startWithDefaults()) {
      List<InetSocketAddress> bound = server.boundAddresses();
      assertThat(bound).isNotEmpty();
      assertThat(bound).allSatisfy(a -> {
        assertThat(a.getAddress().isLoopbackAddress()).as("%s is loopback", a).isTrue();
        assertThat(a.getPort()).as("%s has a real port", a).isPositive();
      });
      assertThat(bound).anySatisfy(a -> assertThat(a.getAddress()).isEqualTo(InetAddress.getByName("127.0.0.1")));
      if (hostHasIpv6Loopback()) {
        assertThat(bound).anySatisfy(a -> assertThat(a.getAddress()).isEqualTo(InetAddress.getByName("::1")));
      }
      for (InetSocketAddress a : bound) {
        try (RawClient c = new RawClient(a)) {
          assertThat(c.call("version")).as("served on %s", a).startsWith("VERSION ");
        }
      }
      assertThat(server.exposureSummary()).isNotBlank();
    }
  }

  @Test
  void defaultsOpenNoUdpAndIgnoreTheCertStatsProbe() throws Exception {
    try (SafecachedServer server = startWithDefaults()) {
      for (InetSocketAddress tcp : server.boundAddresses()) {
        InetSocketAddress udp = new InetSocketAddress(tcp.getAddress(), tcp.getPort());
        // nothing holds the UDP port with the TCP port's number
        assertThatCode(() -> {
          try (DatagramSocket s = new DatagramSocket(udp)) {
            assertThat(s.getLocalPort()).isEqualTo(tcp.getPort());
          }
        }).as("binding UDP %s", udp).doesNotThrowAnyException();
        // and a scanner's probe gets no answer
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(tcp.getAddress(), 0))) {
          probe.setSoTimeout(500);
          probe.send(new DatagramPacket(UDP_STATS_PROBE, UDP_STATS_PROBE.length, udp));
          byte[] buf = new byte[2048];
          DatagramPacket reply = new DatagramPacket(buf, buf.length);
          assertThatThrownBy(() -> probe.receive(reply))
              .as("answer to the UDP stats probe on %s", udp)
              .isInstanceOfAny(SocketTimeoutException.class, PortUnreachableException.class);
        }
      }
      // the TCP side is unaffected
      try (RawClient c = new RawClient(server.boundAddresses().get(0))) {
        assertThat(c.call("version")).startsWith("VERSION ");
      }
    }
  }

  @Test
  void shutdownIsRefusedByDefaultAndTheServerKeepsServing() throws Exception {
    try (SafecachedServer server = startWithDefaults()) {
      InetSocketAddress address = server.boundAddresses().get(0);
      try (RawClient c = new RawClient(address)) {
        assertThat(c.call("set k 0 0 1\r\nv")).isEqualTo("STORED");
        assertThat(c.call("shutdown")).isEqualTo("ERROR: shutdown not enabled");
        assertThat(c.call("version")).startsWith("VERSION ");
      }
      try (RawClient c = new RawClient(address)) {
        assertThat(c.call("get k")).isEqualTo("VALUE k 0 1");
        assertThat(c.readLine()).isEqualTo("v");
        assertThat(c.readLine()).isEqualTo("END");
      }
      assertThat(server.terminationFuture()).isNotDone();
    }
  }

  @Test
  void shutdownStopsTheServerWhenEnabled() throws Exception {
    try (TestServer server = TestServer.start(b -> b.shutdownEnabled(true))) {
      InetSocketAddress address = server.address();
      try (RawClient c = new RawClient(address)) {
        assertThat(c.call("version")).startsWith("VERSION ");
        c.send("shutdown\r\n");
        server.server().terminationFuture().get(5, TimeUnit.SECONDS);
        assertThat(c.closedByPeer()).as("connection closed by the shutdown").isTrue();
      }
      assertThatThrownBy(() -> {
        try (Socket s = new Socket()) {
          s.connect(address, 1000);
        }
      }).as("connecting after shutdown").isInstanceOf(ConnectException.class);
    }
  }

  @Test
  void nonLoopbackListenersNeedExplicitConsent() throws Exception {
    for (String host : List.of("0.0.0.0", "::", "192.0.2.10")) {
      InetSocketAddress any = new InetSocketAddress(host, 0);
      assertThatThrownBy(() -> ServerConfig.builder().listen(List.of(any)).build())
          .as("listening on %s without authentication", host)
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("--allow-unauthenticated-network");
      // a loopback address next to it does not make it acceptable
      assertThatThrownBy(() -> ServerConfig.builder()
          .listen(List.of(new InetSocketAddress("127.0.0.1", 0), any)).build())
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("--allow-unauthenticated-network");
      // with consent it builds (and is not started here: tests listen on loopback only)
      ServerConfig consented = ServerConfig.builder().listen(List.of(any)).allowUnauthenticatedNetwork(true).build();
      assertThat(consented.loopbackOnly()).isFalse();
    }
    assertThat(ServerConfig.builder().build().listen())
        .allSatisfy(a -> assertThat(a.getAddress().isLoopbackAddress()).isTrue())
        .anySatisfy(a -> assertThat(a.getAddress()).isInstanceOf(Inet4Address.class))
        .anySatisfy(a -> assertThat(a.getAddress()).isInstanceOf(Inet6Address.class));
    assertThat(ServerConfig.builder().build().udpPort()).isZero();
    assertThat(ServerConfig.builder().build().shutdownEnabled()).isFalse();
  }

  @Test
  void flushAllCanBeDisabledAndDataIsKept() throws Exception {
    try (TestServer server = TestServer.start(b -> b.flushAllDisabled(true));
         RawClient c = new RawClient(server.address())) {
      assertThat(c.call("set k 0 0 1\r\nv")).isEqualTo("STORED");
      assertThat(c.call("flush_all")).isEqualTo("CLIENT_ERROR flush_all not allowed");
      assertThat(c.call("flush_all 0")).isEqualTo("CLIENT_ERROR flush_all not allowed");
      assertThat(c.call("get k")).isEqualTo("VALUE k 0 1");
      assertThat(c.readLine()).isEqualTo("v");
      assertThat(c.readLine()).isEqualTo("END");
    }
  }
}
