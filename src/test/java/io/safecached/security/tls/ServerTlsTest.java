package io.safecached.security.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.safecached.testsupport.TestCertificates;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Building a {@link ServerTls}: the files it reads, the errors it reports, its stats and cipher handling. */
class ServerTlsTest {
  @TempDir
  static Path dir;
  static TestCertificates certs;

  @BeforeAll
  static void generate() throws IOException {
    certs = TestCertificates.generate(dir);
  }

  private static Path write(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content, StandardCharsets.US_ASCII);
  }

  @Test
  void missingChainFileNamesOptionAndFile() {
    Path missing = dir.resolve("missing.pem");
    assertThatThrownBy(() -> ServerTls.create(TlsSettings.of(missing, certs.server().key())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ssl_chain_cert " + missing + ": no such file");
  }

  @Test
  void checkFilesReportsWhatCreateWould() throws IOException {
    TlsSettings.of(certs.server().cert(), certs.server().key()).withClientCertificates(2, certs.ca().cert())
        .checkFiles();
    Path missing = dir.resolve("missing.key");
    assertThatThrownBy(() -> TlsSettings.of(certs.server().cert(), missing).checkFiles())
        .isInstanceOf(IllegalArgumentException.class).hasMessage("ssl_key " + missing + ": no such file");
    assertThatThrownBy(() -> TlsSettings.of(certs.server().cert(), certs.client().key()).checkFiles())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not the key of the certificate");
    Path notCa = write("not-a-ca.pem", "hello\n");
    assertThatThrownBy(() -> TlsSettings.of(certs.server().cert(), certs.server().key())
        .withClientCertificates(1, notCa).checkFiles())
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("ssl_ca_cert " + notCa + ": not a PEM");
  }

  @Test
  void missingCaFileNamesOptionAndFile() {
    Path missing = dir.resolve("missing-ca.pem");
    assertThatThrownBy(() -> ServerTls.create(TlsSettings.of(certs.server().cert(), certs.server().key())
        .withClientCertificates(2, missing)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ssl_ca_cert " + missing + ": no such file");
  }

  @Test
  void keyThatIsNotPemRefused() throws IOException {
    Path garbage = write("garbage.key", "this is not a key\n");
    assertThatThrownBy(() -> ServerTls.create(TlsSettings.of(certs.server().cert(), garbage)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ssl_key " + garbage + ": not a PEM file (no -----BEGIN ...----- line)");
  }

  @Test
  void keyFileWithoutKeyRefused() {
    Path cert = certs.client().cert();
    assertThatThrownBy(() -> ServerTls.create(TlsSettings.of(certs.server().cert(), cert)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("ssl_key " + cert + ": no PEM private key");
  }

  @Test
  void corruptKeyRefused() throws IOException {
    Path corrupt = write("corrupt.key", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
    assertThatThrownBy(() -> ServerTls.create(TlsSettings.of(certs.server().cert(), corrupt)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ssl_key " + corrupt + ": not an RSA, EC or EdDSA private key this JVM can read");
  }

  @Test
  void chainFileWithoutCertificateRefused() {
    Path key = certs.server().key();
    assertThatThrownBy(() -> ServerTls.create(TlsSettings.of(key, key)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ssl_chain_cert " + key + ": no PEM certificate (-----BEGIN CERTIFICATE-----)");
  }

  @Test
  void keyOfAnotherCertificateRefused() {
    assertThatThrownBy(() -> ServerTls.create(TlsSettings.of(certs.server().cert(), certs.client().key())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("ssl_key " + certs.client().key() + " is not the key of the certificate in "
            + "ssl_chain_cert " + certs.server().cert());
  }

  @Test
  void encryptedKeyRefusedWithHowToDecrypt() throws IOException {
    Path encrypted = dir.resolve("encrypted.key");
    certs.openssl("pkcs8", "-topk8", "-in", certs.server().key().toString(), "-passout", "pass:secret",
        "-out", encrypted.toString());
    assertThatThrownBy(() -> ServerTls.create(TlsSettings.of(certs.server().cert(), encrypted)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the key is encrypted").hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
  }

  @Test
  void ecKeyInSec1FormRead() throws Exception {
    Path sec1 = dir.resolve("server-sec1.key");
    certs.openssl("ec", "-in", certs.server().key().toString(), "-out", sec1.toString());
    assertThat(Files.readString(sec1)).contains("BEGIN EC PRIVATE KEY");
    assertServes(ServerTls.create(TlsSettings.of(certs.server().cert(), sec1)));
  }

  @Test
  void rsaKeyInPkcs1FormRead() throws Exception {
    Path key = dir.resolve("rsa.key");
    Path cert = dir.resolve("rsa.pem");
    certs.openssl("genrsa", "-traditional", "-out", key.toString(), "2048");
    certs.openssl("req", "-new", "-key", key.toString(), "-out", dir.resolve("rsa.csr").toString(),
        "-subj", "/CN=localhost");
    Path ext = write("rsa.ext", "subjectAltName=IP:127.0.0.1\n");
    certs.openssl("x509", "-req", "-in", dir.resolve("rsa.csr").toString(), "-CA", certs.ca().cert().toString(),
        "-CAkey", certs.ca().key().toString(), "-set_serial", "77", "-days", "1", "-extfile", ext.toString(),
        "-out", cert.toString());
    assertThat(Files.readString(key)).contains("BEGIN RSA PRIVATE KEY");
    assertServes(ServerTls.create(TlsSettings.of(cert, key)));
  }

  @Test
  void keyInTheChainFileWhenNoKeyFileIsGiven() throws Exception {
    Path both = write("both.pem", Files.readString(certs.server().cert()) + Files.readString(certs.server().key()));
    ServerTls tls = ServerTls.create(new TlsSettings(both, null, null, 0, null, List.of()));
    assertThat(tls.settingsStats()).containsEntry("ssl_key", both.toString());
    assertServes(tls);
  }

  @Test
  void unknownCipherRefused() {
    assertThatThrownBy(() -> ServerTls.create(TlsSettings.of(certs.server().cert(), certs.server().key())
        .withCiphers(List.of("HIGH"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("ssl_ciphers: HIGH is not a cipher suite this JVM supports");
  }

  @Test
  void openSslCipherNamesBecomeJdkNamesAndTls13KeepsItsSuites() {
    List<String> ciphers = ServerTls.ciphers(List.of("ECDHE-ECDSA-AES128-GCM-SHA256"), List.of("TLSv1.3", "TLSv1.2"));
    assertThat(ciphers).startsWith("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256").contains("TLS_AES_128_GCM_SHA256");
    assertThat(ServerTls.ciphers(List.of("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"), List.of("TLSv1.2")))
        .containsExactly("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384");
    assertThat(ServerTls.ciphers(List.of("TLS_AES_256_GCM_SHA384"), List.of("TLSv1.3")))
        .containsExactly("TLS_AES_256_GCM_SHA384");
  }

  @Test
  void tls12ClientGetsTheConfiguredCipher() throws Exception {
    ServerTls tls = ServerTls.create(TlsSettings.of(certs.server().cert(), certs.server().key())
        .withCiphers(List.of("ECDHE-ECDSA-AES256-GCM-SHA384")));
    try (TlsEchoServer server = new TlsEchoServer(tls);
         SSLSocket s12 = server.connect(certs.clientContext(null), "TLSv1.2");
         SSLSocket s13 = server.connect(certs.clientContext(null), "TLSv1.3")) {
      s12.startHandshake();
      assertThat(s12.getSession().getCipherSuite()).isEqualTo("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384");
      s13.startHandshake();
      assertThat(s13.getSession().getProtocol()).isEqualTo("TLSv1.3");
    }
  }

  @Test
  void settingsStatsUseMemcachedNames() {
    ServerTls tls = ServerTls.create(new TlsSettings(certs.server().cert(), certs.server().key(), certs.ca().cert(),
        2, "tlsv1.3", List.of("TLS_AES_128_GCM_SHA256")));
    assertThat(tls.settingsStats()).containsExactly(
        entry("ssl_enabled", "yes"),
        entry("ssl_chain_cert", certs.server().cert().toString()),
        entry("ssl_key", certs.server().key().toString()),
        entry("ssl_verify_mode", "3"),
        entry("ssl_keyformat", "1"),
        entry("ssl_ciphers", "TLS_AES_128_GCM_SHA256"),
        entry("ssl_ca_cert", certs.ca().cert().toString()),
        entry("ssl_wbuf_size", "16384"),
        entry("ssl_session_cache", "yes"),
        entry("ssl_kernel_tls", "no"),
        entry("ssl_min_version", "tlsv1.3"));
    assertThat(ServerTls.create(TlsSettings.of(certs.server().cert(), certs.server().key())).settingsStats())
        .containsEntry("ssl_ca_cert", "NULL").containsEntry("ssl_ciphers", "NULL")
        .containsEntry("ssl_verify_mode", "0").containsEntry("ssl_min_version", "tlsv1.2");
  }

  /** memcached 1.6.18 shows ssl_verify_mode=2 as "STAT ssl_verify_mode 3" (OpenSSL's flag bits). */
  @Test
  void verifyModeShownAsMemcachedShowsIt() {
    assertThat(ServerTls.opensslVerifyFlags(0)).isZero();
    assertThat(ServerTls.opensslVerifyFlags(1)).isEqualTo(1);
    assertThat(ServerTls.opensslVerifyFlags(2)).isEqualTo(3);
    assertThat(ServerTls.opensslVerifyFlags(3)).isEqualTo(7);
  }

  @Test
  void statsCountFromTheLastSuccessfulLoad() throws IOException {
    AtomicLong clock = new AtomicLong(1_000_000);
    Path cert = Files.copy(certs.server().cert(), dir.resolve("stats.pem"));
    ServerTls tls = ServerTls.create(TlsSettings.of(cert, certs.server().key()), clock::get);
    assertThat(tls.stats()).containsExactly(entry("ssl_handshake_errors", "0"),
        entry("time_since_server_cert_refresh", "0"), entry("ssl_cert_reloads", "0"),
        entry("ssl_cert_reload_failures", "0"));
    clock.addAndGet(5_999);
    assertThat(tls.stats()).containsEntry("time_since_server_cert_refresh", "5");
    assertThat(tls.reload()).isNull();
    assertThat(tls.stats()).containsEntry("time_since_server_cert_refresh", "0").containsEntry("ssl_cert_reloads", "1");
    clock.addAndGet(3_000);
    Files.writeString(cert, "truncated");
    assertThat(tls.reload()).startsWith("ssl_chain_cert " + cert + ": not a PEM file");
    assertThat(tls.stats()).containsEntry("time_since_server_cert_refresh", "3")
        .containsEntry("ssl_cert_reload_failures", "1");
  }

  @Test
  void describeSaysWhatClientsMustPresent() {
    ServerTls tls = ServerTls.create(TlsSettings.of(certs.server().cert(), certs.server().key())
        .withClientCertificates(2, certs.ca().cert()));
    assertThat(tls.describe()).startsWith("TLS 1.2+ (JDK), client certificates required (CA " + certs.ca().cert())
        .contains("CN=localhost").contains("serial " + certs.server().serial().toString(16));
    assertThat(tls.provider()).isEqualTo("JDK");
  }

  private static java.util.Map.Entry<String, String> entry(String k, String v) {
    return java.util.Map.entry(k, v);
  }

  private static void assertServes(ServerTls tls) throws Exception {
    try (TlsEchoServer server = new TlsEchoServer(tls); SSLSocket s = server.connect(certs.clientContext(null))) {
      s.startHandshake();
      assertThat(TlsEchoServer.echo(s, "ok")).isEqualTo("ok");
    }
  }
}
