package io.safecached.security.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.CipherSuiteConverter;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * TLS for the TCP listeners: the server's current TLS context, the per-connection handler made from it, and
 * reloading the certificate files without a restart.
 *
 * <p>Design notes. The context is built from {@link TlsSettings} (memcached's {@code -Z -o ssl_*} options) with
 * the JDK provider, or OpenSSL when netty-tcnative is on the class path. Every connection gets its own
 * {@link SslHandler} from the context current when it was accepted; {@link #reload()} builds a whole new context
 * from the same files and swaps it in only when that succeeded, so open connections keep their session, new
 * ones see the new certificate, and a bad file (half copied, wrong key) leaves the old certificate in service.
 * This is memcached's {@code refresh_certs}. {@link #watch} polls the files' modification time and size and
 * reloads on change.
 *
 * <p>A connection whose handshake fails is closed without any application data having been sent: the command
 * handlers behind the {@code SslHandler} only ever see decrypted bytes. A peer whose first byte cannot start a
 * TLS record (a plaintext memcached client: text, meta or binary) is closed at once, without even a TLS alert.
 * Every failed handshake counts in {@code ssl_handshake_errors}, as memcached's, and logs one line with the
 * source: at INFO when a TLS client was refused (no or untrusted certificate, old protocol, no common cipher),
 * at DEBUG for plaintext peers, timeouts and peers that left early, which scanners produce in bulk.
 *
 * <p>memcached's {@code ssl_verify_mode} maps to the JDK's client authentication: 0 none, 1 "want" (a client
 * may send no certificate, but one it sends must chain to {@code ssl_ca_cert}), 2 and 3 "need". memcached's 3
 * ("once") differs from 2 only on renegotiation, which then does not ask again; TLS 1.3 has no renegotiation
 * and a JDK server re-verifies on TLS 1.2 renegotiation, so here both require a certificate on every handshake.
 */
public final class ServerTls {
  private static final System.Logger LOG = System.getLogger("io.safecached.security.tls");
  /** How long a client has to finish the handshake (Netty's default, set explicitly). */
  static final long HANDSHAKE_TIMEOUT_MILLIS = 10_000;
  /** Failed handshakes logged per second at most; the others are only counted. */
  static final int MAX_LOGGED_FAILURES_PER_SECOND = 20;

  private final TlsSettings settings;
  private final SslProvider provider;
  private final LongSupplier clockMillis;
  private final AtomicLong reloads = new AtomicLong();
  private final AtomicLong reloadFailures = new AtomicLong();
  private final AtomicLong handshakeErrors = new AtomicLong();
  private volatile Loaded current;
  private volatile long lastLoadMillis;
  private volatile FileStamp watchedStamp;
  private volatile long handshakeTimeoutMillis = HANDSHAKE_TIMEOUT_MILLIS;
  private long logWindowStartMillis = Long.MIN_VALUE / 2;
  private int loggedInWindow;
  private long suppressedLines;

  private ServerTls(TlsSettings settings, SslProvider provider, LongSupplier clockMillis) {
    this.settings = settings;
    this.provider = provider;
    this.clockMillis = clockMillis;
  }

  /**
   * Reads the files of {@code settings} and builds the TLS context; throws {@link IllegalArgumentException} with
   * a one-line message naming the option and file when a file is missing, unreadable or wrong, the key does not
   * match the certificate, or a cipher suite is unknown.
   */
  public static ServerTls create(TlsSettings settings) {
    return create(settings, System::currentTimeMillis);
  }

  /** As {@link #create(TlsSettings)}, with the wall clock {@code time_since_server_cert_refresh} is counted on. */
  static ServerTls create(TlsSettings settings, LongSupplier clockMillis) {
    Objects.requireNonNull(settings, "settings");
    SslProvider provider = OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    ServerTls tls = new ServerTls(settings, provider, clockMillis);
    tls.watchedStamp = FileStamp.of(settings);
    tls.current = tls.load();
    tls.lastLoadMillis = clockMillis.getAsLong();
    return tls;
  }

  /** A handler for one new connection, from the current context; put it first in the connection's pipeline. */
  public SslHandler newHandler(ByteBufAllocator alloc) {
    ServerSslHandler handler = new ServerSslHandler(current.context.newEngine(alloc), this);
    handler.setHandshakeTimeoutMillis(handshakeTimeoutMillis);
    return handler;
  }

  /** Sets how long new connections have to finish the handshake (tests shorten it). */
  void handshakeTimeoutMillis(long millis) {
    this.handshakeTimeoutMillis = millis;
  }

  long handshakeTimeoutMillis() {
    return handshakeTimeoutMillis;
  }

  /**
   * Re-reads the certificate, key and CA files and uses them for new connections: null on success, else a
   * one-line reason, and the previous certificate stays in use. Safe to call from any thread.
   */
  public synchronized String reload() {
    Loaded next;
    try {
      next = load();
    } catch (IllegalArgumentException e) {
      reloadFailures.incrementAndGet();
      LOG.log(Level.WARNING, "TLS certificates not reloaded, still serving " + current.describe() + ": "
          + e.getMessage());
      return e.getMessage();
    }
    current = next;
    lastLoadMillis = clockMillis.getAsLong();
    reloads.incrementAndGet();
    LOG.log(Level.INFO, "TLS certificates reloaded: now serving " + next.describe());
    return null;
  }

  /**
   * Checks the files every {@code interval} on {@code executor} and {@link #reload()}s when a modification time
   * or size changed. A failed reload is retried only after the files change again. Cancel the returned future
   * to stop watching.
   */
  public ScheduledFuture<?> watch(ScheduledExecutorService executor, Duration interval) {
    long millis = Math.max(1, interval.toMillis());
    return executor.scheduleWithFixedDelay(() -> {
      try {
        reloadIfChanged();
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "TLS file watch failed: " + Pem.oneLine(e));
      }
    }, millis, millis, TimeUnit.MILLISECONDS);
  }

  /**
   * Reloads when a watched file's modification time or size changed since the last check: true when a reload
   * was attempted (whatever its outcome).
   */
  synchronized boolean reloadIfChanged() {
    FileStamp now = FileStamp.of(settings);
    if (now.equals(watchedStamp)) {
      return false;
    }
    watchedStamp = now;
    reload();
    return true;
  }

  /** Successful reloads since start. */
  public long reloads() {
    return reloads.get();
  }

  /** Failed reloads since start (the old certificate stayed in use). */
  public long reloadFailures() {
    return reloadFailures.get();
  }

  /** Connections whose TLS handshake failed or that were not TLS at all, memcached's ssl_handshake_errors. */
  public long handshakeErrors() {
    return handshakeErrors.get();
  }

  /** The settings this was built from. */
  public TlsSettings settings() {
    return settings;
  }

  /** The server certificate new connections get. */
  public X509Certificate certificate() {
    return current.chain.get(0);
  }

  /** The protocol versions new connections may negotiate, e.g. {@code [TLSv1.3, TLSv1.2]}. */
  public List<String> protocols() {
    return current.protocols;
  }

  /** {@code JDK} or {@code OPENSSL}. */
  public String provider() {
    return provider.name();
  }

  /**
   * memcached's {@code stats settings} lines for TLS, with its names, order and values: ssl_enabled,
   * ssl_chain_cert, ssl_key, ssl_verify_mode, ssl_keyformat (1, PEM), ssl_ciphers and ssl_ca_cert ("NULL" when
   * unset), ssl_wbuf_size (16384: TLS records carry at most 16 KiB), ssl_session_cache (yes: the JDK's is always
   * on), ssl_kernel_tls (no) and ssl_min_version. ssl_verify_mode is printed as memcached prints it, as OpenSSL's
   * flag bits: 0 for none, 1 for request, 3 for require and 7 for once (see {@link #opensslVerifyFlags}).
   */
  public Map<String, String> settingsStats() {
    Map<String, String> out = new LinkedHashMap<>();
    out.put("ssl_enabled", "yes");
    out.put("ssl_chain_cert", settings.certChain().toString());
    out.put("ssl_key", settings.key().toString());
    out.put("ssl_verify_mode", Integer.toString(opensslVerifyFlags(settings.verifyMode())));
    out.put("ssl_keyformat", "1");
    out.put("ssl_ciphers", settings.ciphers().isEmpty() ? "NULL" : String.join(":", settings.ciphers()));
    out.put("ssl_ca_cert", settings.caCert() == null ? "NULL" : settings.caCert().toString());
    out.put("ssl_wbuf_size", "16384");
    out.put("ssl_session_cache", "yes");
    out.put("ssl_kernel_tls", "no");
    out.put("ssl_min_version", settings.minVersion());
    return Collections.unmodifiableMap(out);
  }

  /**
   * What memcached's {@code stats settings} shows for {@code ssl_verify_mode=mode}: OpenSSL's SSL_VERIFY_PEER (1),
   * FAIL_IF_NO_PEER_CERT (2) and CLIENT_ONCE (4) bits, so 0, 1, 3 and 7 for modes 0 to 3.
   */
  public static int opensslVerifyFlags(int mode) {
    return switch (mode) {
      case TlsSettings.VERIFY_NONE -> 0;
      case TlsSettings.VERIFY_REQUEST -> 1;
      case TlsSettings.VERIFY_REQUIRE -> 3;
      default -> 7;
    };
  }

  /**
   * The {@code stats} lines for TLS: memcached's ssl_handshake_errors and time_since_server_cert_refresh
   * (seconds), then safecached's ssl_cert_reloads and ssl_cert_reload_failures.
   */
  public Map<String, String> stats() {
    Map<String, String> out = new LinkedHashMap<>();
    out.put("ssl_handshake_errors", Long.toString(handshakeErrors()));
    long since = Math.max(0, clockMillis.getAsLong() - lastLoadMillis) / 1000;
    out.put("time_since_server_cert_refresh", Long.toString(since));
    out.put("ssl_cert_reloads", Long.toString(reloads()));
    out.put("ssl_cert_reload_failures", Long.toString(reloadFailures()));
    return Collections.unmodifiableMap(out);
  }

  /** One line for the startup summary, e.g. {@code TLS 1.2+ (JDK), client certificates required (CA ca.pem)}. */
  public String describe() {
    String clients = switch (settings.verifyMode()) {
      case TlsSettings.VERIFY_NONE -> "no client certificates";
      case TlsSettings.VERIFY_REQUEST -> "client certificates checked when sent (CA " + settings.caCert() + ")";
      default -> "client certificates required (CA " + settings.caCert() + ")";
    };
    String min = settings.minVersion().equals(TlsSettings.TLS_1_3) ? "TLS 1.3" : "TLS 1.2+";
    return min + " (" + provider.name() + "), " + clients + ", " + current.describe();
  }

  /**
   * Counts one failed handshake and logs {@code message} at {@code level}, at most
   * {@link #MAX_LOGGED_FAILURES_PER_SECOND} lines a second: a flood of bad handshakes must not flood the log; the
   * lines left out are counted and reported in one line when logging resumes.
   */
  void handshakeFailed(Level level, String message) {
    handshakeErrors.incrementAndGet();
    if (!LOG.isLoggable(level)) {
      return;
    }
    long suppressedBefore;
    synchronized (this) {
      long now = clockMillis.getAsLong();
      if (now - logWindowStartMillis >= 1000 || now < logWindowStartMillis) {
        logWindowStartMillis = now;
        loggedInWindow = 0;
      }
      if (loggedInWindow >= MAX_LOGGED_FAILURES_PER_SECOND) {
        suppressedLines++;
        return;
      }
      loggedInWindow++;
      suppressedBefore = suppressedLines;
      suppressedLines = 0;
    }
    if (suppressedBefore > 0) {
      LOG.log(level, "TLS: " + suppressedBefore + " more failed handshakes were not logged");
    }
    LOG.log(level, message);
  }

  /** Reads every file and builds a context; throws IllegalArgumentException with a one-line reason. */
  private Loaded load() {
    List<X509Certificate> chain = Pem.certificates("ssl_chain_cert", settings.certChain());
    PrivateKey key = Pem.privateKey("ssl_key", settings.key());
    Pem.checkKeyMatches(key, chain.get(0), settings.key(), settings.certChain());
    List<X509Certificate> cas = settings.caCert() == null ? List.of() : Pem.certificates("ssl_ca_cert",
        settings.caCert());
    List<String> protocols = protocols(settings.minVersion());
    List<String> ciphers = ciphers(settings.ciphers(), protocols);
    SslContextBuilder b = SslContextBuilder.forServer(key, chain)
        .sslProvider(provider)
        .protocols(protocols)
        .clientAuth(clientAuth(settings.verifyMode()));
    if (!cas.isEmpty()) {
      b.trustManager(cas);
    }
    if (!ciphers.isEmpty()) {
      b.ciphers(ciphers);
    }
    try {
      return new Loaded(b.build(), chain, protocols);
    } catch (SSLException | RuntimeException e) {
      throw new IllegalArgumentException("cannot build the TLS context from ssl_chain_cert " + settings.certChain()
          + " and ssl_key " + settings.key() + ": " + Pem.oneLine(e), e);
    }
  }

  private static ClientAuth clientAuth(int verifyMode) {
    return switch (verifyMode) {
      case TlsSettings.VERIFY_NONE -> ClientAuth.NONE;
      case TlsSettings.VERIFY_REQUEST -> ClientAuth.OPTIONAL;
      default -> ClientAuth.REQUIRE;
    };
  }

  /** The protocol versions from {@code minVersion} up that this JVM supports, newest first. */
  private static List<String> protocols(String minVersion) {
    List<String> wanted = minVersion.equals(TlsSettings.TLS_1_3) ? List.of("TLSv1.3") : List.of("TLSv1.3", "TLSv1.2");
    List<String> supported = Arrays.asList(jdkParameters(true).getProtocols());
    List<String> out = wanted.stream().filter(supported::contains).toList();
    if (out.isEmpty()) {
      throw new IllegalArgumentException("this JVM supports none of " + wanted + " (ssl_min_version=" + minVersion
          + ")");
    }
    return out;
  }

  /**
   * The JDK names of {@code names} (IANA or OpenSSL spelling), each checked against what this JVM supports; when
   * the list names no TLS 1.3 suite and TLS 1.3 is allowed, the JVM's default TLS 1.3 suites are added, since
   * memcached's ssl_ciphers (OpenSSL's cipher list) does not govern TLS 1.3 either.
   */
  static List<String> ciphers(List<String> names, List<String> protocols) {
    if (names.isEmpty()) {
      return List.of();
    }
    Set<String> supported = Set.of(jdkParameters(true).getCipherSuites());
    Set<String> out = new LinkedHashSet<>();
    for (String name : names) {
      String java = supported.contains(name) ? name : CipherSuiteConverter.toJava(name, "TLS");
      if (java == null || !supported.contains(java)) {
        throw new IllegalArgumentException("ssl_ciphers: " + name + " is not a cipher suite this JVM supports"
            + " (give suite names such as ECDHE-RSA-AES128-GCM-SHA256 or TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256;"
            + " OpenSSL keywords such as HIGH are not understood)");
      }
      out.add(java);
    }
    if (protocols.contains("TLSv1.3") && out.stream().noneMatch(ServerTls::isTls13Suite)) {
      for (String s : jdkParameters(false).getCipherSuites()) {
        if (isTls13Suite(s)) {
          out.add(s);
        }
      }
    }
    return List.copyOf(out);
  }

  private static boolean isTls13Suite(String javaName) {
    return javaName.startsWith("TLS_AES_") || javaName.startsWith("TLS_CHACHA20_");
  }

  private static SSLParameters jdkParameters(boolean supported) {
    try {
      SSLContext jdk = SSLContext.getDefault();
      return supported ? jdk.getSupportedSSLParameters() : jdk.getDefaultSSLParameters();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no TLS implementation", e);
    }
  }

  /** A built context and what it was built from. */
  private record Loaded(SslContext context, List<X509Certificate> chain, List<String> protocols) {
    String describe() {
      X509Certificate c = chain.get(0);
      return "certificate " + c.getSubjectX500Principal().getName() + " serial " + c.getSerialNumber().toString(16)
          + " valid until " + c.getNotAfter().toInstant();
    }
  }

  /** Modification times and sizes of the files a context is built from. */
  private record FileStamp(List<String> stamps) {
    static FileStamp of(TlsSettings s) {
      List<String> out = new ArrayList<>();
      for (Path p : new LinkedHashSet<>(Arrays.asList(s.certChain(), s.key(), s.caCert()))) {
        if (p == null) {
          continue;
        }
        try {
          BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
          Instant modified = a.lastModifiedTime().toInstant();
          out.add(p + "@" + modified + "/" + a.size() + "/" + a.fileKey());
        } catch (IOException e) {
          out.add(p + "@missing");
        }
      }
      return new FileStamp(List.copyOf(out));
    }
  }
}
