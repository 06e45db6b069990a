package io.safecached.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.util.AttributeKey;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Bounds the reply bytes queued over all connections together, as the write-buffer water marks bound them per
 * connection: a thousand peers that each stop reading below their own mark could otherwise hold every byte of
 * direct memory, and then any connection's next reply fails to allocate.
 *
 * <p>A connection publishes what its outbound buffer holds after each reply that leaves more than {@link
 * #HOLD_BYTES} queued ({@link #wrote}), and {@link #check()} re-publishes every connection's figure every few
 * milliseconds; so the total is at most one period stale, and then short by less than {@link #HOLD_BYTES} per
 * connection or over by what peers have read since. When a write finds the total over the limit and its own
 * connection holding more than {@link #HOLD_BYTES}, that connection is made unwritable through a user-defined
 * writability bit of Netty's outbound buffer: the decoder reads no further request from it and the command handler
 * stops reading its socket, exactly as at its own high-water mark. A held connection is let go once its peer has
 * read it below half of {@link #HOLD_BYTES} (a client that reads goes on at its own pace), and every one when the
 * total falls to half the limit. So the total stays under the limit plus, per connection, {@link #HOLD_BYTES} and
 * one reply.
 *
 * <p>Once {@link #start}ed, {@link #check()} runs every {@link #HELD_CHECK_MILLIS} while any connection is held
 * (so a held peer that reads goes on within that) and every {@link #IDLE_CHECK_MILLIS} otherwise, which keeps the
 * total within a second of the queues and an idle server asleep: checks every 20 ms took 1.7 % of a core on an
 * idle server (memcached: 0.02 %), since fifty calls a second leave them to the interpreter for minutes.
 */
final class OutboundPressure {
  /** A connection with more than this queued is held while the total is over the limit. */
  static final int HOLD_BYTES = 64 * 1024;
  /** The user-defined writability bit this class owns (Netty allows 1 to 31). */
  private static final int WRITABILITY_BIT = 1;
  private static final AttributeKey<AtomicLong> PUBLISHED = AttributeKey.valueOf("safecached.outbound");
  /** How often {@link #check()} runs while a connection is held. */
  static final long HELD_CHECK_MILLIS = 20;
  /** How often it runs while none is. */
  static final long IDLE_CHECK_MILLIS = 1_000;

  /** Runs a task once after a delay: the acceptor's event loop in the server, by hand in a test. */
  @FunctionalInterface
  interface Scheduler {
    /** Runs {@code task} once, {@code delayMillis} from now; may throw {@link RejectedExecutionException}. */
    void schedule(Runnable task, long delayMillis);
  }

  private final Supplier<? extends Iterable<Channel>> channels;
  private final long limit;
  private final AtomicLong total = new AtomicLong();
  private final Set<Channel> held = ConcurrentHashMap.newKeySet();
  /** True while checks every {@link #HELD_CHECK_MILLIS} are scheduled. */
  private final AtomicBoolean hurried = new AtomicBoolean();
  private volatile Scheduler scheduler;

  /** A bound of {@code limit} bytes over the connections {@code channels} lists. */
  OutboundPressure(Supplier<? extends Iterable<Channel>> channels, long limit) {
    this.channels = channels;
    this.limit = limit;
  }

  /**
   * Runs {@link #check()} on {@code scheduler} from now on: every {@link #IDLE_CHECK_MILLIS}, and every {@link
   * #HELD_CHECK_MILLIS} while a connection is held.
   */
  void start(Scheduler scheduler) {
    this.scheduler = scheduler;
    schedule(this::idleTick, IDLE_CHECK_MILLIS);
  }

  /** The bound on reply bytes queued over all connections. */
  long limit() {
    return limit;
  }

  /** Connections held now. */
  int held() {
    return held.size();
  }

  /** Reply bytes queued over all connections, as last published. */
  long total() {
    return total.get();
  }

  /** {@code ch} (on its event loop) has just written a reply: publish its queue, hold it if it is heavy. */
  void wrote(Channel ch) {
    long pending = pending(ch);
    if (pending <= HOLD_BYTES) {
      return; // the common case costs no shared write: small queues are counted by check(), every few ms
    }
    publish(ch, pending);
    if (total.get() > limit && held.add(ch)) {
      writable(ch, false);
      hurry();
    }
  }

  /** {@code ch} is closed: its bytes no longer count. */
  void closed(Channel ch) {
    AtomicLong published = ch.attr(PUBLISHED).getAndSet(null);
    if (published != null) {
      total.addAndGet(-published.getAndSet(0));
    }
    held.remove(ch);
  }

  /** Re-publishes every connection's queue and lets go of the held connections whose peers have read. */
  void check() {
    for (Channel ch : channels.get()) {
      publish(ch, pending(ch));
    }
    boolean relieved = total.get() <= limit / 2;
    for (Channel ch : held) {
      if (relieved || !ch.isActive() || pending(ch) < HOLD_BYTES / 2) {
        if (held.remove(ch)) {
          writable(ch, true);
        }
      }
    }
  }

  private void idleTick() {
    check();
    schedule(this::idleTick, IDLE_CHECK_MILLIS);
  }

  private void heldTick() {
    check();
    if (!held.isEmpty()) {
      schedule(this::heldTick, HELD_CHECK_MILLIS);
      return;
    }
    hurried.set(false);
    if (!held.isEmpty()) {
      hurry(); // a connection was held between the check and the flag
    }
  }

  /** Starts the checks every {@link #HELD_CHECK_MILLIS} unless they run already. */
  private void hurry() {
    if (scheduler != null && hurried.compareAndSet(false, true)) {
      schedule(this::heldTick, HELD_CHECK_MILLIS);
    }
  }

  private void schedule(Runnable task, long delayMillis) {
    try {
      scheduler.schedule(task, delayMillis);
    } catch (RejectedExecutionException e) {
      // the server is stopping: its connections close, and nothing is left to let go
    }
  }

  private void publish(Channel ch, long now) {
    AtomicLong published = ch.attr(PUBLISHED).get();
    if (published == null) {
      if (!ch.isActive()) {
        return;
      }
      published = new AtomicLong();
      AtomicLong raced = ch.attr(PUBLISHED).setIfAbsent(published);
      if (raced != null) {
        published = raced;
      }
    }
    total.addAndGet(now - published.getAndSet(now));
  }

  private static void writable(Channel ch, boolean writable) {
    ChannelOutboundBuffer out = ch.unsafe().outboundBuffer();
    if (out != null) {
      out.setUserDefinedWritability(WRITABILITY_BIT, writable);
    }
  }

  private static long pending(Channel ch) {
    ChannelOutboundBuffer out = ch.unsafe().outboundBuffer();
    return out == null ? 0 : out.totalPendingWriteBytes();
  }
}
