package io.safecached.server;

import static io.safecached.testsupport.CodecFixtures.concat;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.safecached.command.Command;
import io.safecached.command.Result;
import io.safecached.config.ServerConfig.Protocol;
import io.safecached.protocol.ProtocolLimits;
import io.safecached.protocol.binary.BinaryDecoder;
import io.safecached.protocol.binary.BinaryEncoder;
import io.safecached.protocol.binary.BinaryFrame;
import io.safecached.protocol.text.TextDecoder;
import io.safecached.protocol.text.TextEncoder;
import io.safecached.testsupport.CodecFixtures;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The first byte picks the codec; the detector then leaves the pipeline and no byte is lost or leaked. */
class ProtocolDetectorTest {
  private static final ProtocolLimits LIMITS = new ProtocolLimits(250, 2048, 8192, 1024 * 1024, false, false);
  private static final String TAIL = "tail";

  /** A channel set up as the server does it, with a stand-in for the handler at the end. */
  private static EmbeddedChannel channel(Protocol protocol) {
    EmbeddedChannel ch = new EmbeddedChannel();
    ChannelPipeline p = ch.pipeline();
    p.addLast("head", new ChannelInboundHandlerAdapter());
    ProtocolDetector.install(p, "head", protocol,
        (pipeline, after) -> {
          pipeline.addAfter(after, "decoder", new TextDecoder(LIMITS));
          pipeline.addAfter("decoder", "encoder", new TextEncoder());
        },
        (pipeline, after) -> {
          pipeline.addAfter(after, "decoder", new BinaryDecoder(LIMITS));
          pipeline.addAfter("decoder", "encoder", new BinaryEncoder());
        });
    p.addLast(TAIL, new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ctx.fireChannelRead(msg); // to the channel's inbound queue
      }
    });
    return ch;
  }

  private static byte[] binaryNoop(int opaque) {
    return ByteBuffer.allocate(24).put((byte) 0x80).put((byte) 0x0a).position(12).putInt(opaque).array();
  }

  /**
   * Feeds {@code input} whole ({@code cuts} null) or in reads of 1 to 8 bytes drawn from {@code cuts}, and returns
   * what was decoded; every input buffer must be released by then.
   */
  private static List<Object> feed(EmbeddedChannel ch, byte[] input, Random cuts) {
    List<ByteBuf> written = CodecFixtures.write(ch, input, cuts == null ? left -> left : left -> 1 + cuts.nextInt(8));
    List<Object> out = CodecFixtures.drain(ch);
    CodecFixtures.assertReleased(written);
    return out;
  }

  private static List<String> names(EmbeddedChannel ch) {
    return ch.pipeline().names().stream().filter(n -> !n.startsWith("DefaultChannelPipeline$")).toList();
  }

  @ParameterizedTest(name = "random cuts seed {0}")
  @ValueSource(ints = {-1, 0, 1, 2, 3})
  void binaryFirstByteInstallsTheBinaryCodecAndKeepsEveryByte(int seed) {
    EmbeddedChannel ch = channel(Protocol.AUTO);
    assertThat(names(ch)).containsExactly("head", ProtocolDetector.NAME, TAIL);
    List<Object> got = feed(ch, concat(binaryNoop(1), binaryNoop(2)), seed < 0 ? null : new Random(seed));
    assertThat(names(ch)).containsExactly("head", "decoder", "encoder", TAIL);
    assertThat(ch.pipeline().get("decoder")).isInstanceOf(BinaryDecoder.class);
    assertThat(ch.pipeline().get("encoder")).isInstanceOf(BinaryEncoder.class);
    assertThat(got).hasSize(2).allSatisfy(m -> assertThat(((Command.Framed) m).command())
        .isInstanceOf(Command.MetaNoop.class));
    assertThat(((BinaryFrame) ((Command.Framed) got.get(1)).frame()).opaque()).isEqualTo(2);
    assertThat(ch.finishAndReleaseAll()).isFalse();
  }

  @ParameterizedTest(name = "random cuts seed {0}")
  @ValueSource(ints = {-1, 0, 1, 2})
  void anyOtherFirstByteInstallsTheTextCodec(int seed) {
    EmbeddedChannel ch = channel(Protocol.AUTO);
    List<Object> got = feed(ch, "version\r\nstats\r\n".getBytes(StandardCharsets.US_ASCII),
        seed < 0 ? null : new Random(seed));
    assertThat(names(ch)).containsExactly("head", "decoder", "encoder", TAIL);
    assertThat(ch.pipeline().get("decoder")).isInstanceOf(TextDecoder.class);
    assertThat(ch.pipeline().get("encoder")).isInstanceOf(TextEncoder.class);
    assertThat(got).containsExactly(new Command.Version(), new Command.Stats(null));
    assertThat(ch.finishAndReleaseAll()).isFalse();
  }

  @Test
  void aReplyMagicIsNotBinary() {
    // memcached negotiates binary only on 0x80; 0x81 and the rest are text, where a header is bad lines (its
    // opcode byte 0x0a is a newline)
    EmbeddedChannel ch = channel(Protocol.AUTO);
    byte[] header = binaryNoop(1);
    header[0] = (byte) 0x81;
    List<Object> got = feed(ch, concat(header, "\r\n".getBytes(StandardCharsets.US_ASCII)), null);
    assertThat(ch.pipeline().get("decoder")).isInstanceOf(TextDecoder.class);
    assertThat(got).containsExactly(Result.Error.PLAIN, Result.Error.PLAIN);
    assertThat(ch.finishAndReleaseAll()).isFalse();
  }

  @Test
  void nothingIsDecidedBeforeTheFirstByte() {
    EmbeddedChannel ch = channel(Protocol.AUTO);
    ch.writeInbound(Unpooled.EMPTY_BUFFER);
    assertThat(names(ch)).containsExactly("head", ProtocolDetector.NAME, TAIL);
    assertThat(ch.finishAndReleaseAll()).isFalse();
  }

  @Test
  void asciiOnlyInstallsTheTextCodecAtOnceAndBinaryIsNoise() {
    EmbeddedChannel ch = channel(Protocol.ASCII);
    assertThat(names(ch)).containsExactly("head", "decoder", "encoder", TAIL);
    assertThat(ch.pipeline().get("decoder")).isInstanceOf(TextDecoder.class);
    List<Object> got = feed(ch, concat(binaryNoop(1), "\r\nversion\r\n".getBytes(StandardCharsets.US_ASCII)), null);
    assertThat(got).containsExactly(Result.Error.PLAIN, Result.Error.PLAIN, new Command.Version());
    assertThat(ch.finishAndReleaseAll()).isFalse();
  }

  @Test
  void binaryOnlyInstallsTheBinaryCodecAtOnceAndClosesOnText() {
    EmbeddedChannel ch = channel(Protocol.BINARY);
    assertThat(names(ch)).containsExactly("head", "decoder", "encoder", TAIL);
    assertThat(ch.pipeline().get("decoder")).isInstanceOf(BinaryDecoder.class);
    List<Object> got = feed(ch, "version\r\nversion\r\nversion\r\n".getBytes(StandardCharsets.US_ASCII), null);
    assertThat(got).containsExactly(Result.Close.INSTANCE);
    got.forEach(ReferenceCountUtil::release);
    assertThat(ch.finishAndReleaseAll()).isFalse();
  }
}
