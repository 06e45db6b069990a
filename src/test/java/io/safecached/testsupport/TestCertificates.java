package io.safecached.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Throwaway certificates for TLS tests, generated with {@code /usr/bin/openssl} into a directory the test owns
 * (a {@code @TempDir}): a CA, a server certificate for {@code localhost} and {@code 127.0.0.1} signed by it, a
 * client certificate signed by it, and a second, untrusted CA with a client certificate of its own. Every file
 * is PEM, keys are unencrypted PKCS#8 (EC P-256, fast to generate), as memcached's {@code -o ssl_*} options take
 * them. {@link #clientContext} builds a JDK client that trusts the test CA.
 */
public final class TestCertificates {
  /** The openssl binary; override with -Dopenssl.binary=... */
  public static final String OPENSSL = System.getProperty("openssl.binary", "/usr/bin/openssl");
  private static final long OPENSSL_TIMEOUT_SECONDS = 30;
  private static final Pattern PEM_BLOCK =
      Pattern.compile("-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

  /** A certificate and its key, both PEM files, and the serial number the certificate was issued with. */
  public record Identity(Path cert, Path key, BigInteger serial) {}

  private final Path dir;
  private final Identity ca;
  private final Identity server;
  private final Identity client;
  private final Identity untrustedCa;
  private final Identity untrustedClient;
  private final AtomicLong serials = new AtomicLong(1000);

  private TestCertificates(Path dir) throws IOException {
    this.dir = dir;
    this.ca = selfSigned("ca", "safecached test CA", BigInteger.valueOf(1));
    this.untrustedCa = selfSigned("untrusted-ca", "untrusted test CA", BigInteger.valueOf(2));
    this.server = issue(ca, "server", "localhost", true, BigInteger.valueOf(serials.incrementAndGet()));
    this.client = issue(ca, "client", "test client", false, BigInteger.valueOf(serials.incrementAndGet()));
    this.untrustedClient = issue(untrustedCa, "untrusted-client", "untrusted client", false,
        BigInteger.valueOf(serials.incrementAndGet()));
  }

  /** Generates the two CAs and the three certificates into {@code dir}; takes well under a second. */
  public static TestCertificates generate(Path dir) throws IOException {
    return new TestCertificates(dir);
  }

  /** The directory the files are in. */
  public Path dir() {
    return dir;
  }

  /** The trusted test CA. */
  public Identity ca() {
    return ca;
  }

  /** The server certificate (CN and DNS name {@code localhost}, IP {@code 127.0.0.1}) signed by {@link #ca()}. */
  public Identity server() {
    return server;
  }

  /** A client certificate signed by {@link #ca()}. */
  public Identity client() {
    return client;
  }

  /** A CA nobody trusts. */
  public Identity untrustedCa() {
    return untrustedCa;
  }

  /** A client certificate signed by {@link #untrustedCa()}. */
  public Identity untrustedClient() {
    return untrustedClient;
  }

  /**
   * Issues another server certificate for {@code localhost}/{@code 127.0.0.1} signed by {@link #ca()}, with a
   * fresh serial number, into files named after {@code name} and the serial.
   */
  public Identity newServer(String name) throws IOException {
    BigInteger serial = BigInteger.valueOf(serials.incrementAndGet());
    return issue(ca, name + "-" + serial, "localhost", true, serial);
  }

  /**
   * A JDK client context that trusts {@link #ca()} and, when {@code identity} is not null, presents it as its
   * client certificate, even when the server names other CAs (a JDK client would otherwise send none).
   */
  public SSLContext clientContext(Identity identity) throws IOException {
    return clientContext(identity, ca);
  }

  /** As {@link #clientContext(Identity)}, trusting {@code trusted} instead of the test CA. */
  public SSLContext clientContext(Identity identity, Identity trusted) throws IOException {
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", certificate(trusted.cert()));
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      KeyManager[] keyManagers = null;
      if (identity != null) {
        char[] password = "test".toCharArray();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("client", privateKey(identity.key()), password,
            new Certificate[] {certificate(identity.cert())});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, password);
        keyManagers = new KeyManager[] {new AlwaysPresent((X509ExtendedKeyManager) kmf.getKeyManagers()[0])};
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keyManagers, tmf.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot build the test client context: " + e, e);
    }
  }

  /** Reads the (first) certificate of a PEM file. */
  public static X509Certificate certificate(Path pem) throws IOException {
    try (InputStream in = Files.newInputStream(pem)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    } catch (GeneralSecurityException e) {
      throw new IOException("not a certificate: " + pem, e);
    }
  }

  /** Reads an unencrypted PKCS#8 EC key written by {@link #generate}. */
  public static PrivateKey privateKey(Path pem) throws IOException {
    Matcher m = PEM_BLOCK.matcher(Files.readString(pem, StandardCharsets.US_ASCII));
    while (m.find()) {
      if (m.group(1).equals("PRIVATE KEY")) {
        byte[] der = Base64.getMimeDecoder().decode(m.group(2));
        try {
          return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
          throw new IOException("not an EC key: " + pem, e);
        }
      }
    }
    throw new IOException("no PRIVATE KEY block in " + pem);
  }

  /** A key manager that offers its one client certificate whatever issuers the server asks for. */
  private static final class AlwaysPresent extends X509ExtendedKeyManager {
    private final X509ExtendedKeyManager delegate;

    AlwaysPresent(X509ExtendedKeyManager delegate) {
      this.delegate = delegate;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return "client";
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
      return "client";
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return new String[] {"client"};
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return delegate.getServerAliases(keyType, issuers);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return delegate.chooseServerAlias(keyType, issuers, socket);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return delegate.getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return delegate.getPrivateKey(alias);
    }
  }

  private Identity selfSigned(String name, String commonName, BigInteger serial) throws IOException {
    Path key = dir.resolve(name + ".key");
    Path cert = dir.resolve(name + ".pem");
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", key.toString(), "-out", cert.toString(), "-days", "2", "-set_serial", serial.toString(),
        "-subj", "/CN=" + commonName,
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    return new Identity(cert, key, serial);
  }

  private Identity issue(Identity issuer, String name, String commonName, boolean serverCert, BigInteger serial)
      throws IOException {
    Path key = dir.resolve(name + ".key");
    Path csr = dir.resolve(name + ".csr");
    Path cert = dir.resolve(name + ".pem");
    Path ext = dir.resolve(name + ".ext");
    Files.writeString(ext, "basicConstraints=critical,CA:FALSE\n"
        + "keyUsage=critical,digitalSignature\n"
        + (serverCert
            ? "extendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n"
            : "extendedKeyUsage=clientAuth\n"), StandardCharsets.US_ASCII);
    openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", key.toString(), "-out", csr.toString(), "-subj", "/CN=" + commonName);
    openssl("x509", "-req", "-in", csr.toString(), "-CA", issuer.cert().toString(), "-CAkey",
        issuer.key().toString(), "-set_serial", serial.toString(), "-days", "2", "-sha256",
        "-extfile", ext.toString(), "-out", cert.toString());
    return new Identity(cert, key, serial);
  }

  /** Runs {@code openssl args...} in the certificate directory, waiting at most 30 seconds; fails on an error. */
  public void openssl(String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(OPENSSL);
    cmd.addAll(List.of(args));
    Path log = dir.resolve("openssl.log");
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    try {
      if (!p.waitFor(OPENSSL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        throw new IOException("openssl did not finish within " + OPENSSL_TIMEOUT_SECONDS + " s: " + cmd);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running openssl", e);
    }
    if (p.exitValue() != 0) {
      throw new IOException("openssl failed (" + p.exitValue() + "): " + cmd + "\n" + Files.readString(log));
    }
  }
}
