package io.safecached.server.udp;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.DatagramChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The UDP sockets of a server: one channel per listen address, all served by one {@link UdpRequestHandler}. */
public final class UdpListeners implements AutoCloseable {
  /** memcached reads datagrams of up to 64 KiB; a request must fit one. */
  private static final int RECEIVE_BUFFER = 65_536;
  private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(1024 * 1024, 4 * 1024 * 1024);

  private final List<Channel> channels;

  private UdpListeners(List<Channel> channels) {
    this.channels = List.copyOf(channels);
  }

  /**
   * Binds a UDP socket on each of {@code addresses}, of {@code channel}'s class ({@code group} must be of the
   * same transport), its buffers from {@code alloc}. Throws, closing whatever was bound, when one cannot be bound.
   */
  public static UdpListeners bind(List<InetSocketAddress> addresses, EventLoopGroup group,
                                  Class<? extends DatagramChannel> channel, ByteBufAllocator alloc,
                                  UdpRequestHandler handler) throws IOException {
    Bootstrap bootstrap = new Bootstrap()
        .group(group)
        .channel(channel)
        .option(ChannelOption.SO_REUSEADDR, true)
        .option(ChannelOption.ALLOCATOR, alloc)
        .option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(RECEIVE_BUFFER))
        .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
        .handler(handler);
    List<Channel> bound = new ArrayList<>();
    for (InetSocketAddress address : addresses) {
      try {
        bound.add(bootstrap.bind(address).sync().channel());
      } catch (Exception e) {
        new UdpListeners(bound).close();
        String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        throw new IOException("failed to listen on udp " + address + ": " + reason, e);
      }
    }
    return new UdpListeners(bound);
  }

  /** The addresses actually bound. */
  public List<InetSocketAddress> boundAddresses() {
    return channels.stream().map(c -> (InetSocketAddress) c.localAddress()).toList();
  }

  /** Closes every socket and waits for it. */
  @Override
  public void close() {
    for (Channel c : channels) {
      c.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
  }
}
