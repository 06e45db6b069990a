package io.safecached.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.safecached.config.Cidr;
import io.safecached.config.ServerConfig;
import io.safecached.server.udp.UdpTestClient;
import io.safecached.testsupport.TestCertificates;
import io.safecached.testsupport.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The access policy on every listener kind: --allow closes other sources at accept on TCP and TLS and drops
 * their UDP datagrams; with -Y, UDP answers only --udp-allow sources.
 */
class AllowlistIT {
  private static final int TIMEOUT_MS = 2000;
  private static final ServerConfig.Access ALLOW_LOCAL =
      new ServerConfig.Access(null, false, List.of(Cidr.parse("127.0.0.1/32")), Set.of());

  /** Sends {@code version} from {@code source} and returns the reply line, or null when the server closed. */
  private static String versionFrom(String source, InetSocketAddress server) throws IOException {
    try (Socket s = new Socket()) {
      s.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
      s.setSoTimeout(TIMEOUT_MS);
      s.connect(server, TIMEOUT_MS);
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      try {
        out.write("version\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
      } catch (IOException e) {
        return null; // reset by the server
      }
      StringBuilder line = new StringBuilder();
      int b;
      try {
        while ((b = in.read()) >= 0 && b != '\n') {
          line.append((char) b);
        }
      } catch (IOException e) {
        return null;
      }
      return b < 0 ? null : line.toString().strip();
    }
  }

  @Test
  void onlyAllowedSourcesAreServedAndTheOthersAreCounted() throws Exception {
    try (TestServer server = TestServer.start(b -> b.access(
        new ServerConfig.Access(null, false, List.of(Cidr.parse("127.0.0.2/32")), Set.of())))) { // TCP
      assertThat(versionFrom("127.0.0.2", server.address())).startsWith("VERSION ");
      assertThat(versionFrom("127.0.0.1", server.address())).as("127.0.0.1 is not in --allow").isNull();
      assertThat(versionFrom("127.0.0.3", server.address())).isNull();
      assertThat(statFrom("127.0.0.2", server.address(), "", "rejected_by_allowlist")).isEqualTo("2");
      assertThat(statFrom("127.0.0.2", server.address(), "", "total_connections"))
          .as("refused connections never count: the version connection and the two stats ones").isEqualTo("3");
    }
  }

  /** One general statistic, read from {@code source} after sending {@code first} (e.g. a login). */
  private static String statFrom(String source, InetSocketAddress server, String first, String name)
      throws IOException {
    try (Socket s = new Socket()) {
      s.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
      s.setSoTimeout(TIMEOUT_MS);
      s.connect(server, TIMEOUT_MS);
      s.getOutputStream().write((first + "stats\r\n").getBytes(StandardCharsets.US_ASCII));
      String all = new String(readUntilEnd(s.getInputStream()), StandardCharsets.US_ASCII);
      for (String line : all.split("\r\n")) {
        if (line.startsWith("STAT " + name + " ")) {
          return line.substring(("STAT " + name + " ").length());
        }
      }
      return null;
    }
  }

  private static byte[] readUntilEnd(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0) {
      out.write(b);
      byte[] sofar = out.toByteArray();
      if (sofar.length >= 5
          && new String(sofar, sofar.length - 5, 5, StandardCharsets.US_ASCII).equals("END\r\n")) {
        break;
      }
    }
    return out.toByteArray();
  }

  @Test
  void withPasswordsUdpServesOnlyTrustedSources(@TempDir Path dir) throws Exception {
    Path users = Files.writeString(dir.resolve("users"), "alice:secret\n");
    int udpPort = UdpTestClient.freeUdpPort();
    try (TestServer server = TestServer.start(b -> b.udpPort(udpPort)
            .access(new ServerConfig.Access(users, false, List.of(), Set.of())));
         UdpTestClient trusted = UdpTestClient.trusted(udpPort);
         UdpTestClient other = new UdpTestClient(InetAddress.getByName("127.0.0.2"),
             new InetSocketAddress("127.0.0.1", udpPort))) {
      assertThat(trusted.request(1, "version\r\n").datagrams()).hasSize(1);
      assertThat(other.request(2, "version\r\n").datagrams()).as("UDP cannot log in").isEmpty();
      assertThat(statFrom("127.0.0.1", server.address(), "set auth 0 0 12\r\nalice secret\r\n",
          "udp_dropped_unauthenticated")).isEqualTo("1");
    }
  }

