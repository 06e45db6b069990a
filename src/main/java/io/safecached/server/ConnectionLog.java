package io.safecached.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.handler.ssl.SslHandler;
import io.safecached.command.Command;
import io.safecached.command.Result;
import io.safecached.protocol.binary.BinaryEncoder;
import io.safecached.protocol.text.TextEncoder;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLSession;

/**
 * What {@code -v} and {@code -vv} log, as memcached's verbose modes: with {@code -v} (DEBUG, java.util.logging's
 * FINE) each connection opened and closed, with its peer, protocol, TLS and user; with {@code -vv} (TRACE, FINER)
 * also each command and its reply, by connection number ({@code <12 set k 0 0 5}, {@code >12 STORED}).
 *
 * <p>Never logged: values (data blocks, incr/decr results, values in replies are shown by their length only),
 * passwords and SASL data (logins never reach the command handler), stats values. Keys are shown with bytes
 * outside printable ASCII escaped, at most {@value #MAX_KEYS} per line. Each kind of line is rate-limited to
 * {@value #LINES_PER_SECOND} a second (a connection flood or a busy client cannot fill the disk); the next line
 * that gets through says how many were dropped. Nothing is formatted while the level is off.
 */
final class ConnectionLog {
  /** The logger; its level follows {@code -v} through {@code cli.LogSetup}'s {@code io.safecached} level. */
  static final System.Logger LOG = System.getLogger("io.safecached.server.connections");
  /** Lines of each kind (connections; commands and replies) logged per second at most. */
  static final int LINES_PER_SECOND = 100;
  /** Keys shown per command or reply line. */
  static final int MAX_KEYS = 10;

  private final Budget connectionLines;
  private final Budget commandLines;

  ConnectionLog(LongSupplier nanos) {
    this.connectionLines = new Budget(nanos);
    this.commandLines = new Budget(nanos);
  }

  /** True when commands and replies are logged ({@code -vv}). */
  boolean commands() {
    return LOG.isLoggable(Level.TRACE);
  }

  /** A connection was accepted. */
  void opened(Channel ch, long id) {
    if (LOG.isLoggable(Level.DEBUG)) {
      log(connectionLines, Level.DEBUG, "conn " + id + " opened: from " + Connections.format(ch.remoteAddress())
          + " to " + Connections.format(ch.localAddress()) + (ch.pipeline().get(SslHandler.class) != null
          ? " (TLS listener)" : ""));
    }
  }

  /** A connection ended. */
  void closed(Channel ch, long id) {
    if (LOG.isLoggable(Level.DEBUG)) {
      log(connectionLines, Level.DEBUG, "conn " + id + " closed: from " + Connections.format(ch.remoteAddress())
          + ", protocol " + protocol(ch) + ", tls " + tls(ch) + ", user " + user(ch));
    }
  }

  /** A command of connection {@code id} ({@code -vv}). */
  void command(long id, Command c) {
    log(commandLines, Level.TRACE, "<" + id + " " + describe(c));
  }

  /** The reply to a command of connection {@code id} ({@code -vv}). */
  void reply(long id, Result r) {
    log(commandLines, Level.TRACE, ">" + id + " " + describe(r));
  }

  private static void log(Budget budget, Level level, String line) {
    long dropped = budget.take();
    if (dropped >= 0) {
      LOG.log(level, dropped == 0 ? line : line + " (" + dropped + " earlier lines dropped: more than "
          + LINES_PER_SECOND + " a second)");
    }
  }

  private static String protocol(Channel ch) {
    ChannelHandler encoder = ch.pipeline().get("encoder");
    return encoder instanceof TextEncoder ? "text" : encoder instanceof BinaryEncoder ? "binary" : "none";
  }

  private static String tls(Channel ch) {
    SslHandler ssl = ch.pipeline().get(SslHandler.class);
    if (ssl == null) {
      return "no";
    }
    if (!ssl.handshakeFuture().isSuccess()) {
      return "yes (no handshake)";
    }
    SSLSession s = ssl.engine().getSession();
    return s.getProtocol() + " " + s.getCipherSuite();
  }

  private static String user(Channel ch) {
    return ch.pipeline().get("auth") instanceof AuthGate gate && gate.user() != null
        ? AuthGate.printable(gate.user()) : "-";
  }

