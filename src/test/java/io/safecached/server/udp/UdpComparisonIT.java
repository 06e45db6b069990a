package io.safecached.server.udp;

import static org.assertj.core.api.Assertions.assertThat;

import io.safecached.config.Cidr;
import io.safecached.config.ServerConfig;
import io.safecached.testsupport.MemcachedProcess;
import io.safecached.testsupport.RawClient;
import io.safecached.testsupport.TestServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The same framed UDP requests sent to the real memcached ({@code -U}) and to safecached from a trusted and from an
 * untrusted source; the measured amplification goes to {@code target/udp-amplification.md}.
 */
@Timeout(60)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UdpComparisonIT {
  static final int ONE_MB = 1_000_000;
  static final int HUNDRED_KB = 100_000;
  /** The requests, in table order: label to request text (the same bytes go to every server). */
  static final Map<String, String> REQUESTS = new LinkedHashMap<>();

  static final String GET_1MB = "`get big` (1,000,000-byte value)";
  static final String GET_100KB = "`get mid` (100,000-byte value)";
  /** The 1 MB get padded with a missing 46-byte key to 64 bytes: room for safecached's too-large error. */
  static final String GET_1MB_PADDED = "`get big ppp...` (same value, request padded with a missing key)";

  static {
    REQUESTS.put(GET_1MB, "get big\r\n");
    REQUESTS.put(GET_100KB, "get mid\r\n");
    REQUESTS.put(GET_1MB_PADDED, "get big " + "p".repeat(46) + "\r\n");
    REQUESTS.put("`stats`", "stats\r\n");
    REQUESTS.put("`version`", "version\r\n");
  }

  private static final UdpAmplificationReport REPORT = new UdpAmplificationReport();

  static void storeValues(InetSocketAddress tcp) throws IOException {
    try (RawClient c = new RawClient(tcp)) {
      store(c, "big", ONE_MB);
      store(c, "mid", HUNDRED_KB);
    }
  }

  static void store(RawClient c, String key, int size) throws IOException {
    byte[] value = new byte[size];
    Arrays.fill(value, (byte) 'x');
    c.send("set " + key + " 0 0 " + size + "\r\n").send(value).send("\r\n");
    assertThat(c.readLine()).as("set %s over TCP", key).isEqualTo("STORED");
  }

  /** Sends framed {@code version} until an answer comes (the UDP socket may be bound just after TCP listens). */
  static void awaitUdp(UdpTestClient client) throws IOException {
    for (int i = 0; i < 50; i++) {
      UdpTestClient.Exchange e = client.request(0xfff0 + (i % 8), "version\r\n".getBytes(StandardCharsets.US_ASCII),
          100, 200);
      if (e.complete()) {
        return;
      }
    }
    throw new IOException("no UDP answer to version within 50 tries");
  }

  /**
   * Measures every request; a request whose reply arrived incomplete (a datagram lost in the receive buffer) is
   * retried up to three times so the figures are the server's, not the socket's.
   */
  static void measure(String server, String source, UdpTestClient client) throws IOException {
    int id = 1;
    for (Map.Entry<String, String> r : REQUESTS.entrySet()) {
      UdpTestClient.Exchange best = null;
      for (int attempt = 0; attempt < 3; attempt++) {
        best = client.request(id++, r.getValue().getBytes(StandardCharsets.US_ASCII), 300, 10_000);
        if (best.complete() || best.forRequest().isEmpty()) {
          break;
        }
      }
      REPORT.add(server, source, r.getKey(), best);
    }
  }

  static UdpAmplificationReport.Row row(String server, String source, String request) {
    return REPORT.rows().stream()
        .filter(r -> r.server().equals(server) && r.source().equals(source) && r.request().equals(request))
        .findFirst().orElseThrow(() -> new AssertionError("no row for " + server + "/" + source + "/" + request));
  }

  @Test
  @Order(1)
  void memcachedAmplifiesTheBigGetMoreThanAThousandTimes() throws Exception {
    int udpPort = UdpTestClient.freeUdpPort();
    try (MemcachedProcess mc = MemcachedProcess.start("-U", Integer.toString(udpPort), "-I", "2m")) {
      storeValues(mc.address());
      try (UdpTestClient client = UdpTestClient.untrusted(udpPort)) {
        awaitUdp(client);
        measure("memcached 1.6 `-U`", "127.0.0.2", client);
      }
    }
    UdpAmplificationReport.Row big = row("memcached 1.6 `-U`", "127.0.0.2", GET_1MB);
    assertThat(big.complete()).as("memcached's 1 MB reply arrived whole: %s", big).isTrue();
    assertThat(big.ratio()).as("memcached amplification of a 1 MB get").isGreaterThan(1000);
    assertThat(big.datagrams()).isGreaterThan(700);
  }

  @Test
  @Order(2)
  void safecachedNeverAmplifiesForAnUntrustedSource() throws Exception {
    int udpPort = UdpTestClient.freeUdpPort();
    ServerConfig.UdpPolicy policy = ServerConfig.UdpPolicy.DEFAULT.withAllow(List.of(Cidr.parse("127.0.0.1/32")));
    try (TestServer server = TestServer.start(b -> b.udpPort(udpPort).maxItemSize(2 * 1024 * 1024).udp(policy))) {
      storeValues(server.address());
      try (UdpTestClient trusted = UdpTestClient.trusted(udpPort)) {
        awaitUdp(trusted);
        measure("safecached", "127.0.0.1 (trusted)", trusted);
      }
      try (UdpTestClient untrusted = UdpTestClient.untrusted(udpPort)) {
        measure("safecached", "127.0.0.2 (untrusted)", untrusted);
        assertThat(untrusted.bytesReceived()).as("all bytes an untrusted source received")
            .isLessThanOrEqualTo(untrusted.bytesSent());
      }
    }
    UdpAmplificationReport.Row trustedBig = row("safecached", "127.0.0.1 (trusted)", GET_1MB);
    assertThat(trustedBig.complete()).as("a trusted source gets the whole 1 MB value: %s", trustedBig).isTrue();
    assertThat(trustedBig.replyBytes()).isGreaterThan(ONE_MB);
    UdpAmplificationReport.Row padded = row("safecached", "127.0.0.2 (untrusted)", GET_1MB_PADDED);
    assertThat(padded.requestBytes()).isEqualTo(64);
    assertThat(padded.replyBytes()).as("one SERVER_ERROR response too large for UDP datagram")
        .isEqualTo(UdpTestClient.HEADER + "SERVER_ERROR response too large for UDP\r\n".length());
    for (String request : REQUESTS.keySet()) {
      UdpAmplificationReport.Row r = row("safecached", "127.0.0.2 (untrusted)", request);
      assertThat(r.ratio()).as("untrusted amplification of %s", request).isLessThanOrEqualTo(1.0);
    }
  }

  @AfterAll
  static void writeReport() throws IOException {
    if (REPORT.rows().isEmpty()) {
      return;
    }
    REPORT.write(Path.of("target", "udp-amplification.md"),
        "Written by UdpComparisonIT. Request and reply bytes are UDP payload bytes, the 8-byte frame header "
        + "included; the on-wire ratio adds 28 bytes of IPv4 and UDP headers per datagram. memcached 1.6 runs "
        + "with `-U <port> -I 2m` and answers every source alike; safecached runs with `-U <port> -I 2m` and "
        + "`--udp-allow 127.0.0.1/32`, other settings default.");
  }
}
