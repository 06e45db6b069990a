package io.safecached.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultMessageSizeEstimator;
import io.netty.channel.MessageSizeEstimator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocal;
import io.safecached.store.stats.Counter;
import io.safecached.store.stats.Counters;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * {@code bytes_read} and {@code bytes_written} of TCP connections, counted without a handler of their own.
 *
 * <p>A plaintext connection's bytes are counted where Netty already looks at every read and every write: the
 * receive allocator's {@code lastBytesRead} and the outbound size estimate of each message queued. Each event loop
 * adds to a cell of its own with a plain store (one writer per cell); {@link #drainInto} adds what the cells
 * gained since the last drain to the shared {@link Counters} when {@code stats} is asked (their only reader,
 * metrics included), so that nothing on the request path touches a shared counter. A TLS connection counts the bytes
 * after decryption, as memcached does, with {@link #handler()} after the TLS handler.
 */
final class Traffic {
  /** One event loop's counts. Only that loop writes them; readers see them without a lock. */
  static final class Cell {
    private static final VarHandle READ;
    private static final VarHandle WRITTEN;

    static {
      try {
        MethodHandles.Lookup l = MethodHandles.lookup();
        READ = l.findVarHandle(Cell.class, "read", long.class);
        WRITTEN = l.findVarHandle(Cell.class, "written", long.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    private long read;
    private long written;

    void read(long n) {
      READ.setOpaque(this, read + n);
    }

    void written(long n) {
      WRITTEN.setOpaque(this, written + n);
    }

    long readTotal() {
      return (long) READ.getOpaque(this);
    }

    long writtenTotal() {
      return (long) WRITTEN.getOpaque(this);
    }
  }

  private final Queue<Cell> cells = new ConcurrentLinkedQueue<>();
  private final FastThreadLocal<Cell> cell = new FastThreadLocal<>() {
    @Override
    protected Cell initialValue() {
      Cell c = new Cell();
      cells.add(c);
      return c;
    }
  };
  private final CountingHandler handler = new CountingHandler();
  private long drainedRead;
  private long drainedWritten;

  /** The calling thread's cell (an event loop's, for every caller on the request path). */
  Cell cell() {
    return cell.get();
  }

  /** Adds what every loop counted since the last call to {@code counters}; then a snapshot of them is exact. */
  synchronized void drainInto(Counters counters) {
    long read = 0;
    long written = 0;
    for (Cell c : cells) {
      read += c.readTotal();
      written += c.writtenTotal();
    }
    counters.add(Counter.BYTES_READ, read - drainedRead);
    counters.add(Counter.BYTES_WRITTEN, written - drainedWritten);
    drainedRead = read;
    drainedWritten = written;
  }

  /** Counts every read of a plaintext connection at the socket: the allocator sees each read's size. */
  RecvByteBufAllocator countingReads(RecvByteBufAllocator allocator) {
    return new CountingAllocator(allocator, this);
  }

  /**
   * Counts every message queued on {@code ch} (called by Netty for each write; a write from outside the
   * channel's loop is estimated twice, once when handed over, so only the loop's estimate counts).
   */
  MessageSizeEstimator countingWrites(Channel ch) {
    MessageSizeEstimator.Handle sizes = DefaultMessageSizeEstimator.DEFAULT.newHandle();
    return () -> msg -> {
      int size = sizes.size(msg);
      if (size > 0 && ch.eventLoop().inEventLoop()) {
        cell().written(size);
      }
      return size;
    };
  }

  /** The handler that counts a TLS connection's plaintext, placed right after the TLS handler. */
  ChannelDuplexHandler handler() {
    return handler;
  }

  private static long size(Object msg) {
    if (msg instanceof ByteBuf b) {
      return b.readableBytes();
    }
    if (msg instanceof ByteBufHolder h) {
      return h.content().readableBytes();
    }
    return 0;
  }

  @Sharable
  private final class CountingHandler extends ChannelDuplexHandler {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      cell().read(size(msg));
      ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      cell().written(size(msg));
      ctx.write(msg, promise);
    }
  }

  /** Hands out handles that report each read's size to the reading loop's cell. */
  private static final class CountingAllocator implements RecvByteBufAllocator {
    private final RecvByteBufAllocator delegate;
    private final Traffic traffic;

    CountingAllocator(RecvByteBufAllocator delegate, Traffic traffic) {
      this.delegate = delegate;
      this.traffic = traffic;
    }

    @Override
    @SuppressWarnings("deprecation") // the interface's own return type
    public Handle newHandle() {
      return new CountingHandle((ExtendedHandle) delegate.newHandle(), traffic);
    }
  }

  /** Delegates everything; adds each read's size. */
  @SuppressWarnings("deprecation")
  private static final class CountingHandle implements RecvByteBufAllocator.ExtendedHandle {
    private final RecvByteBufAllocator.ExtendedHandle delegate;
    private final Traffic traffic;
    private Cell cell;

    CountingHandle(RecvByteBufAllocator.ExtendedHandle delegate, Traffic traffic) {
      this.delegate = delegate;
      this.traffic = traffic;
    }

    @Override
    public void lastBytesRead(int bytes) {
      if (bytes > 0) {
        Cell c = cell;
        if (c == null) {
          c = cell = traffic.cell(); // a channel stays on its loop: look the cell up once
        }
        c.read(bytes);
      }
      delegate.lastBytesRead(bytes);
    }

    @Override
    public io.netty.buffer.ByteBuf allocate(io.netty.buffer.ByteBufAllocator alloc) {
      return delegate.allocate(alloc);
    }

    @Override
    public int guess() {
      return delegate.guess();
    }

    @Override
    public void reset(io.netty.channel.ChannelConfig config) {
      delegate.reset(config);
    }

    @Override
    public void incMessagesRead(int numMessages) {
      delegate.incMessagesRead(numMessages);
    }

    @Override
    public int lastBytesRead() {
      return delegate.lastBytesRead();
    }

    @Override
    public void attemptedBytesRead(int bytes) {
      delegate.attemptedBytesRead(bytes);
    }

    @Override
    public int attemptedBytesRead() {
      return delegate.attemptedBytesRead();
    }

    @Override
    public boolean continueReading() {
      return delegate.continueReading();
    }

    @Override
    public boolean continueReading(io.netty.util.UncheckedBooleanSupplier maybeMoreDataSupplier) {
      return delegate.continueReading(maybeMoreDataSupplier);
    }

    @Override
    public void readComplete() {
      delegate.readComplete();
    }
  }
}
