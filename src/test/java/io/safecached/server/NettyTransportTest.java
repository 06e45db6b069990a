package io.safecached.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.safecached.config.ConfigException;
import io.safecached.config.ServerConfig.Transport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class NettyTransportTest {
  @BeforeAll
  static void nettyTransportLoadsBeforeNettysIoUring() {
    NettyTransport.select(Transport.NIO); // its class initializer turns multishot POLLIN off first
  }

  @Test
  void autoTakesIoUringWhereTheKernelAllowsIt() {
    assumeTrue(IoUring.isAvailable(), "io_uring is not available here");
    assertThat(IoUring.isPollAddMultishotEnabled()).as("multishot POLLIN misses resets: turned off").isFalse();
    NettyTransport t = NettyTransport.select(Transport.AUTO);
    assertThat(t.kind()).isEqualTo(Transport.IO_URING);
    assertThat(t.serverChannel()).isEqualTo(IoUringServerSocketChannel.class);
    assertThat(t.datagramChannel()).isEqualTo(IoUringDatagramChannel.class);
    assertThat(t.describe()).isEqualTo("io_uring (the default where the kernel allows it)");
  }

  @Test
  void nettysIoUringGetsTwoThousandIovecsALoopNotTenThousand() {
    // set in NettyTransport's class initializer unless given on the command line (surefire gives none)
    assertThat(System.getProperty(NettyTransport.IOVECS)).isEqualTo("2048");
  }

  @Test
  void autoFallsBackToEpollThenNioAndSaysWhy() {
    Throwable seccomp = new RuntimeException("wrapped", new UnsupportedOperationException("Operation not permitted"));
    assertThat(NettyTransport.auto(null, false, null).kind()).isEqualTo(Transport.IO_URING);
    NettyTransport epoll = NettyTransport.auto(seccomp, false, null);
    assertThat(epoll.serverChannel()).isEqualTo(EpollServerSocketChannel.class);
    assertThat(epoll.describe()).isEqualTo("epoll (io_uring unavailable: Operation not permitted)");
    NettyTransport nio = NettyTransport.auto(seccomp, false, new UnsatisfiedLinkError("no libnetty"));
    assertThat(nio.kind()).isEqualTo(Transport.NIO);
    assertThat(nio.describe())
        .isEqualTo("nio (io_uring unavailable: Operation not permitted; epoll unavailable: no libnetty)");
  }

  @Test
  void autoDoesNotTakeIoUringWithMultishotPollIn() {
    NettyTransport t = NettyTransport.auto(null, true, null);
    assertThat(t.kind()).isEqualTo(Transport.EPOLL);
    assertThat(t.reason()).startsWith("io_uring not taken: Netty's multishot POLLIN is on (-D"
        + NettyTransport.MULTISHOT_POLL_IN + "=true").endsWith("misses connection resets");
  }

  @Test
  void aTransportAskedForByNameIsTakenOrRefused() {
    if (IoUring.isAvailable()) {
      assertThat(NettyTransport.select(Transport.IO_URING).describe()).isEqualTo("io_uring (asked for)");
    } else {
      assertThatThrownBy(() -> NettyTransport.select(Transport.IO_URING)).isInstanceOf(ConfigException.class)
          .hasMessageStartingWith("-o transport=io_uring: io_uring is not available on this machine (");
    }
    if (Epoll.isAvailable()) {
      assertThat(NettyTransport.select(Transport.EPOLL).serverChannel()).isEqualTo(EpollServerSocketChannel.class);
    } else {
      assertThatThrownBy(() -> NettyTransport.select(Transport.EPOLL)).isInstanceOf(ConfigException.class)
          .hasMessageContaining("epoll is not available");
    }
  }

  @Test
  void nioRunsEverywhere() {
    NettyTransport t = NettyTransport.select(Transport.NIO);
    assertThat(t.serverChannel()).isEqualTo(NioServerSocketChannel.class);
    assertThat(t.datagramChannel()).isEqualTo(NioDatagramChannel.class);
    assertThat(t.describe()).isEqualTo("nio (asked for)");
  }

  @Test
  void ioUringConnectionsReceiveIntoTheBufferRingUnlessItIsTurnedOff() {
    withRingProperty(null, () -> assertThat(NettyTransport.bufferRingWanted()).isTrue());
    withRingProperty("true", () -> assertThat(NettyTransport.bufferRingWanted()).isTrue());
    withRingProperty(" FALSE ", () -> assertThat(NettyTransport.bufferRingWanted()).isFalse());
  }

  @Test
  void onlyIoUringChildrenGetTheBufferGroupByDefault() {
    withRingProperty(null, () -> {
      ServerBootstrap nio = NettyTransport.select(Transport.NIO).configureChildren(new ServerBootstrap());
      assertThat(nio.config().childOptions()).doesNotContainKey(IoUringChannelOption.IO_URING_BUFFER_GROUP_ID);
      if (Epoll.isAvailable()) {
        ServerBootstrap epoll = NettyTransport.select(Transport.EPOLL).configureChildren(new ServerBootstrap());
        assertThat(epoll.config().childOptions()).doesNotContainKey(IoUringChannelOption.IO_URING_BUFFER_GROUP_ID);
      }
      assumeTrue(IoUring.isAvailable() && IoUring.isRegisterBufferRingSupported(),
          "io_uring buffer rings are not available here");
      NettyTransport uring = NettyTransport.select(Transport.IO_URING);
      assertThat(uring.bufferRing()).isTrue();
      assertThat(uring.configureChildren(new ServerBootstrap()).config().childOptions()
          .get(IoUringChannelOption.IO_URING_BUFFER_GROUP_ID)).isEqualTo(NettyTransport.BUFFER_GROUP);
    });
  }

  @Test
  void nettysMultishotRecvIsTurnedOffBeforeItsIoUringLoads() {
    assumeTrue(IoUring.isAvailable(), "io_uring is not available here");
    // it missed resets of idle connections that had sent part of a value; a one-shot recv does not
    assertThat(IoUring.isRecvMultishotEnabled()).isFalse();
  }

  @Test
  void theRingIsDecidedOnceWhenTheTransportIsPicked() {
    assumeTrue(IoUring.isAvailable(), "io_uring is not available here");
    NettyTransport[] off = new NettyTransport[1];
    withRingProperty("false", () -> off[0] = NettyTransport.select(Transport.IO_URING));
    // turned on afterwards: the transport picked with it off keeps both its loops and its connections off
    withRingProperty("true", () -> {
      assertThat(off[0].bufferRing()).isFalse();
      assertThat(off[0].configureChildren(new ServerBootstrap()).config().childOptions())
          .doesNotContainKey(IoUringChannelOption.IO_URING_BUFFER_GROUP_ID);
    });
  }

  /** Runs {@code body} with {@link NettyTransport#BUFFER_RING} set to {@code value} (null: unset), then restores it. */
  private static void withRingProperty(String value, Runnable body) {
    String before = System.getProperty(NettyTransport.BUFFER_RING);
    try {
      if (value == null) {
        System.clearProperty(NettyTransport.BUFFER_RING);
      } else {
        System.setProperty(NettyTransport.BUFFER_RING, value);
      }
      body.run();
    } finally {
      if (before == null) {
        System.clearProperty(NettyTransport.BUFFER_RING);
      } else {
        System.setProperty(NettyTransport.BUFFER_RING, before);
      }
    }
  }
}
