package io.safecached.cli;

import java.io.PrintWriter;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Points java.util.logging (and so {@code System.Logger}) at stderr for {@code serve}: one line per record,
 * {@code <ISO-8601 time> <LEVEL> <message>}. safecached's own loggers log at INFO, FINE with {@code -v}, FINEST
 * with {@code -vv}; everything else at INFO, and Netty at WARNING. {@link #close()} puts back what was there.
 */
final class LogSetup implements AutoCloseable {
  static final String OWN_LOGGER = "io.safecached";
  static final String NETTY_LOGGER = "io.netty";

  private final Logger root = Logger.getLogger("");
  // java.util.logging holds loggers weakly: keep them so the levels set here stay set
  private final Logger own = Logger.getLogger(OWN_LOGGER);
  private final Logger netty = Logger.getLogger(NETTY_LOGGER);
  private final Handler[] previousHandlers;
  private final Level previousRootLevel;
  private final Level previousOwnLevel;
  private final Level previousNettyLevel;
  private final LineHandler handler;

  private LogSetup(int verbosity, PrintWriter err) {
    previousHandlers = root.getHandlers();
    previousRootLevel = root.getLevel();
    previousOwnLevel = own.getLevel();
    previousNettyLevel = netty.getLevel();
    for (Handler h : previousHandlers) {
      root.removeHandler(h);
    }
    handler = new LineHandler(err);
    root.addHandler(handler);
    root.setLevel(Level.INFO);
    own.setLevel(levelFor(verbosity));
    netty.setLevel(Level.WARNING);
  }

  /** Installs the stderr handler and the levels for {@code verbosity} (the number of {@code -v}). */
  static LogSetup install(int verbosity, PrintWriter err) {
    return new LogSetup(verbosity, err);
  }

  /** INFO, FINE for one {@code -v}, FINEST for two or more. */
  static Level levelFor(int verbosity) {
    return verbosity <= 0 ? Level.INFO : verbosity == 1 ? Level.FINE : Level.FINEST;
  }

  /**
   * Writes one record straight to the handler, bypassing the loggers: for shutdown hooks, which may run after
   * the JDK's own hook has already detached every handler.
   */
  void logDirect(Level level, String message) {
    LogRecord r = new LogRecord(level, message);
    r.setLoggerName(OWN_LOGGER);
    handler.publish(r);
  }

  @Override
  public void close() {
    handler.flush();
    root.removeHandler(handler);
    for (Handler h : previousHandlers) {
      root.addHandler(h);
    }
    root.setLevel(previousRootLevel);
    own.setLevel(previousOwnLevel);
    netty.setLevel(previousNettyLevel);
  }

  /** The handlers now on the root logger (for tests). */
  List<Handler> rootHandlers() {
    return List.of(root.getHandlers());
  }

  /** Writes each record as one line to a stream it does not own (close only flushes). */
  static final class LineHandler extends Handler {
    private final PrintWriter out;

    LineHandler(PrintWriter out) {
      this.out = out;
      setFormatter(new LineFormatter());
      setLevel(Level.ALL);
    }

    @Override
    public void publish(LogRecord record) {
      if (!isLoggable(record)) {
        return;
      }
      String line = getFormatter().format(record);
      synchronized (out) {
        out.print(line);
        out.flush();
      }
    }

    @Override
    public void flush() {
      out.flush();
    }

    @Override
    public void close() {
      flush();
    }
  }

  /** {@code 2025-01-31T12:00:00.123+01:00 INFO message}, with any line breaks in the message turned to spaces. */
  static final class LineFormatter extends Formatter {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX");

    @Override
    public String format(LogRecord record) {
      StringBuilder sb = new StringBuilder(128);
      sb.append(TIME.format(OffsetDateTime.ofInstant(record.getInstant(), ZoneId.systemDefault())))
          .append(' ').append(record.getLevel().getName())
          .append(' ').append(formatMessage(record));
      Throwable t = record.getThrown();
      if (t != null) {
        sb.append(" (").append(t).append(')');
      }
      return sb.toString().replaceAll("[\\r\\n]+", " ").stripTrailing() + "\n";
    }
  }
}
