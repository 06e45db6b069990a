package io.safecached.audit.probe;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Base of the probe handlers: completes one result exactly once, when the handler says so, when the peer
 * closes, on an exception, or when the deadline passes; then closes the channel.
 */
abstract class Exchange<T> extends ChannelInboundHandlerAdapter {
  final CompletableFuture<T> result = new CompletableFuture<>();
  private final long deadlineNanos;
  private ScheduledFuture<?> timer;
  private ChannelHandlerContext ctx;

  Exchange(long deadlineNanos) {
    this.deadlineNanos = deadlineNanos;
  }

  /** The result built from what has been seen so far; {@code timedOut} when the deadline ended it. */
  abstract T snapshot(boolean timedOut);

  /** Starts the deadline timer (call once the channel is active). */
  final void arm(ChannelHandlerContext c) {
    this.ctx = c;
    long left = deadlineNanos - System.nanoTime();
    if (left <= 0) {
      finish(true);
      return;
    }
    timer = c.executor().schedule(() -> finish(true), left, TimeUnit.NANOSECONDS);
  }

  final void finish(boolean timedOut) {
    if (result.isDone()) {
      return;
    }
    if (timer != null) {
      timer.cancel(false);
    }
    T r;
    try {
      r = snapshot(timedOut);
    } catch (RuntimeException e) {
      result.completeExceptionally(e);
      close();
      return;
    }
    result.complete(r);
    close();
  }

  private void close() {
    if (ctx != null) {
      ctx.channel().close();
    }
  }

  @Override
  public void handlerAdded(ChannelHandlerContext c) {
    this.ctx = c;
  }

  @Override
  public void channelInactive(ChannelHandlerContext c) throws Exception {
    finish(false);
    super.channelInactive(c);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext c, Throwable cause) {
    failed(cause);
    finish(false);
  }

  /** Called with an exception before the result is completed; override to record it. */
  void failed(Throwable cause) {}
}
