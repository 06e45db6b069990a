package io.safecached.audit.probe;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.safecached.audit.Connect;
import io.safecached.audit.TextReply;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ASCII probe: sends {@code version\r\nstats\r\n} and reads the two replies. Reading is bounded in bytes
 * (the reply is cut at {@code maxBytes}, and a line without a newline within {@link LineBuffer#MAX_LINE} bytes
 * ends the probe) and in time (the {@link Exchange} deadline), so a hostile peer cannot make it read forever.
 * The detail says how a reply without {@code stats} ended: an error line (which request it answered), or the
 * peer closing the connection (twemproxy closes it on {@code stats}).
 */
final class TextProbe extends LineExchange<TextReply> {
  static final byte[] REQUEST = "version\r\nstats\r\n".getBytes(StandardCharsets.US_ASCII);
  private final boolean startOnActive;
  private final Map<String, String> stats = new LinkedHashMap<>();
  private int replies;
  private boolean answered;
  private boolean authRequired;
  private boolean foreign;
  private boolean truncated;
  private boolean inStats;
  private String version;
  private String detail;

  TextProbe(long deadlineNanos, int maxBytes, boolean startOnActive) {
    super(deadlineNanos, maxBytes);
    this.startOnActive = startOnActive;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    arm(ctx);
    if (startOnActive) {
      start(ctx);
    }
    super.channelActive(ctx);
  }

  /** Sends the requests (called on connect, or after the TLS handshake). */
  void start(ChannelHandlerContext ctx) {
    ctx.writeAndFlush(Unpooled.wrappedBuffer(REQUEST));
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (!result.isDone() && detail == null) {
      detail = lines.received() == 0 ? "closed the connection without a reply"
          : replies == 0 ? "closed the connection mid-reply"
          : "closed the connection after the " + request(replies - 1) + " reply";
    }
    super.channelInactive(ctx);
  }

  @Override
  void failed(Throwable cause) {
    if (detail == null) {
      detail = ConnectFailure.describe(cause);
    }
  }

  /** The request that reply number {@code n} (from 0) answers. */
  private static String request(int n) {
    return n == 0 ? "version" : "stats";
  }

  @Override
  void overflow(boolean full) {
    if (full) {
      truncated = true;
    } else {
      foreign = !answered;
      detail = "no line end within " + LineBuffer.MAX_LINE + " bytes";
    }
    finish(false);
  }

  @Override
  void line(ChannelHandlerContext ctx, String l) {
    if (l.startsWith("VERSION ")) {
      answered = true;
      version = l.substring(8).trim();
      reply();
    } else if (l.startsWith("STAT ")) {
      answered = true;
      inStats = true;
      String[] kv = l.substring(5).split(" ", 2);
      stats.put(kv[0], kv.length > 1 ? kv[1] : "");
    } else if (l.equals("END")) {
      answered = true;
      inStats = false;
      reply();
    } else if (l.equals("ERROR") || l.startsWith("ERROR ")) {
      answered = true;
      errorLine(l);
      reply();
    } else if (l.startsWith("CLIENT_ERROR") || l.startsWith("SERVER_ERROR")) {
      answered = true;
      String lower = l.toLowerCase(java.util.Locale.ROOT);
      if (lower.contains("auth")) {
        authRequired = true;
        detail = LineBuffer.printable(l);
        finish(false);
        return;
      }
      errorLine(l);
      reply();
    } else {
      foreign = !answered;
      detail = LineBuffer.printable(l);
      finish(false);
    }
  }

  private void reply() {
    if (!inStats && ++replies >= 2) {
      finish(false);
    }
  }

  /** Notes the first error line with the request it answered (a server or proxy refusing {@code stats}). */
  private void errorLine(String l) {
    if (detail == null) {
      detail = request(replies) + " answered " + LineBuffer.printable(l);
    }
  }

  @Override
  TextReply snapshot(boolean timedOut) {
    if (timedOut && detail == null && !answered) {
      detail = lines.received() == 0 ? "connected, no reply within the timeout" : "incomplete reply";
    }
    return new TextReply(Connect.OPEN, answered, version, stats, authRequired, foreign, truncated,
        lines.received(), detail);
  }
}
