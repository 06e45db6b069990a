package io.safecached.security.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Validation and normalisation of memcached's ssl_* option values. */
class TlsSettingsTest {
  private static final Path CERT = Path.of("server.pem");
  private static final Path KEY = Path.of("server.key");
  private static final Path CA = Path.of("ca.pem");

  @Test
  void defaultsAreTls12NoClientCertificatesDefaultCiphers() {
    TlsSettings s = TlsSettings.of(CERT, KEY);
    assertThat(s.minVersion()).isEqualTo("tlsv1.2");
    assertThat(s.verifyMode()).isZero();
    assertThat(s.caCert()).isNull();
    assertThat(s.ciphers()).isEmpty();
    assertThat(s.requiresClientCertificates()).isFalse();
  }

  @Test
  void keyDefaultsToTheChainFileAsMemcached() {
    TlsSettings s = new TlsSettings(CERT, null, null, 0, null, null);
    assertThat(s.key()).isEqualTo(CERT);
    assertThat(s.ciphers()).isEmpty();
  }

  @Test
  void chainIsRequired() {
    assertThatThrownBy(() -> TlsSettings.of(null, KEY))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ssl_chain_cert");
  }

  @Test
  void verifyModesOneToThreeNeedACa() {
    for (int mode = 1; mode <= 3; mode++) {
      int m = mode;
      assertThatThrownBy(() -> TlsSettings.of(CERT, KEY).withClientCertificates(m, null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("ssl_verify_mode=" + m + " checks client certificates and needs the CA that signs them"
              + " (-o ssl_ca_cert=<file>)");
      assertThat(TlsSettings.of(CERT, KEY).withClientCertificates(m, CA).requiresClientCertificates())
          .isEqualTo(m >= 2);
    }
  }

  @Test
  void verifyModeOutOfRangeRefused() {
    assertThatThrownBy(() -> TlsSettings.of(CERT, KEY).withClientCertificates(4, CA))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("ssl_verify_mode must be 0");
    assertThatThrownBy(() -> TlsSettings.of(CERT, KEY).withClientCertificates(-1, CA))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("ssl_verify_mode must be 0");
  }

  @Test
  void minVersionAcceptsMemcachedNumbersAndNames() {
    assertThat(TlsSettings.parseMinVersion(null)).isEqualTo("tlsv1.2");
    assertThat(TlsSettings.parseMinVersion("2")).isEqualTo("tlsv1.2");
    assertThat(TlsSettings.parseMinVersion("TLSv1.2")).isEqualTo("tlsv1.2");
    assertThat(TlsSettings.parseMinVersion("3")).isEqualTo("tlsv1.3");
    assertThat(TlsSettings.parseMinVersion("tlsv1.3")).isEqualTo("tlsv1.3");
    assertThat(TlsSettings.of(CERT, KEY).withMinVersion("3").minVersion()).isEqualTo("tlsv1.3");
  }

  @Test
  void minVersionBelowTls12Refused() {
    for (String v : List.of("0", "1", "tlsv1.0", "tlsv1.1", "TLSv1")) {
      assertThatThrownBy(() -> TlsSettings.of(CERT, KEY).withMinVersion(v))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("is refused: TLS 1.0 and 1.1 are broken");
    }
    assertThatThrownBy(() -> TlsSettings.parseMinVersion("4"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ssl_min_version must be 2 (tlsv1.2) or 3 (tlsv1.3), not 4");
  }

  @Test
  void cipherListsSplitLikeOpenSsl() {
    assertThat(TlsSettings.parseCiphers("ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384"))
        .containsExactly("ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES256-GCM-SHA384");
    assertThat(TlsSettings.parseCiphers("a, b c")).containsExactly("a", "b", "c");
    assertThat(TlsSettings.parseCiphers(null)).isEmpty();
    assertThat(TlsSettings.parseCiphers(" ")).isEmpty();
  }

  @Test
  void blankCipherNameRefused() {
    assertThatThrownBy(() -> TlsSettings.of(CERT, KEY).withCiphers(List.of("")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ssl_ciphers");
  }
}
