package io.safecached.security.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.safecached.testsupport.TestCertificates;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS through a {@link ServerTls} handler on a loopback socket, with JDK clients: handshake, versions, refusals. */
class TlsHandshakeTest {
  @TempDir
  static Path dir;
  static TestCertificates certs;

  @BeforeAll
  static void generate() throws IOException {
    certs = TestCertificates.generate(dir);
  }

  private static TlsSettings serverOnly() {
    return TlsSettings.of(certs.server().cert(), certs.server().key());
  }

  @Test
  void handshakeAndEchoWithAClientTrustingTheCa() throws Exception {
    ServerTls tls = ServerTls.create(serverOnly());
    try (TlsEchoServer server = new TlsEchoServer(tls);
         SSLSocket s = server.connect(certs.clientContext(null))) {
      s.startHandshake();
      assertThat(TlsEchoServer.serverSerial(s)).isEqualTo(certs.server().serial());
      assertThat(s.getSession().getProtocol()).isIn("TLSv1.3", "TLSv1.2");
      assertThat(TlsEchoServer.echo(s, "version\r\n")).isEqualTo("version\r\n");
      assertThat(tls.handshakeErrors()).isZero();
    }
  }

  @Test
  void tls12ClientAcceptedByDefault() throws Exception {
    ServerTls tls = ServerTls.create(serverOnly());
    assertThat(tls.protocols()).containsExactly("TLSv1.3", "TLSv1.2");
    try (TlsEchoServer server = new TlsEchoServer(tls);
         SSLSocket s = server.connect(certs.clientContext(null), "TLSv1.2")) {
      s.startHandshake();
      assertThat(s.getSession().getProtocol()).isEqualTo("TLSv1.2");
      assertThat(TlsEchoServer.echo(s, "x")).isEqualTo("x");
    }
  }

  @Test
  void tls12ClientRefusedWhenTheMinimumIsTls13() throws Exception {
    ServerTls tls = ServerTls.create(serverOnly().withMinVersion("3"));
    assertThat(tls.protocols()).containsExactly("TLSv1.3");
    try (TlsEchoServer server = new TlsEchoServer(tls);
         SSLSocket s = server.connect(certs.clientContext(null), "TLSv1.2")) {
      assertThatThrownBy(s::startHandshake).isInstanceOf(SSLException.class);
      awaitCount(tls::handshakeErrors, 1);
      assertThat(server.applicationReads).hasValue(0);
    }
  }