  /**
   * Regression: a source outside --allow was reset on TCP yet read {@code VALUE secret 0 6} over UDP. Now its
   * datagrams are dropped unread, even when --udp-allow trusts it, and counted in udp_dropped_not_allowed.
   */
  @Test
  void aSourceOutsideAllowGetsNothingOverUdp() throws Exception {
    int udpPort = UdpTestClient.freeUdpPort();
    try (TestServer server = TestServer.start(b -> b.udpPort(udpPort).access(ALLOW_LOCAL)
            .udp(ServerConfig.UdpPolicy.DEFAULT.withAllow(List.of(Cidr.parse("127.0.0.0/8"))).withWrites(true)));
         UdpTestClient allowed = UdpTestClient.trusted(udpPort);
         UdpTestClient other = UdpTestClient.untrusted(udpPort)) {
      assertThat(allowed.request(1, "set secret 0 0 6\r\ns3cret\r\n").text()).isEqualTo("STORED\r\n");
      assertThat(other.request(2, "get secret\r\n").datagrams()).as("outside --allow").isEmpty();
      assertThat(other.request(3, "set secret 0 0 1\r\nx\r\n").datagrams()).isEmpty();
      assertThat(other.request(4, "version\r\n").datagrams()).isEmpty();
      assertThat(allowed.request(5, "get secret\r\n").text()).isEqualTo("VALUE secret 0 6\r\ns3cret\r\nEND\r\n");
      assertThat(statFrom("127.0.0.1", server.address(), "", "udp_dropped_not_allowed")).isEqualTo("3");
      assertThat(versionFrom("127.0.0.2", server.address())).as("and TCP, as before").isNull();
    }
  }

  /** Without --allow, a UDP source outside --udp-allow is served limited: it reads, but may not write. */
  @Test
  void withoutAllowAnUntrustedUdpSourceReadsButCannotWrite() throws Exception {
    int udpPort = UdpTestClient.freeUdpPort();
    try (TestServer server = TestServer.start(b -> b.udpPort(udpPort)
            .udp(ServerConfig.UdpPolicy.DEFAULT.withMaxAmplification(10)));
         UdpTestClient trusted = UdpTestClient.trusted(udpPort);
         UdpTestClient other = UdpTestClient.untrusted(udpPort)) {
      assertThat(trusted.request(1, "set k 0 0 1\r\nv\r\n").text()).isEqualTo("STORED\r\n");
      assertThat(other.request(2, "get k\r\n").text()).isEqualTo("VALUE k 0 1\r\nv\r\nEND\r\n");
      assertThat(other.request(3, "flush_all\r\n").text())
          .isEqualTo("SERVER_ERROR UDP writes not allowed from this source\r\n");
      assertThat(trusted.request(4, "get k\r\n").text()).isEqualTo("VALUE k 0 1\r\nv\r\nEND\r\n");
      assertThat(statFrom("127.0.0.1", server.address(), "", "udp_dropped_not_allowed"))
          .as("shown only with --allow").isNull();
    }
  }

  /** A TLS listener asks the same policy: a source outside --allow is closed before the handshake. */
  @Test
  void aSourceOutsideAllowIsClosedOnATlsListener(@TempDir Path dir) throws Exception {
    TestCertificates certs = TestCertificates.generate(dir);
    try (TestServer server = TestServer.start(b -> b.access(ALLOW_LOCAL).tls(new ServerConfig.Tls(
        certs.server().cert(), certs.server().key(), null, 0, null, null, Set.of())))) {
      SSLContext context = certs.clientContext(null);
      assertThat(tlsVersionFrom(context, "127.0.0.1", server.address())).startsWith("VERSION ");
      assertThat(tlsVersionFrom(context, "127.0.0.2", server.address())).as("outside --allow").isNull();
    }
  }

  /** Sends {@code version} over TLS from {@code source}; null when the connection or handshake was refused. */
  private static String tlsVersionFrom(SSLContext context, String source, InetSocketAddress server)
      throws IOException {
    try (SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket()) {
      s.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
      s.setSoTimeout(TIMEOUT_MS);
      s.connect(server, TIMEOUT_MS);
      try {
        s.getOutputStream().write("version\r\n".getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = s.getInputStream().read()) >= 0 && b != '\n') {
          line.append((char) b);
        }
        return b < 0 ? null : line.toString().strip();
      } catch (IOException e) {
        return null; // the handshake failed: the server closed the connection
      }
    }
  }
}
