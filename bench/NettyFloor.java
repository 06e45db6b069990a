import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.uring.IoUringBufferRingConfig;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.channel.uring.IoUringFixedBufferRingAllocator;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringIoHandlerConfig;
import io.netty.channel.uring.IoUringServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.LongAdder;

/**
 * The floor of Netty's io_uring transport per request, for bench/floor: a server that does nothing a cache does.
 * It answers every request line of memcached's text protocol with a fixed reply ({@code END} to a get, {@code
 * STORED} after a set's data line) and {@code stats} with the two counters bench/floor reads, over the transport
 * safecached runs by default, wired the same way: io_uring, {@code -t} worker loops, one-shot recv into a ring of
 * 16 KB provided buffers (Netty's multishot POLLIN and recv off), the pooled allocator, one handler, one flush per
 * read. What it costs per request is what any server on this transport pays before parsing, looking up or
 * encoding anything.
 *
 * <p>Run as a single-file program with Netty on the class path (safecached's own jar has it):
 * {@code java -cp target/safecached.jar bench/NettyFloor.java PORT THREADS}. It serves 127.0.0.1 only and runs
 * until killed. Requests are read line by line, a line split across reads included; a data line is assumed to
 * hold no line feed (memcaslap's values do not).
 */
public final class NettyFloor {
  private static final ByteBuf END = shared("END\r\n");
  private static final ByteBuf STORED = shared("STORED\r\n");
  private static final LongAdder GETS = new LongAdder();
  private static final LongAdder SETS = new LongAdder();

  private NettyFloor() {
  }

  private static ByteBuf shared(String s) {
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    return Unpooled.unreleasableBuffer(Unpooled.directBuffer(b.length).writeBytes(b)).asReadOnly();
  }

  public static void main(String[] args) throws InterruptedException {
    if (args.length != 2) {
      System.err.println("usage: NettyFloor PORT THREADS");
      System.exit(2);
    }
    // as safecached's NettyTransport sets them, before Netty's io_uring classes load
    System.setProperty("io.netty.iouring.pollAddMultishotEnabled", "false");
    System.setProperty("io.netty.iouring.recvMultiShotEnabled", "false");
    int port = Integer.parseInt(args[0]);
    int threads = Integer.parseInt(args[1]);
    IoUringIoHandlerConfig config = new IoUringIoHandlerConfig();
    config.setBufferRingConfig(IoUringBufferRingConfig.builder().bufferGroupId((short) 1)
        .bufferRingSize((short) 128).batchSize(32)
        .allocator(new IoUringFixedBufferRingAllocator(PooledByteBufAllocator.DEFAULT, 16 * 1024)).build());
    EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, IoUringIoHandler.newFactory());
    EventLoopGroup workers = new MultiThreadIoEventLoopGroup(threads, IoUringIoHandler.newFactory(config));
    try {
      new ServerBootstrap().group(boss, workers).channel(IoUringServerSocketChannel.class)
          .childOption(IoUringChannelOption.IO_URING_BUFFER_GROUP_ID, (short) 1)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              ch.pipeline().addLast(new Lines());
            }
          })
          .bind("127.0.0.1", port).sync().channel().closeFuture().sync();
    } finally {
      boss.shutdownGracefully();
      workers.shutdownGracefully();
    }
  }

  /** Answers each line; its state carries a line split across reads. */
  private static final class Lines extends ChannelInboundHandlerAdapter {
    /** The first bytes of the line under way (enough to tell get, set and stats apart). */
    private final byte[] start = new byte[5];
    private int startLength;
    /** The next line is a set's data. */
    private boolean data;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf in = (ByteBuf) msg;
      try {
        for (int i = in.readerIndex(), end = in.writerIndex(); i < end; i++) {
          byte b = in.getByte(i);
          if (b != '\n') {
            if (startLength < start.length) {
              start[startLength++] = b;
            }
            continue;
          }
          if (data) {
            data = false;
            SETS.increment();
            ctx.write(STORED.duplicate(), ctx.voidPromise());
          } else if (startsWith("stats")) {
            String reply = "STAT cmd_get " + GETS.sum() + "\r\nSTAT cmd_set " + SETS.sum() + "\r\nEND\r\n";
            ctx.write(ctx.alloc().buffer().writeBytes(reply.getBytes(StandardCharsets.US_ASCII)), ctx.voidPromise());
          } else if (startsWith("set ")) {
            data = true;
          } else {
            GETS.increment();
            ctx.write(END.duplicate(), ctx.voidPromise());
          }
          startLength = 0;
        }
      } finally {
        in.release();
      }
    }

    private boolean startsWith(String s) {
      if (startLength < s.length()) {
        return false;
      }
      for (int i = 0; i < s.length(); i++) {
        if (start[i] != s.charAt(i)) {
          return false;
        }
      }
      return true;
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
