package io.safecached.security.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.safecached.config.ServerConfig;
import io.safecached.testsupport.TestCertificates;
import io.safecached.testsupport.TestCertificates.Identity;
import io.safecached.testsupport.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole server with {@code -Z}: memcached commands over TLS, mutual TLS, refresh_certs, notls: listeners,
 * the ssl stats, and a plaintext client on a TLS port getting nothing.
 */
class TlsServerIT {
  private static final int TIMEOUT_MS = 5_000;

  @TempDir
  static Path dir;
  static TestCertificates certs;

  @BeforeAll
  static void generate() throws IOException {
    certs = TestCertificates.generate(dir);
  }

  private static ServerConfig.Tls tls(Path cert, Path key, Path ca, int verifyMode) {
    return new ServerConfig.Tls(cert, key, ca, verifyMode, null, null, Set.of());
  }

  private static SSLSocket connect(InetSocketAddress address, SSLContext context) throws IOException {
    SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket();
    s.connect(address, TIMEOUT_MS);
    s.setSoTimeout(TIMEOUT_MS);
    return s;
  }

  /** Sends a command and reads the reply up to and including {@code end}. */
  private static String call(Socket s, String command, String end) throws IOException {
    OutputStream out = s.getOutputStream();
    out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
    InputStream in = s.getInputStream();
    ByteArrayOutputStream reply = new ByteArrayOutputStream();
    while (!reply.toString(StandardCharsets.US_ASCII).endsWith(end)) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed after " + reply.toString(StandardCharsets.US_ASCII));
      }
      reply.write(b);
    }
    return reply.toString(StandardCharsets.US_ASCII);
  }

  private static BigInteger serial(SSLSocket s) throws IOException {
    s.startHandshake();
    return ((java.security.cert.X509Certificate) s.getSession().getPeerCertificates()[0]).getSerialNumber();
  }

  @Test
  void textMetaAndStatsOverTls() throws Exception {
    try (TestServer server = TestServer.start(b -> b.tls(tls(certs.server().cert(), certs.server().key(), null, 0)));
         SSLSocket s = connect(server.address(), certs.clientContext(null))) {
      assertThat(call(s, "set k 0 0 5\r\nhello", "\r\n")).isEqualTo("STORED\r\n");
      assertThat(call(s, "get k", "END\r\n")).isEqualTo("VALUE k 0 5\r\nhello\r\nEND\r\n");
      assertThat(call(s, "mg k v", "\r\nhello\r\n")).isEqualTo("VA 5\r\nhello\r\n");
      String settings = call(s, "stats settings", "END\r\n");
      assertThat(settings).contains("STAT ssl_enabled yes\r\n", "STAT ssl_verify_mode 0\r\n",
          "STAT ssl_min_version tlsv1.2\r\n", "STAT ssl_chain_cert " + certs.server().cert() + "\r\n");
    }
  }

  @Test
  void plaintextClientOnTheTlsPortGetsNothingAndIsCounted() throws Exception {
    try (TestServer server = TestServer.start(b -> b.tls(tls(certs.server().cert(), certs.server().key(), null, 0)))) {
      try (Socket plain = new Socket()) {
        plain.connect(server.address(), TIMEOUT_MS);
        plain.setSoTimeout(TIMEOUT_MS);
        plain.getOutputStream().write("stats\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(plain.getInputStream().readAllBytes()).isEmpty();
      }
      try (SSLSocket s = connect(server.address(), certs.clientContext(null))) {
        assertThat(call(s, "stats", "END\r\n")).contains("STAT ssl_handshake_errors 1\r\n")
            .contains("STAT time_since_server_cert_refresh ");
      }
    }
  }

  @Test
  void mutualTlsRefusesClientsWithoutATrustedCertificate() throws Exception {
    try (TestServer server = TestServer.start(
        b -> b.tls(tls(certs.server().cert(), certs.server().key(), certs.ca().cert(), 2)))) {
      try (SSLSocket s = connect(server.address(), certs.clientContext(certs.client()))) {
        assertThat(call(s, "version", "\r\n")).startsWith("VERSION ");
        assertThat(call(s, "stats settings", "END\r\n")).as("shown as memcached shows it")
            .contains("STAT ssl_verify_mode 3\r\n");
      }
      for (Identity refused : new Identity[] {null, certs.untrustedClient()}) {
        try (SSLSocket s = connect(server.address(), certs.clientContext(refused))) {
          TlsHandshakeTest.assertNoApplicationData(s);
        }
      }
    }
  }

  @Test
  void refreshCertsServesTheNewCertificateToNewConnections() throws Exception {
    Path cert = dir.resolve("live.pem");
    Path key = dir.resolve("live.key");
    Files.copy(certs.server().cert(), cert, StandardCopyOption.REPLACE_EXISTING);
    Files.copy(certs.server().key(), key, StandardCopyOption.REPLACE_EXISTING);
    try (TestServer server = TestServer.start(b -> b.tls(tls(cert, key, null, 0)));
         SSLSocket admin = connect(server.address(), certs.clientContext(null))) {
      assertThat(serial(admin)).isEqualTo(certs.server().serial());
      Identity next = certs.newServer("refreshed");
      Files.copy(next.key(), key, StandardCopyOption.REPLACE_EXISTING);
      Files.copy(next.cert(), cert, StandardCopyOption.REPLACE_EXISTING);
      assertThat(call(admin, "refresh_certs", "\r\n")).isEqualTo("OK\r\n");
      try (SSLSocket fresh = connect(server.address(), certs.clientContext(null))) {
        assertThat(serial(fresh)).isEqualTo(next.serial());
      }
      assertThat(call(admin, "version", "\r\n")).startsWith("VERSION ");

      Files.writeString(key, "not a key");
      assertThat(call(admin, "refresh_certs", "\r\n")).isNotEqualTo("OK\r\n");
      try (SSLSocket fresh = connect(server.address(), certs.clientContext(null))) {
        assertThat(serial(fresh)).as("a bad reload keeps the old certificate").isEqualTo(next.serial());
      }
    }
  }

  @Test
  void notlsListenerStaysPlaintext() throws Exception {
    InetSocketAddress tlsListener = new InetSocketAddress("127.0.0.1", 0);
    InetSocketAddress plainListener = new InetSocketAddress("127.0.0.2", 0);
    try (TestServer server = TestServer.start(b -> b.listen(List.of(tlsListener, plainListener))
        .tls(new ServerConfig.Tls(certs.server().cert(), certs.server().key(), null, 0, null, null,
            Set.of(plainListener))))) {
      List<InetSocketAddress> bound = server.server().boundAddresses();
      InetSocketAddress plainBound = bound.stream()
          .filter(a -> a.getAddress().equals(plainListener.getAddress())).findFirst().orElseThrow();
      try (Socket plain = new Socket()) {
        plain.connect(plainBound, TIMEOUT_MS);
        plain.setSoTimeout(TIMEOUT_MS);
        assertThat(call(plain, "version", "\r\n")).startsWith("VERSION ");
      }
      try (SSLSocket s = connect(server.address(), certs.clientContext(null))) {
        assertThat(call(s, "version", "\r\n")).startsWith("VERSION ");
      }
    }
  }
}
