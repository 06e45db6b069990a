package io.safecached.server;

import io.netty.bootstrap.ServerBootstrap;
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
import io.netty.channel.uring.IoUringBufferRingConfig;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringFixedBufferRingAllocator;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringIoHandlerConfig;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.safecached.config.ConfigException;
import io.safecached.config.ServerConfig.Transport;
import java.util.function.Supplier;

/**
 * The one place that picks the Netty transport: its event-loop factory and its TCP and UDP channel classes.
 *
 * <p>{@code AUTO} takes io_uring where the kernel allows it (containers often forbid it with seccomp, and
 * {@code kernel.io_uring_disabled} can), else epoll, else NIO, and says why in {@link #reason()}. A transport asked
 * for by name that this machine cannot run stops start-up with the reason; nothing falls back silently then.
 *
 * <p>io_uring runs with Netty's multishot POLLIN turned off ({@value #MULTISHOT_POLL_IN}, set here before Netty's
 * io_uring classes load unless the JVM was given it). With it on (Netty 4.2.18's default), a connection reset by
 * its peer while bytes were still queued on it was never closed: the reset's wake-up was spent on the read
 * already under way, that read drained the queue, the kernel then reported the socket empty (after a reset, unlike
 * after a FIN, it gives no hint that an error is left to read), so Netty ended its read loop and waited for an
 * edge-triggered POLLIN that never came again; the connection kept its value reservation for ever (MemoryAbuseIT,
 * up to a third of the connections reset mid-value). A one-shot POLLIN is re-armed for every read loop and the
 * kernel checks the socket's state when it is armed, so the reset is read and the connection closes. Where
 * multishot POLLIN is on anyway (the property set to true, or Netty's io_uring loaded by someone else first),
 * {@code AUTO} takes epoll and says so.
 *
 * <p>io_uring connections receive into a ring of provided buffers, one ring per worker loop
 * ({@value #RING_BUFFER_SIZE}-byte buffers filled incrementally, {@value #RING_BATCH} to begin with, at most
 * {@value #RING_BUFFERS}): each read is one recv that the kernel holds until data (or a reset) arrives and then
 * fills into a buffer of the ring, instead of a POLLIN and then a recv, each submitted and completed, for every
 * read. Netty hands each read on as a slice and puts a fresh buffer in the ring at once, so a connection that keeps
 * its bytes (a value half received) holds memory, not a ring slot. The recv is one-shot: Netty's multishot recv
 * ({@value #MULTISHOT_RECV}, set to false here unless the JVM was given it) missed the reset of about one idle
 * connection in 300-600 that had sent part of a value (MemoryAbuseIT), which then kept its reservation for ever; where
 * multishot recv is on anyway, connections do not use the ring. There, where the kernel cannot register buffer
 * rings (before 5.19), and with {@code -D}{@value #BUFFER_RING}{@code =false}, they arm a one-shot POLLIN and
 * submit a recv for every read.
 */
