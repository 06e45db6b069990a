package io.safecached.cli;

import io.safecached.config.ConfigException;
import io.safecached.config.ServerConfig;
import io.safecached.server.SafecachedServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.function.Consumer;

/**
 * Runs one server for {@code serve}: sets up logging, starts it, logs what it exposes, stops it on SIGTERM or
 * SIGINT, and waits until it has stopped (by a signal or the {@code shutdown} command).
 */
final class Serving implements ServeCommand.Runner {
  private static final Logger LOG = System.getLogger("io.safecached.cli");

  private final Consumer<SafecachedServer> onStarted;

  Serving() {
    this(server -> { });
  }

  /** {@code onStarted} sees the server once it listens (tests use it to learn the port and to stop it). */
  Serving(Consumer<SafecachedServer> onStarted) {
    this.onStarted = onStarted;
  }

  @Override
  public int run(ServerConfig config, PrintWriter err) {
    try (LogSetup logs = LogSetup.install(config.verbosity(), err)) {
      haltOnFatalUncaught();
      SafecachedServer server;
      try {
        server = SafecachedServer.start(config, Serving::halt);
      } catch (IOException e) {
        err.println("safecached: " + listenFailure(e));
        err.flush();
        return Main.EX_OSERR;
      } catch (ConfigException e) {
        // a users file or certificate that cannot be used: the same one line and exit code as a bad flag
        err.println("safecached: " + Main.oneLine(e.getMessage()));
        err.flush();
        return Main.EX_USAGE;
      }
      Thread hook = new Thread(() -> {
        logs.logDirect(java.util.logging.Level.INFO, "stopping on signal");
        server.close();
      }, "safecached-signal");
      Runtime.getRuntime().addShutdownHook(hook);
      if (config.access().authenticates() || config.tls() != null) {
        Hangup.onHangup(() -> {
          String problem = server.reloadSecurity();
          LOG.log(problem == null ? Level.INFO : Level.WARNING,
              problem == null ? "SIGHUP: users file and certificates reloaded" : "SIGHUP: " + problem);
        });
      }
      try {
        LOG.log(config.loopbackOnly() ? Level.INFO : Level.WARNING, server.exposureSummary());
        onStarted.accept(server);
        server.terminationFuture().join();
      } finally {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
          // the JVM is already shutting down: the hook is running or has run
        }
        if (!server.terminationFuture().isDone()) {
          server.close();
        }
      }
      LOG.log(Level.INFO, "stopped");
      return Main.EX_OK;
    }
  }

  /**
   * Ends the process at once after an OutOfMemoryError (or another VirtualMachineError): one line on stderr, no
   * shutdown hooks (they could need memory or wait on a stuck thread), exit code {@value Main#EX_FATAL}, so that a
   * supervisor such as systemd restarts a server that can no longer be trusted to serve or to stop.
   */
  static void halt(Throwable cause) {
    try {
      System.err.println("safecached: fatal: " + cause + "; exiting at once (code " + Main.EX_FATAL + ")");
      System.err.flush();
    } catch (Throwable ignored) {
      // no memory even for the line: exit all the same
    } finally {
      Runtime.getRuntime().halt(Main.EX_FATAL);
    }
  }

  /** Threads other than the network threads (crawler, reloads) halt the process too on a fatal error. */
  private static void haltOnFatalUncaught() {
    Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
    Thread.setDefaultUncaughtExceptionHandler((thread, e) -> {
      if (SafecachedServer.isFatal(e)) {
        halt(e);
      } else if (previous != null) {
        previous.uncaughtException(thread, e);
      } else {
        thread.getThreadGroup().uncaughtException(thread, e);
      }
    });
  }

  /** The one line for a server that could not bind, in memcached's words where the server did not give them. */
  static String listenFailure(IOException e) {
    String message = Main.oneLine(e.getMessage() == null ? e.toString() : e.getMessage());
    return message.startsWith("failed to listen") ? message : "failed to listen: " + message;
  }
}
