package io.safecached.server.udp;

import static org.assertj.core.api.Assertions.assertThat;

import io.safecached.testsupport.TestServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The CERT advisories' UDP {@code stats} probe against safecached with UDP off (the default) and on. */
@Timeout(30)
class UdpDefaultsIT {
  /** Frame (id 0, sequence 0, 1 datagram, reserved 0) plus {@code stats}, as the advisories send it. */
  static final byte[] CERT_PROBE =
      "\u0000\u0000\u0000\u0000\u0000\u0001\u0000\u0000stats\r\n".getBytes(StandardCharsets.ISO_8859_1);

  @Test
  void udpOffByDefaultSoTheProbeGetsNoAnswer() throws Exception {
    try (TestServer server = TestServer.start()) {
      // nothing answers on the TCP port's number over UDP, nor on another port free for UDP
      for (int port : List.of(server.port(), UdpTestClient.freeUdpPort())) {
        try (UdpTestClient client = UdpTestClient.trusted(port)) {
          client.sendRaw(CERT_PROBE);
          UdpTestClient.Exchange e = client.collect(0, CERT_PROBE.length, 500, 500);
          assertThat(e.datagrams()).as("answer to the probe on udp/%d", port).isEmpty();
          assertThat(client.bytesReceived()).isZero();
        }
      }
    }
  }

  @Test
  void udpOnAnswersTheProbeFramedToATrustedSource() throws Exception {
    int udpPort = UdpTestClient.freeUdpPort();
    try (TestServer server = TestServer.start(b -> b.udpPort(udpPort));
         UdpTestClient client = UdpTestClient.trusted(udpPort)) {
      client.sendRaw(CERT_PROBE);
      UdpTestClient.Exchange e = client.collect(0, CERT_PROBE.length, 1000, 3000);
      assertThat(e.complete()).as("whole framed reply: %s", e).isTrue();
      List<UdpTestClient.Datagram> mine = e.forRequest();
      int total = mine.get(0).total();
      assertThat(mine).hasSize(total).allSatisfy(d -> {
        assertThat(d.id()).isZero();
        assertThat(d.total()).isEqualTo(total);
        assertThat(d.reserved()).isZero();
        assertThat(d.length()).isLessThanOrEqualTo(UdpTestClient.MAX_DATAGRAM);
      });
      assertThat(mine).extracting(UdpTestClient.Datagram::sequence).containsExactlyInAnyOrder(
          java.util.stream.IntStream.range(0, total).boxed().toArray(Integer[]::new));
      String text = e.text();
      assertThat(text).startsWith("STAT pid ").endsWith("\r\nEND\r\n");
      assertThat(text).contains("STAT udp_requests ");
      assertThat(UdpTestClient.tcpStat(server.address(), "udp_requests")).isGreaterThanOrEqualTo(1);
    }
  }

  @Test
  void udpOnUnderTheDefaultPolicyGivesAnotherLoopbackSourceNothingLargerThanItSent() throws Exception {
    int udpPort = UdpTestClient.freeUdpPort();
    try (TestServer server = TestServer.start(b -> b.udpPort(udpPort));
         UdpTestClient client = new UdpTestClient(InetAddress.getByName("127.0.0.2"),
             new InetSocketAddress("127.0.0.1", udpPort))) {
      client.sendRaw(CERT_PROBE);
      UdpTestClient.Exchange e = client.collect(0, CERT_PROBE.length, 500, 1000);
      assertThat(e.datagrams()).as("127.0.0.2 is not in the default allow list; stats is ~100x its request")
          .isEmpty();
      assertThat(UdpTestClient.tcpStat(server.address(), "udp_replies_truncated")).isEqualTo(1);
    }
  }
}
