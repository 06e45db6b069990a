package io.safecached.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.Attribute;
import java.util.List;

/**
 * The decode loop both request decoders share: at most one message per call, no new request while replies
 * cannot be written, and nothing read at all once the decoder has closed.
 *
 * <p>Decoding one message per call lets the handler run each command before the next is parsed. While the
 * channel is not writable, or a reply is streaming ({@link ReplyStream}), no new request is started, so a peer
 * that pipelines requests without reading the replies stops being served (and read from) until it reads; a
 * request already under way is still completed.
 */
public abstract class RequestDecoder extends ByteToMessageDecoder {
  /** The limits the next request is read under. */
  protected ProtocolLimits limits;
  /** Where values that do not arrive with their header are reserved before they are buffered. */
  protected final ValueBudget budget;
  /** The channel's {@link ReplyStream} mark, looked up on the first request. */
  private Attribute<Boolean> streaming;

  protected RequestDecoder(ProtocolLimits limits, ValueBudget budget) {
    this.limits = limits;
    this.budget = budget;
  }

  /**
   * Reads the requests from the next one on under other limits: a connection that must log in starts under
   * tight ones (a login needs little), and the authentication gate lifts them after the login succeeds.
   */
  public final void limits(ProtocolLimits next) {
    this.limits = next;
  }

  /** Bytes read and not decoded yet (held between reads); for tests. */
  int heldBytes() {
    return internalBuffer().readableBytes();
  }

  /** True between requests, where back-pressure may stop decoding. */
  protected abstract boolean atRequestStart();

  /** True once the connection is to be closed: every further byte is discarded. */
  protected abstract boolean closed();

  /** Decodes what it can of the current state; false when it needs more bytes. */
  protected abstract boolean step(ByteBuf in, List<Object> out);

  /**
   * Drops a value (or, for text, a long line) still arriving, giving its reservation back; the connection is gone or
   * the decoder removed.
   */
  protected abstract void discardValue();

  /** Removed from the pipeline, or the channel closed and its pipeline torn down: no value may stay reserved. */
  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) throws Exception {
    discardValue();
    super.handlerRemoved0(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    try {
      super.channelInactive(ctx);
    } finally {
      discardValue();
    }
  }

  @Override
  protected final void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    decodeNext(in, out, canReply(ctx));
  }

  /** Replies can be written: the outbound buffer is under its high-water mark and no reply is streaming. */
  private boolean canReply(ChannelHandlerContext ctx) {
    Attribute<Boolean> s = streaming;
    if (s == null) {
      s = ReplyStream.mark(ctx.channel());
      streaming = s;
    }
    return ctx.channel().isWritable() && s.get() == null;
  }

  /** Decodes until one message is out, more bytes are needed, or (when not writable) a new request would start. */
  protected final void decodeNext(ByteBuf in, List<Object> out, boolean writable) {
    while (in.isReadable() && out.isEmpty()) {
      if (closed()) {
        in.skipBytes(in.readableBytes());
        return;
      }
      if ((atRequestStart() && !writable) || !step(in, out)) {
        return;
      }
    }
  }

  /**
   * While replies cannot be written, do not ask for more input either (Netty's decoder would otherwise keep
   * reading into its buffer when a read produced no message).
   */
  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
    if (!canReply(ctx) && !closed()) {
      ctx.fireChannelReadComplete();
      return;
    }
    super.channelReadComplete(ctx);
  }
}