  /**
   * The JDK cannot even offer TLS 1.1 any more (jdk.tls.disabledAlgorithms), so an OpenSSL client does: its
   * ClientHello reaches the server, which refuses it and counts the failure.
   */
  @Test
  void tls11ClientRefused() throws Exception {
    ServerTls tls = ServerTls.create(serverOnly());
    try (TlsEchoServer server = new TlsEchoServer(tls)) {
      Process p = new ProcessBuilder(TestCertificates.OPENSSL, "s_client", "-connect",
          "127.0.0.1:" + server.address().getPort(), "-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0", "-quiet",
          "-no_ign_eof").redirectErrorStream(true).start();
      try {
        try (OutputStream in = p.getOutputStream()) {
          in.write("version\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).as("openssl s_client finished").isTrue();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(output).isNotZero();
        assertThat(output).contains("alert protocol version").doesNotContain("version\r");
      } finally {
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
      awaitCount(tls::handshakeErrors, 1);
      assertThat(server.applicationReads).hasValue(0);
    }
  }

  @Test
  void clientWithoutCertificateRefusedWhenRequired() throws Exception {
    ServerTls tls = ServerTls.create(serverOnly().withClientCertificates(2, certs.ca().cert()));
    try (TlsEchoServer server = new TlsEchoServer(tls);
         SSLSocket s = server.connect(certs.clientContext(null))) {
      assertNoApplicationData(s);
      awaitCount(tls::handshakeErrors, 1);
      assertThat(server.applicationReads).hasValue(0);
    }
  }

  @Test
  void untrustedClientCertificateRefused() throws Exception {
    for (int mode : new int[] {1, 2, 3}) {
      ServerTls tls = ServerTls.create(serverOnly().withClientCertificates(mode, certs.ca().cert()));
      try (TlsEchoServer server = new TlsEchoServer(tls);
           SSLSocket s = server.connect(certs.clientContext(certs.untrustedClient()))) {
        assertNoApplicationData(s);
        awaitCount(tls::handshakeErrors, 1);
        assertThat(server.applicationReads).as("verify mode %d", mode).hasValue(0);
      }
    }
  }

  @Test
  void trustedClientCertificateAccepted() throws Exception {
    for (int mode : new int[] {1, 2, 3}) {
      ServerTls tls = ServerTls.create(serverOnly().withClientCertificates(mode, certs.ca().cert()));
      try (TlsEchoServer server = new TlsEchoServer(tls);
           SSLSocket s = server.connect(certs.clientContext(certs.client()))) {
        s.startHandshake();
        assertThat(TlsEchoServer.echo(s, "stats\r\n")).as("verify mode %d", mode).isEqualTo("stats\r\n");
        assertThat(tls.handshakeErrors()).isZero();
      }
    }
  }

  @Test
  void clientWithoutCertificateAcceptedWhenOnlyRequested() throws Exception {
    ServerTls tls = ServerTls.create(serverOnly().withClientCertificates(1, certs.ca().cert()));
    try (TlsEchoServer server = new TlsEchoServer(tls);
         SSLSocket s = server.connect(certs.clientContext(null))) {
      s.startHandshake();
      assertThat(TlsEchoServer.echo(s, "x")).isEqualTo("x");
    }
  }

  @Test
  void clientCertificatesIgnoredWithVerifyModeNone() throws Exception {
    ServerTls tls = ServerTls.create(serverOnly());
    try (TlsEchoServer server = new TlsEchoServer(tls);
         SSLSocket s = server.connect(certs.clientContext(certs.untrustedClient()))) {
      s.startHandshake();
      assertThat(TlsEchoServer.echo(s, "x")).isEqualTo("x");
    }
  }

  @Test
  void clientNotTrustingTheServerCertificateFails() throws Exception {
    ServerTls tls = ServerTls.create(serverOnly());
    try (TlsEchoServer server = new TlsEchoServer(tls);
         SSLSocket s = server.connect(certs.clientContext(null, certs.untrustedCa()))) {
      assertThatThrownBy(s::startHandshake).isInstanceOf(SSLException.class);
      awaitCount(tls::handshakeErrors, 1);
    }
  }

  @Test
  void plaintextTextClientGetsNothingBackAndIsClosed() throws Exception {
    ServerTls tls = ServerTls.create(serverOnly());
    try (TlsEchoServer server = new TlsEchoServer(tls); Socket s = server.connectPlain()) {
      s.getOutputStream().write("stats\r\nversion\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(TlsEchoServer.readUntilClosed(s)).isEmpty();
      awaitCount(tls::handshakeErrors, 1);
      assertThat(server.applicationReads).hasValue(0);
    }
  }

  /** 0x80 would read as an SSLv2 record header and keep the connection waiting; it is closed at once instead. */
  @Test
  void plaintextBinaryClientGetsNothingBackAndIsClosed() throws Exception {
    ServerTls tls = ServerTls.create(serverOnly());
    try (TlsEchoServer server = new TlsEchoServer(tls); Socket s = server.connectPlain()) {
      byte[] versionRequest = new byte[24];
      versionRequest[0] = (byte) 0x80;
      versionRequest[1] = 0x0b;
      long start = System.nanoTime();
      s.getOutputStream().write(versionRequest);
      assertThat(TlsEchoServer.readUntilClosed(s)).isEmpty();
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
          .as("closed well before the handshake timeout").isLessThan(ServerTls.HANDSHAKE_TIMEOUT_MILLIS / 2);
      awaitCount(tls::handshakeErrors, 1);
    }
  }

  @Test
  void peerSendingNothingIsClosedAfterTheHandshakeTimeout() throws Exception {
    ServerTls tls = ServerTls.create(serverOnly());
    tls.handshakeTimeoutMillis(200);
    try (TlsEchoServer server = new TlsEchoServer(tls); Socket s = server.connectPlain()) {
      long start = System.nanoTime();
      assertThat(TlsEchoServer.readUntilClosed(s)).isEmpty();
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(150L, 4_000L);
      awaitCount(tls::handshakeErrors, 1);
    }
  }

  @Test
  void peerLeavingMidHandshakeCountsButOneLeavingWithoutAByteDoesNot() throws Exception {
    ServerTls tls = ServerTls.create(serverOnly());
    try (TlsEchoServer server = new TlsEchoServer(tls)) {
      try (Socket scan = server.connectPlain()) {
        scan.shutdownOutput();
        assertThat(TlsEchoServer.readUntilClosed(scan)).isEmpty();
      }
      try (Socket partial = server.connectPlain()) {
        partial.getOutputStream().write(new byte[] {0x16, 0x03, 0x01});
        partial.shutdownOutput();
        assertThat(TlsEchoServer.readUntilClosed(partial)).isEmpty();
      }
      awaitCount(tls::handshakeErrors, 1);
    }
  }

  /**
   * With TLS 1.3 the client may finish its side of the handshake before the server has checked its certificate,
   * so the refusal shows on the first read: an alert (SSLException) or the end of the stream; never data.
   */
  static void assertNoApplicationData(SSLSocket s) {
    try {
      s.startHandshake();
      OutputStream out = s.getOutputStream();
      out.write("get k\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertThat(s.getInputStream().read()).isEqualTo(-1);
    } catch (IOException expected) {
      assertThat(expected).isInstanceOfAny(SSLException.class, java.net.SocketException.class);
    }
  }

  /** Waits up to five seconds for {@code counter} (updated on the server's thread) to reach {@code expected}. */
  static void awaitCount(LongSupplier counter, long expected) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (counter.getAsLong() < expected && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(counter.getAsLong()).isEqualTo(expected);
  }
}
