package io.safecached.security.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.safecached.testsupport.TestCertificates;
import io.safecached.testsupport.TestCertificates.Identity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Certificate reload without a restart: new connections see the new certificate, a bad file changes nothing. */
class TlsReloadTest {
  @TempDir
  static Path certDir;
  static TestCertificates certs;
  @TempDir
  Path dir;
  Path liveCert;
  Path liveKey;

  @BeforeAll
  static void generate() throws IOException {
    certs = TestCertificates.generate(certDir);
  }

  @BeforeEach
  void installServerCertificate() throws IOException {
    liveCert = dir.resolve("live.pem");
    liveKey = dir.resolve("live.key");
    install(certs.server());
  }

  private void install(Identity identity) throws IOException {
    Files.copy(identity.key(), liveKey, StandardCopyOption.REPLACE_EXISTING);
    Files.copy(identity.cert(), liveCert, StandardCopyOption.REPLACE_EXISTING);
  }

  private java.math.BigInteger serialOfANewConnection(TlsEchoServer server) throws IOException {
    try (SSLSocket s = server.connect(certs.clientContext(null))) {
      s.startHandshake();
      assertThat(TlsEchoServer.echo(s, "x")).isEqualTo("x");
      return TlsEchoServer.serverSerial(s);
    }
  }

  @Test
  void reloadServesTheNewCertificateToNewConnectionsOnly() throws Exception {
    ServerTls tls = ServerTls.create(TlsSettings.of(liveCert, liveKey));
    try (TlsEchoServer server = new TlsEchoServer(tls);
         SSLSocket old = server.connect(certs.clientContext(null))) {
      old.startHandshake();
      assertThat(TlsEchoServer.serverSerial(old)).isEqualTo(certs.server().serial());

      Identity next = certs.newServer("next");
      install(next);
      assertThat(tls.reload()).isNull();

      assertThat(serialOfANewConnection(server)).isEqualTo(next.serial());
      assertThat(tls.certificate().getSerialNumber()).isEqualTo(next.serial());
      assertThat(TlsEchoServer.echo(old, "still here")).isEqualTo("still here");
      assertThat(TlsEchoServer.serverSerial(old)).isEqualTo(certs.server().serial());
      assertThat(tls.reloads()).isEqualTo(1);
      assertThat(tls.reloadFailures()).isZero();
    }
  }

  @Test
  void badReloadKeepsTheOldCertificate() throws Exception {
    ServerTls tls = ServerTls.create(TlsSettings.of(liveCert, liveKey));
    try (TlsEchoServer server = new TlsEchoServer(tls)) {
      Identity next = certs.newServer("next");
      // a new certificate copied in before its key: the pair does not match
      Files.copy(next.cert(), liveCert, StandardCopyOption.REPLACE_EXISTING);
      assertThat(tls.reload()).startsWith("ssl_key " + liveKey + " is not the key of the certificate");
      assertThat(serialOfANewConnection(server)).isEqualTo(certs.server().serial());

      Files.writeString(liveKey, "");
      assertThat(tls.reload()).isEqualTo("ssl_key " + liveKey + ": not a PEM file (no -----BEGIN ...----- line)");
      Files.delete(liveKey);
      assertThat(tls.reload()).isEqualTo("ssl_key " + liveKey + ": no such file");
      assertThat(serialOfANewConnection(server)).isEqualTo(certs.server().serial());
      assertThat(tls.reloadFailures()).isEqualTo(3);
      assertThat(tls.reloads()).isZero();

      Files.copy(next.key(), liveKey);
      assertThat(tls.reload()).isNull();
      assertThat(serialOfANewConnection(server)).isEqualTo(next.serial());
    }
  }

  @Test
  void reloadIfChangedReactsToModifiedFilesOnly() throws Exception {
    ServerTls tls = ServerTls.create(TlsSettings.of(liveCert, liveKey));
    assertThat(tls.reloadIfChanged()).isFalse();
    Identity next = certs.newServer("next");
    install(next);
    bumpModificationTimes();
    assertThat(tls.reloadIfChanged()).isTrue();
    assertThat(tls.certificate().getSerialNumber()).isEqualTo(next.serial());
    assertThat(tls.reloadIfChanged()).isFalse();
    assertThat(tls.reloads()).isEqualTo(1);

    // half-written: tried once, not again until the files change again
    Files.writeString(liveCert, "-----BEGIN CERTIFICATE-----\n");
    bumpModificationTimes();
    assertThat(tls.reloadIfChanged()).isTrue();
    assertThat(tls.reloadIfChanged()).isFalse();
    assertThat(tls.reloadFailures()).isEqualTo(1);
    assertThat(tls.certificate().getSerialNumber()).isEqualTo(next.serial());
  }

  @Test
  void watchReloadsOnItsOwn() throws Exception {
    ServerTls tls = ServerTls.create(TlsSettings.of(liveCert, liveKey));
    ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
    try {
      ScheduledFuture<?> watching = tls.watch(executor, Duration.ofMillis(10));
      Identity next = certs.newServer("next");
      install(next);
      bumpModificationTimes();
      TlsHandshakeTest.awaitCount(tls::reloads, 1);
      assertThat(tls.certificate().getSerialNumber()).isEqualTo(next.serial());
      watching.cancel(false);
    } finally {
      executor.shutdownNow();
      assertThat(executor.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }
  }

  /** Files written within one clock tick may keep their time; move it on explicitly. */
  private void bumpModificationTimes() throws IOException {
    for (Path p : new Path[] {liveCert, liveKey}) {
      FileTime t = Files.getLastModifiedTime(p);
      Files.setLastModifiedTime(p, FileTime.fromMillis(t.toMillis() + 2_000));
    }
  }
}
