package io.safecached.security.tls;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * A loopback Netty server whose connections are a {@link ServerTls} handler and an echo handler, and the JDK
 * client side of it; for the TLS tests. Everything it starts stops in {@link #close()}.
 */
final class TlsEchoServer implements AutoCloseable {
  static final int TIMEOUT_MILLIS = 5_000;

  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final Channel listener;
  /** How many decrypted messages reached the handler behind the TLS handler. */
  final AtomicInteger applicationReads = new AtomicInteger();

  TlsEchoServer(ServerTls tls) throws InterruptedException {
    ServerBootstrap b = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast("tls", tls.newHandler(ch.alloc()));
            ch.pipeline().addLast("echo", new ChannelInboundHandlerAdapter() {
              @Override
              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                applicationReads.incrementAndGet();
                ctx.writeAndFlush(msg);
              }
            });
          }
        });
    listener = b.bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
  }

  InetSocketAddress address() {
    return (InetSocketAddress) listener.localAddress();
  }

  /** A connected TLS client socket (handshake not yet done) using {@code context}, checking the server name. */
  SSLSocket connect(SSLContext context, String... protocols) throws IOException {
    SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket();
    s.connect(address(), TIMEOUT_MILLIS);
    s.setSoTimeout(TIMEOUT_MILLIS);
    SSLParameters p = s.getSSLParameters();
    p.setEndpointIdentificationAlgorithm("HTTPS");
    if (protocols.length > 0) {
      p.setProtocols(protocols);
    }
    s.setSSLParameters(p);
    return s;
  }

  /** A plain TCP socket to the server. */
  Socket connectPlain() throws IOException {
    Socket s = new Socket();
    s.connect(address(), TIMEOUT_MILLIS);
    s.setSoTimeout(TIMEOUT_MILLIS);
    return s;
  }

  /** Sends {@code line} and reads the echo of it. */
  static String echo(Socket s, String line) throws IOException {
    byte[] out = line.getBytes(StandardCharsets.US_ASCII);
    OutputStream o = s.getOutputStream();
    o.write(out);
    o.flush();
    byte[] in = s.getInputStream().readNBytes(out.length);
    return new String(in, StandardCharsets.US_ASCII);
  }

  /** Everything the peer sends until it closes (or the read times out, which fails the calling test). */
  static byte[] readUntilClosed(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    return in.readAllBytes();
  }

  /** The serial number of the certificate the server presented on {@code s}. */
  static BigInteger serverSerial(SSLSocket s) throws IOException {
    return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSerialNumber();
  }

  @Override
  public void close() {
    listener.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }
}
