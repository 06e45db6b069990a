package io.safecached.protocol.text;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.safecached.protocol.ProtocolLimits;
import java.nio.charset.StandardCharsets;

/** Feeds one pipelined batch of requests through a decoder on an embedded channel and counts what comes out. */
public final class DecodeBatch {
  /** memcached's default limits (250-byte keys, 2048-byte lines, 1 MB items). */
  public static final ProtocolLimits LIMITS =
      new ProtocolLimits(250, 2048, 64 * 1024, 1024 * 1024, false, false);

  /** Requests in one batch: 90 reads and 10 writes, like the 90/10 cell of bench/compare. */
  public static final int BATCH = 100;

  private final EmbeddedChannel channel;
  private final ByteBuf batch;

  /** A channel holding {@code decoder}, fed {@code bytes} on every {@link #decode} call. */
  public DecodeBatch(ChannelHandler decoder, byte[] bytes) {
    this.channel = new EmbeddedChannel(decoder);
    this.batch = Unpooled.unreleasableBuffer(Unpooled.directBuffer(bytes.length).writeBytes(bytes));
  }

  /** Decodes the batch once; returns the number of messages decoded (BATCH when all went well). */
  public int decode() {
    channel.writeInbound(batch.retainedDuplicate());
    int n = 0;
    for (Object m; (m = channel.readInbound()) != null; ) {
      ReferenceCountUtil.release(m);
      n++;
    }
    if (n != BATCH) {
      throw new IllegalStateException("decoded " + n + " messages, expected " + BATCH);
    }
    return n;
  }

  /** Closes the channel. */
  public void close() {
    channel.finishAndReleaseAll();
  }

  /** A 100-byte value of printable bytes. */
  public static byte[] value(int size) {
    byte[] v = new byte[size];
    for (int i = 0; i < size; i++) {
      v[i] = (byte) ('a' + i % 26);
    }
    return v;
  }

  /** ASCII bytes of {@code s}. */
  public static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
