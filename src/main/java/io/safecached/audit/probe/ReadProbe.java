package io.safecached.audit.probe;

import io.netty.channel.ChannelHandlerContext;
import io.safecached.audit.Connect;
import io.safecached.audit.ReadReply;
import java.util.Locale;

/**
 * The read probe, for a port that accepted a connection but did not answer {@code stats}: {@code get} of a random
 * key, then {@code version}, one request at a time so that a peer closing the connection on the second (twemproxy
 * before 0.5 on {@code version}) keeps the first reply. The key is random, so nothing that exists is read, and
 * nothing is written. Bounded like {@link TextProbe}.
 */
final class ReadProbe extends LineExchange<ReadReply> {
  private enum Step { GET, VERSION }

  private final String key;
  private Step step = Step.GET;
  private boolean answered;
  private String getReply;
  private boolean accepted;
  private String version;
  private boolean authRequired;
  private boolean foreign;
  private String detail;

  ReadProbe(long deadlineNanos, String key, int maxBytes) {
    super(deadlineNanos, maxBytes);
    this.key = key;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    arm(ctx);
    send(ctx, "get " + key + "\r\n");
    super.channelActive(ctx);
  }

  @Override
  void overflow(boolean full) {
    foreign = !answered;
    detail = full ? "reply too long" : "no line end within " + LineBuffer.MAX_LINE + " bytes";
    finish(false);
  }

  @Override
  void line(ChannelHandlerContext ctx, String l) {
    boolean error = l.equals("ERROR") || l.startsWith("ERROR ") || l.startsWith("CLIENT_ERROR")
        || l.startsWith("SERVER_ERROR");
    if (error && l.toLowerCase(Locale.ROOT).contains("auth")) {
      answered = true;
      authRequired = true;
      detail = step.name().toLowerCase(Locale.ROOT) + " answered " + LineBuffer.printable(l);
      finish(false);
      return;
    }
    if (step == Step.GET) {
      if (l.equals("END") || l.startsWith("VALUE ") || error) {
        answered = true;
        getReply = LineBuffer.printable(l);
        accepted = !error || l.startsWith("SERVER_ERROR");
        if (l.startsWith("VALUE ")) {
          // a random key that exists: do not read a value that may be someone's data
          detail = "get of a random key returned a value";
          finish(false);
          return;
        }
        step = Step.VERSION;
        send(ctx, "version\r\n");
      } else {
        foreign = !answered;
        detail = "get answered " + LineBuffer.printable(l);
        finish(false);
      }
    } else {
      if (l.startsWith("VERSION ")) {
        answered = true;
        version = l.substring(8).trim();
      } else if (error) {
        detail = "version answered " + LineBuffer.printable(l);
      } else {
        detail = "version answered something else: " + LineBuffer.printable(l);
      }
      finish(false);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (!result.isDone() && detail == null) {
      detail = "closed the connection after " + (step == Step.GET ? "get" : "version");
    }
    super.channelInactive(ctx);
  }

  @Override
  void failed(Throwable cause) {
    if (detail == null) {
      detail = ConnectFailure.describe(cause);
    }
  }

  @Override
  ReadReply snapshot(boolean timedOut) {
    if (timedOut && detail == null) {
      detail = "no reply to " + (step == Step.GET ? "get" : "version") + " within the timeout";
    }
    return new ReadReply(Connect.OPEN, answered, getReply, accepted, version, authRequired, foreign, detail);
  }
}
