package io.safecached.server;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.safecached.config.ConfigException;
import io.safecached.config.ServerConfig.Transport;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The one place that picks the Netty transport: its event-loop factory and its TCP and UDP channel classes.
 *
 * <p>{@code AUTO} takes epoll, else NIO, and says why in {@link #reason()}. io_uring runs only when asked for
 * ({@code -o transport=io_uring}): on Netty 4.2.18 some connections reset by their peer in the middle of a value
 * were never closed on it (7 of 30 in one run of MemoryAbuseIT), which keeps their reservations and lets a
 * peer hold memory it should not. A transport asked for by name that this machine cannot run stops start-up with
 * the reason; nothing falls back silently then.
 */
record NettyTransport(Transport kind, Supplier<IoHandlerFactory> ioHandler,
                      Class<? extends ServerChannel> serverChannel,
                      Class<? extends DatagramChannel> datagramChannel, String reason) {

  /** The transport for {@code wanted}, or a {@link ConfigException} when this machine cannot run it. */
  static NettyTransport select(Transport wanted) {
    return switch (wanted) {
      case AUTO -> auto();
      case IO_URING -> ioUring("asked for").orElseThrow(() -> unavailable("io_uring", IoUring.unavailabilityCause()));
      case EPOLL -> epoll("asked for").orElseThrow(() -> unavailable("epoll", Epoll.unavailabilityCause()));
      case NIO -> nio("asked for");
    };
  }

  private static NettyTransport auto() {
    if (Epoll.isAvailable()) {
      return epoll("the default; io_uring only with -o transport=io_uring").orElseThrow();
    }
    return nio("epoll unavailable: " + cause(Epoll.unavailabilityCause()));
  }

  private static Optional<NettyTransport> ioUring(String why) {
    if (!IoUring.isAvailable()) {
      return Optional.empty();
    }
    return Optional.of(new NettyTransport(Transport.IO_URING, IoUringIoHandler::newFactory,
        IoUringServerSocketChannel.class, IoUringDatagramChannel.class, why));
  }

  private static Optional<NettyTransport> epoll(String why) {
    if (!Epoll.isAvailable()) {
      return Optional.empty();
    }
    return Optional.of(new NettyTransport(Transport.EPOLL, EpollIoHandler::newFactory,
        EpollServerSocketChannel.class, EpollDatagramChannel.class, why));
  }

  private static NettyTransport nio(String why) {
    return new NettyTransport(Transport.NIO, NioIoHandler::newFactory, NioServerSocketChannel.class,
        NioDatagramChannel.class, why);
  }

  private static ConfigException unavailable(String name, Throwable cause) {
    return new ConfigException("-o transport=" + name + ": " + name + " is not available on this machine ("
        + cause(cause) + "); use -o transport=auto to take the best one available");
  }

  /** The innermost message of {@code t}: the one that names what the kernel or the library refused. */
  private static String cause(Throwable t) {
    if (t == null) {
      return "no reason given";
    }
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return message == null ? root.getClass().getSimpleName() : message;
  }

  /** For the start-up line: {@code epoll (the default; io_uring only with -o transport=io_uring)}. */
  String describe() {
    return kind.optionName() + " (" + reason + ")";
  }
}
