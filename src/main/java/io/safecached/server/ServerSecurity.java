package io.safecached.server;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import io.safecached.command.Result.Stat;
import io.safecached.config.ConfigException;
import io.safecached.config.ServerConfig;
import io.safecached.security.AccessPolicy;
import io.safecached.security.AuthFile;
import io.safecached.security.AuthFileException;
import io.safecached.security.BruteForceGuard;
import io.safecached.security.tls.ServerTls;
import io.safecached.security.tls.TlsSettings;
import io.safecached.server.metrics.Login;
import io.safecached.server.metrics.SecurityEvents;
import io.safecached.store.stats.Counters;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The server's security state: the users file and its reloads, the brute-force guard, the pool that checks
 * hashed passwords off the event loops, and the TLS context and its reloads. Built once at start, where a bad
 * users file or certificate stops start-up with one line; afterwards {@link #reload()} (SIGHUP,
 * {@code refresh_certs}) and the file watches swap in new users or certificates and keep the old ones when the
 * new files are bad.
 */
final class ServerSecurity implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger("io.safecached.server");
  /** How often the users file and the certificates are checked for changes. */
  private static final Duration WATCH_EVERY = Duration.ofSeconds(2);
  /** Password checks waiting for the verifier at most; more fail the login (and close) rather than queue. */
  private static final int VERIFY_QUEUE = 1024;

  private final ServerConfig config;
  private final Counters counters;
  private final ScheduledExecutorService scheduler;
  private final ThreadPoolExecutor verifier;
  private final AuthFile authFile;
  private final AuthGate.Guard guard;
  private final ServerTls tls;
  /** What the metrics endpoint reports beyond stats: TLS handshakes, delayed and refused logins. */
  private final SecurityEvents events = new SecurityEvents();

  private ServerSecurity(ServerConfig config, Counters counters, ScheduledExecutorService scheduler,
                         ThreadPoolExecutor verifier, AuthFile authFile, ServerTls tls) {
    this.config = config;
    this.counters = counters;
    this.scheduler = scheduler;
    this.verifier = verifier;
    this.authFile = authFile;
    this.guard = authFile == null ? null : counted(AuthGate.Guard.of(BruteForceGuard.defaults(System::nanoTime)));
    this.tls = tls;
  }

  /** Loads the users file and the certificates of {@code config}; throws {@link ConfigException} when bad. */
  static ServerSecurity start(ServerConfig config, Counters counters) {
    AuthFile users = null;
    ServerTls tls = null;
    ScheduledExecutorService scheduler = null;
    ThreadPoolExecutor verifier = null;
    try {
      if (config.access().authenticates()) {
        users = AuthFile.load(config.access().authFile());
      }
      if (config.tls() != null) {
        tls = ServerTls.create(settings(config.tls()));
      }
      if (users != null || tls != null) {
        scheduler = Executors.newSingleThreadScheduledExecutor(daemon("safecached-reload"));
        if (users != null) {
          users.watch(scheduler, WATCH_EVERY);
          int threads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
          verifier = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
              new ArrayBlockingQueue<>(VERIFY_QUEUE), daemon("safecached-auth"), new ThreadPoolExecutor.AbortPolicy());
          verifier.allowCoreThreadTimeOut(true);
        }
        if (tls != null) {
          tls.watch(scheduler, WATCH_EVERY);
        }
      }
      return new ServerSecurity(config, counters, scheduler, verifier, users, tls);
    } catch (AuthFileException | IllegalArgumentException e) {
      if (users != null) {
        users.close();
      }
      if (scheduler != null) {
        scheduler.shutdownNow();
      }
      throw new ConfigException(e.getMessage());
    }
  }

  private static TlsSettings settings(ServerConfig.Tls t) {
    return new TlsSettings(t.certChain(), t.key(), t.caCert(), t.verifyMode(), t.minVersion(),
        t.ciphers() == null ? List.of() : TlsSettings.parseCiphers(t.ciphers()));
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  /** True when connections must log in. */
  boolean authenticates() {
    return authFile != null;
  }

  /** A new gate for one connection, asking {@code policy} who may run admin commands; only when {@link #authenticates()}. */
  AuthGate newGate(AccessPolicy policy) {
    return new AuthGate(AuthGate.Authenticator.of(authFile), guard, policy, counters,
        System.getLogger("io.safecached.auth"), verifier);
  }

  /** The TLS handler for a connection accepted on a TLS listener, or null when TLS is off. */
  SslHandler sslHandler(Channel channel) {
    if (tls == null) {
      return null;
    }
    SslHandler handler = tls.newHandler(channel.alloc());
    handler.handshakeFuture().addListener(f -> {
      if (f.isSuccess()) {
        events.recordTlsHandshake();
      }
    });
    return handler;
  }

  /** The events the metrics endpoint reports. */
  SecurityEvents events() {
    return events;
  }

  /** {@code guard} counting the delays it gives and the refusals it makes. */
  private AuthGate.Guard counted(AuthGate.Guard guard) {
    return new AuthGate.Guard() {
      @Override
      public boolean refused(InetAddress source) {
        boolean refused = guard.refused(source);
        if (refused) {
          events.recordAuthRefusal();
        }
        return refused;
      }

      @Override
      public long failure(InetAddress source) {
        long delay = guard.failure(source);
        events.recordAuthDelay(delay);
        return delay;
      }

      @Override
      public void success(InetAddress source) {
        guard.success(source);
      }
    };
  }

  /**
   * Basic auth for the metrics endpoint: the users and brute-force guard of the data port, the password checked
   * on the verifier pool, a failure answered after the guard's delay. Null when connections need no login.
   */
  Login metricsLogin() {
    if (authFile == null) {
      return null;
    }
    return (source, user, password) -> {
      CompletableFuture<Boolean> result = new CompletableFuture<>();
      if (guard.refused(source)) {
        result.complete(false);
        return result;
      }
      try {
        verifier.execute(() -> {
          if (authFile.current().verify(user, password)) {
            guard.success(source);
            result.complete(true);
            return;
          }
          long delay = guard.failure(source);
          if (delay <= 0) {
            result.complete(false);
          } else {
            try {
              scheduler.schedule(() -> result.complete(false), delay, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException stopping) {
              result.complete(false);
            }
          }
        });
      } catch (RejectedExecutionException e) {
        result.complete(false);
      }
      return result;
    };
  }

  /** True when TLS is on. */
  boolean tls() {
    return tls != null;
  }

  /**
   * Re-reads the users file and the certificates now (SIGHUP); returns null when all went well, else the reasons
   * in one line; whatever failed keeps its old state.
   */
  String reload() {
    List<String> problems = new ArrayList<>();
    if (authFile != null && !authFile.reload()) {
      problems.add("users file " + authFile.path() + " not reloaded (see the log)");
    }
    String certs = refreshCerts();
    if (certs != null) {
      problems.add(certs);
    }
    return problems.isEmpty() ? null : String.join("; ", problems);
  }

  /** memcached's {@code refresh_certs}: null on success (also when TLS is off), else the reason. */
  String refreshCerts() {
    if (tls == null) {
      return null;
    }
    String reason = tls.reload();
    if (reason != null) {
      LOG.log(Level.WARNING, "certificates not reloaded, the old ones stay in use: " + reason);
    }
    return reason;
  }

  /** The {@code stats settings} lines for TLS (memcached prints {@code ssl_enabled no} without it). */
  List<Stat> settingsStats() {
    if (tls == null) {
      return List.of(new Stat("ssl_enabled", "no"));
    }
    return toStats(tls.settingsStats());
  }

  /** The general {@code stats} lines for TLS; none without it. */
  List<Stat> stats() {
    return tls == null ? List.of() : toStats(tls.stats());
  }

  private static List<Stat> toStats(Map<String, String> map) {
    List<Stat> out = new ArrayList<>(map.size());
    map.forEach((k, v) -> out.add(new Stat(k, v)));
    return out;
  }

  @Override
  public void close() {
    if (authFile != null) {
      authFile.close();
    }
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
    if (verifier != null) {
      verifier.shutdownNow();
    }
  }
}
