package io.safecached.audit.probe;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.ReferenceCountUtil;
import io.safecached.audit.Connect;
import io.safecached.audit.TextReply;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ASCII probe: sends {@code version\r\nstats\r\n} and reads the two replies. Reading is bounded in bytes
 * (the reply is cut at {@code maxBytes}, and a line without a newline within {@link #MAX_LINE} bytes ends the
 * probe) and in time (the {@link Exchange} deadline), so a hostile peer cannot make it read forever.
 */
final class TextProbe extends Exchange<TextReply> {
  static final byte[] REQUEST = "version\r\nstats\r\n".getBytes(StandardCharsets.US_ASCII);
  /** Longest line accepted; memcached's lines are far shorter. */
  static final int MAX_LINE = 4096;

  private final int maxBytes;
  private final boolean startOnActive;
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
  private final Map<String, String> stats = new LinkedHashMap<>();
  private long received;
  private int replies;
  private boolean answered;
  private boolean authRequired;
  private boolean foreign;
  private boolean truncated;
  private boolean inStats;
  private String version;
  private String detail;

  TextProbe(long deadlineNanos, int maxBytes, boolean startOnActive) {
    super(deadlineNanos);
    this.maxBytes = maxBytes;
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
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (!(msg instanceof ByteBuf buf) || result.isDone()) {
        return;
      }
      int n = buf.readableBytes();
      int room = (int) Math.min(n, maxBytes - received);
      byte[] chunk = new byte[Math.max(room, 0)];
      buf.readBytes(chunk);
      received += n;
      pending.write(chunk, 0, chunk.length);
      parseLines();
      if (!result.isDone() && received >= maxBytes) {
        truncated = true;
        finish(false);
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private void parseLines() {
    byte[] data = pending.toByteArray();
    int start = 0;
    for (int i = 0; i < data.length && !result.isDone(); i++) {
      if (data[i] == '\n') {
        int end = i > start && data[i - 1] == '\r' ? i - 1 : i;
        line(new String(data, start, end - start, StandardCharsets.ISO_8859_1));
        start = i + 1;
      }
    }
    pending.reset();
    if (!result.isDone()) {
      pending.write(data, start, data.length - start);
      if (pending.size() > MAX_LINE) {
        foreign = !answered;
        detail = "no line end within " + MAX_LINE + " bytes";
        finish(false);
      }
    }
  }

  private void line(String l) {
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
      reply();
    } else if (l.startsWith("CLIENT_ERROR") || l.startsWith("SERVER_ERROR")) {
      answered = true;
      String lower = l.toLowerCase(java.util.Locale.ROOT);
      if (lower.contains("auth")) {
        authRequired = true;
        detail = printable(l);
        finish(false);
        return;
      }
      reply();
    } else {
      foreign = !answered;
      detail = printable(l);
      finish(false);
    }
  }

  private void reply() {
    if (!inStats && ++replies >= 2) {
      finish(false);
    }
  }

  private static String printable(String s) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length() && sb.length() < 80; i++) {
      char c = s.charAt(i);
      sb.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return sb.toString();
  }

  @Override
  TextReply snapshot(boolean timedOut) {
    if (timedOut && detail == null && !answered) {
      detail = received == 0 ? "connected, no reply within the timeout" : "incomplete reply";
    }
    return new TextReply(Connect.OPEN, answered, version, stats, authRequired, foreign, truncated, received,
        detail);
  }
}
