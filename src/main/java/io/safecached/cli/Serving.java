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
 * Runs one server for {@code serve}: checks the user it runs as ({@link RunAs}), sets up logging (stderr or the
 * log file), starts it, logs what it exposes, writes the pid file, reloads on SIGHUP, stops it on SIGTERM or
 * SIGINT (and gracefully, exit 0, on SIGUSR1), and waits until it has stopped (by a signal or the
 * {@code shutdown} command).
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
    return run(new ServeCommand.Settings(config, java.util.List.of()), err);
  }

  @Override
  public int run(ServeCommand.Settings settings, PrintWriter err) {
    RunAs.Decision who = RunAs.decide(settings.user());
    if (who.refused()) {
      err.println("safecached: " + who.refusal());
      err.flush();
      return Main.EX_USAGE;
    }
    if (who.warning() != null) {
      err.println("safecached: warning: " + who.warning());
    }
    LogFile logFile = null;
    if (settings.logFile() != null) {
      try {
        logFile = LogFile.open(settings.logFile());
      } catch (IOException | RuntimeException e) {
        err.println("safecached: warning: cannot open the log file " + settings.logFile() + " (" + e
            + "); logging to stderr");
      }
    }
    err.flush();
    PrintWriter logOut = logFile == null ? err : new PrintWriter(logFile, true);
    try {
      return serve(settings, err, logOut, logFile);
    } finally {
      if (logFile != null) {
        logOut.close();
      }
    }
  }

  private int serve(ServeCommand.Settings settings, PrintWriter err, PrintWriter logOut, LogFile logFile) {
    ServerConfig config = settings.config();
    try (LogSetup logs = LogSetup.install(config.verbosity(), logOut)) {
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
      PidFile pid = writePid(settings.pidFile());
      Thread hook = new Thread(() -> {
        logs.logDirect(java.util.logging.Level.INFO, "stopping on signal");
        server.close();
        if (pid != null) {
          pid.close();
        }
      }, "safecached-signal");
      Runtime.getRuntime().addShutdownHook(hook);
      Hangup.onHangup(() -> reload(server, config, logFile));
      Hangup.onUser1(() -> {
        LOG.log(Level.INFO, "SIGUSR1: graceful shutdown; stopping");
        Thread t = new Thread(server::close, "safecached-shutdown");
        t.setDaemon(false);
        t.start();
      });
      try {
        LOG.log(config.loopbackOnly() ? Level.INFO : Level.WARNING, server.exposureSummary());
        onStarted.accept(server);
        server.terminationFuture().join();
      } finally {
        if (pid != null) {
          pid.close();
        }
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

  /** Writes the pid file, if asked; a file that cannot be written is a warning, as in memcached. */
  private static PidFile writePid(java.nio.file.Path path) {
    if (path == null) {
      return null;
    }
    try {
      return PidFile.write(path, ProcessHandle.current().pid(), w -> LOG.log(Level.WARNING, w));
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.WARNING, "cannot write the pid file " + path + " (-P): " + e);
      return null;
    }
  }

  /**
   * SIGHUP: re-reads the users file and the certificates (when there are any) and reopens the log file (when
   * there is one), logging what it did; never stops the server.
   */
  static void reload(SafecachedServer server, ServerConfig config, LogFile logFile) {
    java.util.List<String> done = new java.util.ArrayList<>();
    if (logFile != null) {
      try {
        logFile.reopen();
        done.add("log file reopened");
      } catch (IOException | RuntimeException e) {
        LOG.log(Level.WARNING, "SIGHUP: cannot reopen the log file " + logFile.path() + " (" + e
            + "); still writing to the old one");
      }
    }
    if (config.access().authenticates() || config.tls() != null) {
      String problem = server.reloadSecurity();
      if (problem != null) {
        LOG.log(Level.WARNING, "SIGHUP: " + problem);
      } else {
        done.add(config.access().authenticates() && config.tls() != null ? "users file and certificates reloaded"
            : config.tls() != null ? "certificates reloaded" : "users file reloaded");
      }
    }
    if (!done.isEmpty()) {
      LOG.log(Level.INFO, "SIGHUP: " + String.join(", ", done));
    } else if (logFile == null && !config.access().authenticates() && config.tls() == null) {
      LOG.log(Level.INFO, "SIGHUP: nothing to reload (no users file, certificates or log file); still serving");
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
