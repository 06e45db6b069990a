package io.safecached.security.tls;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What TLS on the TCP listeners is built from: memcached's {@code -Z} options {@code ssl_chain_cert},
 * {@code ssl_key}, {@code ssl_ca_cert}, {@code ssl_verify_mode}, {@code ssl_min_version} and
 * {@code ssl_ciphers}.
 *
 * <p>The constructor checks what can be checked without reading files and throws
 * {@link IllegalArgumentException} with a one-line message; {@link ServerTls#create} reads the files and reports
 * missing or unreadable ones the same way.
 *
 * @param certChain  PEM file with the server certificate first, then any intermediates (required)
 * @param key        PEM file with the server's private key; null when it is in {@code certChain}, as memcached
 * @param caCert     PEM file with the CAs whose client certificates are accepted; null for none
 * @param verifyMode memcached's {@code ssl_verify_mode}: 0 none, 1 request (a certificate is asked for and, if
 *                   sent, must be trusted), 2 require, 3 once (the same as 2 here: renegotiation never asks
 *                   again)
 * @param minVersion {@code tlsv1.2} (the default, also for null) or {@code tlsv1.3}; memcached's numbers 2 and 3
 *                   and the JDK's {@code TLSv1.2}/{@code TLSv1.3} are accepted and normalised; anything older is
 *                   refused
 * @param ciphers    cipher suites for TLS 1.2, IANA ({@code TLS_ECDHE_...}) or OpenSSL ({@code ECDHE-...}) names;
 *                   empty for the JDK's defaults. As with memcached's {@code ssl_ciphers}, TLS 1.3 suites keep
 *                   their defaults unless the list names some.
 */
public record TlsSettings(Path certChain, Path key, Path caCert, int verifyMode, String minVersion,
                          List<String> ciphers) {
  /** No client certificate asked for. */
  public static final int VERIFY_NONE = 0;
  /** A client certificate is asked for; a client may send none, but one it sends must be trusted. */
  public static final int VERIFY_REQUEST = 1;
  /** A client certificate signed by the CA is required. */
  public static final int VERIFY_REQUIRE = 2;
  /** memcached's "once": required on the first handshake only; the same as {@link #VERIFY_REQUIRE} here. */
  public static final int VERIFY_ONCE = 3;
  /** The default and lowest accepted minimum protocol version. */
  public static final String TLS_1_2 = "tlsv1.2";
  /** The only other accepted minimum protocol version. */
  public static final String TLS_1_3 = "tlsv1.3";

  public TlsSettings {
    if (certChain == null) {
      throw new IllegalArgumentException("TLS needs a certificate chain (-o ssl_chain_cert=<file>)");
    }
    if (key == null) {
      key = certChain;
    }
    if (verifyMode < VERIFY_NONE || verifyMode > VERIFY_ONCE) {
      throw new IllegalArgumentException("ssl_verify_mode must be 0 (none), 1 (request), 2 (require) or 3 (once), not "
          + verifyMode);
    }
    if (verifyMode != VERIFY_NONE && caCert == null) {
      throw new IllegalArgumentException("ssl_verify_mode=" + verifyMode
          + " checks client certificates and needs the CA that signs them (-o ssl_ca_cert=<file>)");
    }
    minVersion = parseMinVersion(minVersion);
    ciphers = ciphers == null ? List.of() : List.copyOf(ciphers);
    for (String c : ciphers) {
      if (c.isBlank() || c.chars().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException("ssl_ciphers has an empty or blank cipher suite name: '" + c + "'");
      }
    }
  }

  /** Only the server certificate and key: no client certificates, TLS 1.2 or newer, default ciphers. */
  public static TlsSettings of(Path certChain, Path key) {
    return new TlsSettings(certChain, key, null, VERIFY_NONE, null, List.of());
  }

  /** The same settings with {@code verifyMode} and {@code caCert}. */
  public TlsSettings withClientCertificates(int verifyMode, Path caCert) {
    return new TlsSettings(certChain, key, caCert, verifyMode, minVersion, ciphers);
  }

  /** The same settings with another minimum protocol version. */
  public TlsSettings withMinVersion(String minVersion) {
    return new TlsSettings(certChain, key, caCert, verifyMode, minVersion, ciphers);
  }

  /** The same settings with another cipher suite list. */
  public TlsSettings withCiphers(List<String> ciphers) {
    return new TlsSettings(certChain, key, caCert, verifyMode, minVersion, ciphers);
  }

  /**
   * Reads the files as {@link ServerTls#create} would, without building anything: throws
   * {@link IllegalArgumentException} with a one-line message naming the option and the file when one is missing,
   * unreadable or not what it should be, or when the key is not the certificate's. For checking a configuration
   * before starting.
   */
  public void checkFiles() {
    java.util.List<java.security.cert.X509Certificate> chain = Pem.certificates("ssl_chain_cert", certChain);
    Pem.checkKeyMatches(Pem.privateKey("ssl_key", key), chain.get(0), key, certChain);
    if (caCert != null) {
      Pem.certificates("ssl_ca_cert", caCert);
    }
  }

  /** True when every client must present a certificate signed by the CA (modes 2 and 3). */
  public boolean requiresClientCertificates() {
    return verifyMode >= VERIFY_REQUIRE;
  }

  /**
   * {@code tlsv1.2} or {@code tlsv1.3} for memcached's {@code ssl_min_version} value (its numbers 0 to 3 or
   * the names, in any case); null means the default, {@code tlsv1.2}. TLS 1.0 and 1.1 are refused.
   */
  public static String parseMinVersion(String value) {
    if (value == null || value.isBlank()) {
      return TLS_1_2;
    }
    String v = value.trim().toLowerCase(Locale.ROOT);
    switch (v) {
      case "2", "tlsv1.2", "tls1.2":
        return TLS_1_2;
      case "3", "tlsv1.3", "tls1.3":
        return TLS_1_3;
      case "0", "1", "tlsv1", "tlsv1.0", "tls1.0", "tlsv1.1", "tls1.1", "sslv3":
        throw new IllegalArgumentException("ssl_min_version " + value
            + " is refused: TLS 1.0 and 1.1 are broken; use 2 (tlsv1.2, the default) or 3 (tlsv1.3)");
      default:
        throw new IllegalArgumentException("ssl_min_version must be 2 (tlsv1.2) or 3 (tlsv1.3), not " + value);
    }
  }

  /**
   * Splits memcached's {@code ssl_ciphers} value (an OpenSSL cipher list: names separated by colons, commas or
   * spaces) into names; null or blank gives an empty list.
   */
  public static List<String> parseCiphers(String value) {
    List<String> out = new ArrayList<>();
    if (value != null) {
      for (String s : value.split("[:,\\s]+")) {
        if (!s.isEmpty()) {
          out.add(s);
        }
      }
    }
    return List.copyOf(out);
  }
}