  /** A command as memcached's -vv shows it, without its value. */
  static String describe(Command c) {
    if (c instanceof Command.Framed f) {
      return describe(f.command());
    } else if (c instanceof Command.Get g) {
      String verb = (g.touches() ? "gat" : "get") + (g.withCas() ? "s" : "");
      return verb + (g.touches() ? " " + g.touchExptime() : "") + keys(g.keys());
    } else if (c instanceof Command.Store s) {
      return name(s.mode()) + " " + key(s.key()) + " " + Integer.toUnsignedString(s.flags()) + " " + s.exptime()
          + " " + s.value().length + (s.mode() == Command.StoreMode.CAS ? " " + Long.toUnsignedString(s.casUnique())
          : "");
    } else if (c instanceof Command.StoreTooLarge s) {
      return name(s.mode()) + " " + key(s.key()) + " (too large)";
    } else if (c instanceof Command.StoreNoMemory s) {
      return name(s.mode()) + " " + key(s.key()) + " (no memory for the value)";
    } else if (c instanceof Command.BadDataChunk) {
      return "(a data block without \\r\\n)";
    } else if (c instanceof Command.Delete d) {
      return "delete " + key(d.key());
    } else if (c instanceof Command.Arithmetic a) {
      return (a.increment() ? "incr " : "decr ") + key(a.key()) + " " + Long.toUnsignedString(a.delta());
    } else if (c instanceof Command.Touch t) {
      return "touch " + key(t.key()) + " " + t.exptime();
    } else if (c instanceof Command.FlushAll f) {
      return "flush_all " + f.delay();
    } else if (c instanceof Command.Stats s) {
      return "stats" + (s.group() == null ? "" : " " + printable(s.group())) + (s.args().isEmpty() ? ""
          : " " + printable(String.join(" ", s.args())));
    } else if (c instanceof Command.MetaGet g) {
      return "mg " + key(g.key());
    } else if (c instanceof Command.MetaSet s) {
      return "ms " + key(s.key()) + " " + s.value().length + " (" + name(s.mode()) + ")";
    } else if (c instanceof Command.MetaDelete d) {
      return "md " + key(d.key());
    } else if (c instanceof Command.MetaArithmetic a) {
      return "ma " + key(a.key()) + (a.increment() ? " incr " : " decr ") + Long.toUnsignedString(a.delta());
    } else if (c instanceof Command.MetaDebug d) {
      return "me " + key(d.key());
    } else if (c instanceof Command.SaslAuth || c instanceof Command.SaslStep) {
      return "(SASL)"; // never reaches the handler; named here so that its data could never be printed
    }
    String name = c.getClass().getSimpleName(); // Version, Verbosity, Quit, Shutdown, ... : no data of their own
    return name.toLowerCase(java.util.Locale.ROOT);
  }

  /** A reply as memcached's -vv shows it, values by their length only. */
  static String describe(Result r) {
    if (r instanceof Result.Framed f) {
      return describe(f.result());
    } else if (r instanceof Result.Values v) {
      return v.hits().size() + (v.hits().size() == 1 ? " hit" : " hits")
          + keys(v.hits().stream().map(Result.Hit::key).toList()) + " END";
    } else if (r instanceof Result.Status s) {
      return s.name();
    } else if (r instanceof Result.Number) {
      return "(the new value)";
    } else if (r instanceof Result.Stats s) {
      return s.stats().size() + " STAT lines END";
    } else if (r instanceof Result.PrefixDump) {
      return "PREFIX lines END";
    } else if (r instanceof Result.Error e) {
      return e.line();
    } else if (r instanceof Result.ClientError e) {
      return "CLIENT_ERROR " + e.message();
    } else if (r instanceof Result.ServerError e) {
      return "SERVER_ERROR " + e.message();
    } else if (r instanceof Result.Meta m) {
      return m.code() + (m.item() != null && m.item().data() != null ? " " + m.item().data().length() + " bytes"
          : "");
    } else if (r instanceof Result.Version) {
      return "VERSION";
    }
    String name = r.getClass().getSimpleName(); // MetaDebug, MetaNoop, Close, None, ...
    return name.toLowerCase(java.util.Locale.ROOT);
  }

  private static String name(Command.StoreMode mode) {
    return mode.name().toLowerCase(java.util.Locale.ROOT);
  }

  private static String keys(List<byte[]> keys) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < keys.size() && i < MAX_KEYS; i++) {
      sb.append(' ').append(key(keys.get(i)));
    }
    if (keys.size() > MAX_KEYS) {
      sb.append(" ... (").append(keys.size()).append(" keys)");
    }
    return sb.toString();
  }

  /** A key with bytes outside printable ASCII (and the backslash) as {@code \xNN}. */
  static String key(byte[] key) {
    StringBuilder sb = new StringBuilder(key.length);
    for (byte b : key) {
      if (b > 0x20 && b < 0x7f && b != '\\') {
        sb.append((char) b);
      } else {
        sb.append(String.format("\\x%02x", b & 0xff));
      }
    }
    return sb.toString();
  }

  private static String printable(String s) {
    return key(s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
  }

  /**
   * At most {@link #LINES_PER_SECOND} lines in each whole second; counts the lines it refuses and hands the
   * count to the next line it lets through.
   */
  static final class Budget {
    private final LongSupplier nanos;
    private long second = Long.MIN_VALUE;
    private int used;
    private long dropped;

    Budget(LongSupplier nanos) {
      this.nanos = nanos;
    }

    /** -1 when the line must be dropped, else the number of lines dropped since the last one let through. */
    synchronized long take() {
      long now = Math.floorDiv(nanos.getAsLong(), 1_000_000_000L);
      if (now != second) {
        second = now;
        used = 0;
      }
      if (used >= LINES_PER_SECOND) {
        dropped++;
        return -1;
      }
      used++;
      long d = dropped;
      dropped = 0;
      return d;
    }
  }
}
