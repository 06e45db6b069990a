package io.safecached.security.tls;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.util.NetUtil;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.ClosedChannelException;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * The server side of one TLS connection: Netty's {@link SslHandler} that closes a peer whose first byte cannot
 * start a TLS handshake record without writing anything, and counts and logs every failed handshake once.
 */
final class ServerSslHandler extends SslHandler {
  /** The TLS record type of a handshake message: the first byte of every ClientHello. */
  private static final byte HANDSHAKE_RECORD = 0x16;

  private final ServerTls tls;
  private boolean firstByteSeen;
  private boolean failureReported;

  ServerSslHandler(SSLEngine engine, ServerTls tls) {
    super(engine);
    this.tls = tls;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
    super.handlerAdded(ctx);
    handshakeFuture().addListener(f -> {
      if (!f.isSuccess()) {
        report(ctx, f.cause());
      }
    });
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws SSLException {
    if (!firstByteSeen && in.isReadable()) {
      firstByteSeen = true;
      if (in.getByte(in.readerIndex()) != HANDSHAKE_RECORD) {
        in.skipBytes(in.readableBytes());
        report(ctx, new NotSslRecordException("first byte is not a TLS handshake record"));
        // ctx.close() starts below this handler: no close_notify or alert is written, nothing at all
        ctx.close();
        return;
      }
    }
    super.decode(ctx, in, out);
  }

  /**
   * An exception before the handshake finished is the handshake failing: reported once here and the connection
   * closed, instead of travelling on to handlers that only expect decrypted traffic.
   */
  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
    if (handshakeFuture().isSuccess()) {
      super.exceptionCaught(ctx, cause);
      return;
    }
    report(ctx, cause);
    ctx.close();
  }

  /**
   * Counts and logs a failed handshake once. A connection closed before its peer sent a byte is not a handshake
   * attempt (a port scan, or closed by the allowlist or the connection limit): neither counted nor logged here.
   */
  private void report(ChannelHandlerContext ctx, Throwable cause) {
    if (failureReported) {
      return;
    }
    failureReported = true;
    if (!firstByteSeen && cause instanceof ClosedChannelException) {
      return;
    }
    String source = format(ctx.channel().remoteAddress());
    Throwable root = cause;
    while (root.getCause() != null && root.getCause() != root && !(root instanceof SSLHandshakeException)) {
      root = root.getCause();
    }
    if (cause instanceof NotSslRecordException) {
      tls.handshakeFailed(Level.DEBUG, "TLS: closed " + source + ": not TLS (a plaintext client?)");
    } else if (cause instanceof SslHandshakeTimeoutException) {
      tls.handshakeFailed(Level.DEBUG, "TLS: closed " + source + ": handshake not finished within "
          + tls.handshakeTimeoutMillis() + " ms");
    } else if (cause instanceof ClosedChannelException || !(root instanceof SSLException)) {
      tls.handshakeFailed(Level.DEBUG, "TLS: " + source + " left during the handshake: " + Pem.oneLine(cause));
    } else {
      tls.handshakeFailed(Level.INFO, "TLS: refused " + source + ": " + Pem.oneLine(root));
    }
  }

  private static String format(SocketAddress address) {
    return address instanceof InetSocketAddress a ? NetUtil.toSocketAddressString(a) : String.valueOf(address);
  }
}
