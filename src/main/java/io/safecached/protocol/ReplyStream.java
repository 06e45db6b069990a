package io.safecached.protocol;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.util.Attribute;
import io.netty.util.AttributeKey;

/**
 * Marks a connection whose reply is being made a buffer at a time as its peer reads it (a get of many large
 * values): while it is, no new request is decoded and nothing more is read from the peer, as while replies cannot
 * be written, so a peer cannot pile up requests behind a reply it does not read. The encoder starts a stream, the
 * stream's last buffer (or its closing) ends it, and the decoders and the command handler ask {@link #busy}.
 */
public final class ReplyStream {
  private static final AttributeKey<Boolean> BUSY = AttributeKey.valueOf("safecached.replyStream");

  private ReplyStream() {
  }

  /** True while a reply is being streamed on {@code channel}. */
  public static boolean busy(Channel channel) {
    return channel.attr(BUSY).get() != null;
  }

  /**
   * The mark itself, for a handler of {@code channel} that asks on every request: its value is not null while a
   * reply streams. Looked up once, it spares the search through the channel's attributes that {@link #busy}
   * makes.
   */
  public static Attribute<Boolean> mark(Channel channel) {
    return channel.attr(BUSY);
  }

  /** A reply starts streaming: stop reading until it has gone out. */
  public static void start(Channel channel) {
    channel.attr(BUSY).set(Boolean.TRUE);
    channel.config().setAutoRead(false);
  }

  /**
   * The streamed reply has gone out (or the channel closes): read again when replies can be written, and decode
   * the requests that are already buffered, since the peer may send nothing more to trigger them.
   */
  public static void end(Channel channel) {
    if (channel.attr(BUSY).getAndSet(null) == null || !channel.isActive()) {
      return;
    }
    channel.eventLoop().execute(() -> {
      if (channel.isActive() && !busy(channel) && channel.isWritable()) {
        resumeReading(channel);
      }
    });
  }

  /**
   * Reads from {@code channel} again (on its event loop) after a pause, and decodes the requests its decoder
   * already holds: the peer may send nothing more that would trigger them.
   */
  public static void resumeReading(Channel channel) {
    channel.config().setAutoRead(true);
    if (channel.pipeline().get(RequestDecoder.class) != null) {
      channel.pipeline().fireChannelRead(Unpooled.EMPTY_BUFFER);
      channel.pipeline().fireChannelReadComplete();
    }
  }
}
