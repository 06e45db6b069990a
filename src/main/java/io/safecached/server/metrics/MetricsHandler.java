package io.safecached.server.metrics;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Answers one HTTP request on the metrics endpoint: {@code GET /metrics} with the scrape, after checking HTTP
 * basic auth when the server requires logins; anything else gets a short error. Every response closes the
 * connection. The scrape itself runs on the endpoint's own executor, so it never holds up a network thread.
 */
@Sharable
final class MetricsHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final System.Logger LOG = System.getLogger("io.safecached.server.metrics");
  static final String PATH = "/metrics";
  static final String REALM = "Basic realm=\"safecached metrics\", charset=\"UTF-8\"";

  private final Scraper scraper;
  private final Executor scrapes;
  private final Login login;
  private final SecurityEvents events;

  MetricsHandler(Scraper scraper, Executor scrapes, Login login, SecurityEvents events) {
    this.scraper = scraper;
    this.scrapes = scrapes;
    this.login = login;
    this.events = events;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
    if (!req.decoderResult().isSuccess()) {
      text(ctx, HttpResponseStatus.BAD_REQUEST, "bad request");
      return;
    }
    if (!PATH.equals(new QueryStringDecoder(req.uri()).path())) {
      text(ctx, HttpResponseStatus.NOT_FOUND, "not found: metrics are at " + PATH);
      return;
    }
    if (!HttpMethod.GET.equals(req.method())) {
      FullHttpResponse r = response(HttpResponseStatus.METHOD_NOT_ALLOWED, "only GET");
      r.headers().set(HttpHeaderNames.ALLOW, "GET");
      send(ctx, r);
      return;
    }
    if (login == null) {
      serve(ctx);
      return;
    }
    String header = req.headers().get(HttpHeaderNames.AUTHORIZATION);
    byte[] credentials = basic(header);
    int colon = indexOf(credentials, (byte) ':');
    if (colon < 0) {
      events.recordMetricsAuthFailure();
      unauthorized(ctx);
      return;
    }
    String user = new String(credentials, 0, colon, StandardCharsets.UTF_8);
    byte[] password = Arrays.copyOfRange(credentials, colon + 1, credentials.length);
    Arrays.fill(credentials, (byte) 0);
    InetAddress source = ctx.channel().remoteAddress() instanceof InetSocketAddress a && a.getAddress() != null
        ? a.getAddress() : InetAddress.getLoopbackAddress();
    login.check(source, user, password).whenComplete((ok, failure) -> {
      Arrays.fill(password, (byte) 0);
      ctx.executor().execute(() -> {
        if (Boolean.TRUE.equals(ok)) {
          serve(ctx);
        } else {
          events.recordMetricsAuthFailure();
          LOG.log(Level.INFO, "metrics: refused a scrape from " + source.getHostAddress() + ": bad credentials");
          unauthorized(ctx);
        }
      });
    });
  }

  /** The bytes after {@code Basic } in an Authorization header, decoded; empty when there are none. */
  static byte[] basic(String header) {
    if (header == null || header.length() < 6 || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
      return new byte[0];
    }
    try {
      return Base64.getDecoder().decode(header.substring(6).strip());
    } catch (IllegalArgumentException e) {
      return new byte[0];
    }
  }

  private static int indexOf(byte[] bytes, byte b) {
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    return -1;
  }

  /** Scrapes on the scrape executor and sends the result from there (Netty hands the write to the event loop). */
  private void serve(ChannelHandlerContext ctx) {
    try {
      scrapes.execute(() -> {
        ByteBuf body;
        try {
          body = scraper.scrape(ctx.alloc());
        } catch (RuntimeException e) {
          LOG.log(Level.WARNING, "metrics: scrape failed", e);
          text(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR, "scrape failed");
          return;
        }
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, scraper.contentType());
        send(ctx, r);
      });
    } catch (RejectedExecutionException stopping) {
      ctx.close();
    }
  }

  private static void unauthorized(ChannelHandlerContext ctx) {
    FullHttpResponse r = response(HttpResponseStatus.UNAUTHORIZED, "unauthorized");
    r.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, REALM);
    send(ctx, r);
  }

  private static void text(ChannelHandlerContext ctx, HttpResponseStatus status, String message) {
    send(ctx, response(status, message));
  }

  private static FullHttpResponse response(HttpResponseStatus status, String message) {
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
        Unpooled.copiedBuffer(message + "\n", StandardCharsets.UTF_8));
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    return r;
  }

  private static void send(ChannelHandlerContext ctx, FullHttpResponse r) {
    r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
    r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.log(Level.DEBUG, "metrics: connection from " + ctx.channel().remoteAddress() + " closed: " + cause);
    ctx.close();
  }
}
