package io.safecached.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.util.AttributeKey;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
 */
final class OutboundPressure {
  /** A connection with more than this queued is held while the total is over the limit. */
  static final int HOLD_BYTES = 64 * 1024;
  /** The user-defined writability bit this class owns (Netty allows 1 to 31). */
  private static final int WRITABILITY_BIT = 1;
  private static final AttributeKey<AtomicLong> PUBLISHED = AttributeKey.valueOf("safecached.outbound");

  private final Supplier<? extends Iterable<Channel>> channels;
  private final long limit;
  private final AtomicLong total = new AtomicLong();
  private final Set<Channel> held = ConcurrentHashMap.newKeySet();

  /** A bound of {@code limit} bytes over the connections {@code channels} lists. */
  OutboundPressure(Supplier<? extends Iterable<Channel>> channels, long limit) {
    this.channels = channels;
    this.limit = limit;
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
