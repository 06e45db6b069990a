package io.safecached.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.safecached.config.ConfigException;
import io.safecached.config.ServerConfig.Transport;
import org.junit.jupiter.api.Test;

class NettyTransportTest {
  @Test
  void autoTakesEpollAndIoUringOnlyWhenAskedFor() {
    assumeTrue(Epoll.isAvailable(), "epoll is not available here");
    NettyTransport t = NettyTransport.select(Transport.AUTO);
    assertThat(t.kind()).as("io_uring misses some connection resets: not the default").isEqualTo(Transport.EPOLL);
    assertThat(t.serverChannel()).isEqualTo(EpollServerSocketChannel.class);
    assertThat(t.describe()).isEqualTo("epoll (the default; io_uring only with -o transport=io_uring)");
  }

  @Test
  void autoFallsBackToNioAndSaysWhy() {
    assumeFalse(Epoll.isAvailable(), "epoll is available here");
    NettyTransport t = NettyTransport.select(Transport.AUTO);
    assertThat(t.kind()).isEqualTo(Transport.NIO);
    assertThat(t.describe()).startsWith("nio (epoll unavailable: ");
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
}
