package io.safecached.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.safecached.config.ServerConfig.Protocol;
import io.safecached.protocol.binary.BinaryDecoder;
import java.util.List;

/**
 * Picks a connection's protocol from its first byte, as memcached does: 0x80 (the binary request magic) installs
 * the binary codec, anything else the text codec (which serves meta commands too). It then removes itself, and
 * the bytes it has seen go on to the codec it installed. With {@code -B ascii} or {@code -B binary} no detector is
 * used: {@link #install} puts that codec in place at once, and bytes of the other protocol are bad input to it.
 */
final class ProtocolDetector extends ByteToMessageDecoder {
  /** The detector's name in the pipeline. */
  static final String NAME = "detector";

  /** Adds one protocol's decoder and encoder to a pipeline, in that order, right after the handler {@code after}. */
  @FunctionalInterface
  interface Codec {
    void install(ChannelPipeline pipeline, String after);
  }

  private final Codec text;
  private final Codec binary;

  ProtocolDetector(Codec text, Codec binary) {
    this.text = text;
    this.binary = binary;
  }

  /**
   * Sets up the protocol stage of a new connection right after the handler named {@code after}: the detector
   * for {@code AUTO}, the one codec otherwise.
   */
  static void install(ChannelPipeline pipeline, String after, Protocol protocol, Codec text, Codec binary) {
    switch (protocol) {
      case ASCII -> text.install(pipeline, after);
      case BINARY -> binary.install(pipeline, after);
      case AUTO -> pipeline.addAfter(after, NAME, new ProtocolDetector(text, binary));
      default -> throw new IllegalArgumentException("unknown protocol " + protocol);
    }
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (!in.isReadable()) {
      return;
    }
    boolean isBinary = in.getUnsignedByte(in.readerIndex()) == BinaryDecoder.REQUEST_MAGIC;
    (isBinary ? binary : text).install(ctx.pipeline(), ctx.name());
    // ByteToMessageDecoder hands the bytes it holds to the next handler, the decoder just installed
    ctx.pipeline().remove(this);
  }
}
