package io.safecached.protocol;

import io.netty.channel.ChannelHandlerContext;
import io.safecached.command.Result;
import java.util.List;

/**
 * A protocol's reply encoder as the command handler calls it: straight, instead of through a pipeline write, so a
 * reply costs no handler hop, type match or output list of the encoder's own. The encoder stays in the pipeline
 * for the results other handlers write (the authentication gate's, a streamed reply's chunks go before it).
 */
public interface ReplyEncoder {
  /**
   * Adds the buffers (or chunked inputs) of {@code result}'s reply to {@code out}, in order; {@code ctx} is the
   * encoder's own context, from which the caller then writes them.
   */
  void encodeReply(ChannelHandlerContext ctx, Result result, List<Object> out);
}