record NettyTransport(Transport kind, Supplier<IoHandlerFactory> ioHandler,
                      Class<? extends ServerChannel> serverChannel,
                      Class<? extends DatagramChannel> datagramChannel, String reason, boolean bufferRing) {

  /** Netty's switch for io_uring's multishot recv (with a buffer ring only), read when {@code IoUring} loads. */
  static final String MULTISHOT_RECV = "io.netty.iouring.recvMultiShotEnabled";

  /** Netty's switch for io_uring's multishot POLLIN, read once, when its {@code IoUring} class loads. */
  static final String MULTISHOT_POLL_IN = "io.netty.iouring.pollAddMultishotEnabled";

  /**
   * Netty's number of iovecs per io_uring event loop for gathering writes, read when its {@code IoUring} class
   * loads. Its default, 10 x IOV_MAX (10,240: 160 KB of direct memory a loop), is set here to 2,048: 16 buffers for
   * each of the 128 submissions the ring holds (a full array is submitted early, not refused).
   */
  static final String IOVECS = "io.netty.iouring.numElementsIoVec";

  /**
   * The switch for receiving into a ring of provided buffers on io_uring: on unless set to {@code false} (less CPU
   * per request than a POLLIN and a recv per read; docs/performance.md, "Transport").
   */
  static final String BUFFER_RING = "safecached.iouring.bufferRing";
  /** The buffer group of each loop's provided-buffer ring. */
  static final short BUFFER_GROUP = 1;
  /** Buffers a loop's ring can hold at most (a power of two); it starts with {@link #RING_BATCH} of them. */
  static final short RING_BUFFERS = 128;
  /** Buffers the ring starts with, and adds when the kernel found it empty: 512 KB a loop to begin with. */
  static final int RING_BATCH = 32;
  /**
   * Bytes in each ring buffer; the kernel fills it incrementally, several small reads sharing one buffer. 16 KB,
   * as the most the other transports read at once: a set of a 16 KB value arrives in two reads, not five (a
   * quarter less CPU a set than with 4 KB buffers; docs/performance.md).
   */
  static final int RING_BUFFER_SIZE = SafecachedServer.READ_BUFFER_MAX;

  static {
    if (System.getProperty(MULTISHOT_POLL_IN) == null) {
      System.setProperty(MULTISHOT_POLL_IN, "false");
    }
    if (System.getProperty(MULTISHOT_RECV) == null) {
      System.setProperty(MULTISHOT_RECV, "false");
    }
    if (System.getProperty(IOVECS) == null) {
      System.setProperty(IOVECS, "2048");
    }
  }

  /** The transport for {@code wanted}, or a {@link ConfigException} when this machine cannot run it. */
  static NettyTransport select(Transport wanted) {
    return switch (wanted) {
      case AUTO -> auto(IoUring.unavailabilityCause(), IoUring.isAvailable() && IoUring.isPollAddMultishotEnabled(),
          Epoll.unavailabilityCause());
      case IO_URING -> {
        if (!IoUring.isAvailable()) {
          throw unavailable("io_uring", IoUring.unavailabilityCause());
        }
        yield ioUring(IoUring.isPollAddMultishotEnabled()
            ? "asked for; multishot POLLIN is on (-D" + MULTISHOT_POLL_IN + "=true): resets may go unnoticed"
            : "asked for");
      }
      case EPOLL -> {
        if (!Epoll.isAvailable()) {
          throw unavailable("epoll", Epoll.unavailabilityCause());
        }
        yield epoll("asked for");
      }
      case NIO -> nio("asked for");
    };
  }

  /**
   * What {@code AUTO} takes, given why io_uring and epoll cannot run here (null where they can) and whether
   * io_uring would run with multishot POLLIN.
   */
  static NettyTransport auto(Throwable ioUringMissing, boolean multishotPollIn, Throwable epollMissing) {
    if (ioUringMissing == null && !multishotPollIn) {
      return ioUring("the default where the kernel allows it");
    }
    String why = ioUringMissing != null ? "io_uring unavailable: " + cause(ioUringMissing)
        : "io_uring not taken: Netty's multishot POLLIN is on (-D" + MULTISHOT_POLL_IN
            + "=true, or its io_uring loaded before safecached's) and misses connection resets";
    if (epollMissing == null) {
      return epoll(why);
    }
    return nio(why + "; epoll unavailable: " + cause(epollMissing));
  }

  private static NettyTransport ioUring(String why) {
    boolean ring = bufferRingWanted() && IoUring.isRegisterBufferRingSupported()
        && !IoUring.isRecvMultishotEnabled();
    return new NettyTransport(Transport.IO_URING, () -> ioUringHandler(ring), IoUringServerSocketChannel.class,
        IoUringDatagramChannel.class, why, ring);
  }

  private static IoHandlerFactory ioUringHandler(boolean ring) {
    IoUringIoHandlerConfig config = new IoUringIoHandlerConfig();
    if (ring) {
      config.setBufferRingConfig(IoUringBufferRingConfig.builder()
          .bufferGroupId(BUFFER_GROUP)
          .bufferRingSize(RING_BUFFERS)
          .batchSize(RING_BATCH)
          .allocator(new IoUringFixedBufferRingAllocator(ConnectionBuffers.ALLOCATOR, RING_BUFFER_SIZE))
          .build());
    }
    return IoUringIoHandler.newFactory(config);
  }

  /** The event-loop factory for the loop that only accepts connections: no buffer ring there. */
  IoHandlerFactory acceptorIoHandler() {
    return kind == Transport.IO_URING ? IoUringIoHandler.newFactory() : ioHandler.get();
  }

  /**
   * Whether io_uring connections should receive into the provided-buffer ring: yes unless {@value #BUFFER_RING}
   * is {@code false} (read once per transport picked, so its loops and its connections agree).
   */
  static boolean bufferRingWanted() {
    return !"false".equalsIgnoreCase(System.getProperty(BUFFER_RING, "true").strip());
  }

  /** Points each accepted connection at its loop's buffer ring, on io_uring with the ring on. */
  ServerBootstrap configureChildren(ServerBootstrap bootstrap) {
    if (bufferRing) {
      bootstrap.childOption(IoUringChannelOption.IO_URING_BUFFER_GROUP_ID, BUFFER_GROUP);
    }
    return bootstrap;
  }

  private static NettyTransport epoll(String why) {
    return new NettyTransport(Transport.EPOLL, EpollIoHandler::newFactory, EpollServerSocketChannel.class,
        EpollDatagramChannel.class, why, false);
  }

  private static NettyTransport nio(String why) {
    return new NettyTransport(Transport.NIO, NioIoHandler::newFactory, NioServerSocketChannel.class,
        NioDatagramChannel.class, why, false);
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

  /** For the start-up line: {@code io_uring (the default where the kernel allows it)}. */
  String describe() {
    return kind.optionName() + " (" + reason + ")";
  }
}
