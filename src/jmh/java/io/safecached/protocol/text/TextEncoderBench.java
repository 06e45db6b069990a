package io.safecached.protocol.text;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.UnixChannelUtil;
import io.safecached.command.Result;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH: text replies encoded with the channel's default allocator, then handled as the epoll transport handles
 * them before {@code writev} (a buffer the kernel cannot be given, heap or composite of heap, is copied into a
 * direct one), then released. Run with {@code bench/jmh -prof gc TextEncoderBench} to see bytes per reply.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class TextEncoderBench {
  private static final byte[] STORED = "STORED\r\n".getBytes(StandardCharsets.US_ASCII);

  private final ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;
  private final List<Object> out = new ArrayList<>(4);
  private Result hit100;
  private Result hit16k;
  private Result multi10;
  private Result miss;

  /** Builds the replies: a get hit of 100 B and of 16 KB, a 10-key get of 100 B values, a get miss. */
  @Setup
  public void setUp() {
    Epoll.ensureAvailability(); // loads the native library UnixChannelUtil needs
    hit100 = new Result.Values(List.of(hit(0, 100)), false);
    hit16k = new Result.Values(List.of(hit(0, 16 * 1024)), false);
    List<Result.Hit> ten = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      ten.add(hit(i, 100));
    }
    multi10 = new Result.Values(ten, false);
    miss = new Result.Values(List.of(), false);
  }

  static Result.Hit hit(int i, int size) {
    byte[] value = new byte[size];
    for (int j = 0; j < size; j++) {
      value[j] = (byte) ('a' + j % 26);
    }
    return new Result.Hit(("key:" + (100000 + i)).getBytes(StandardCharsets.US_ASCII), 0, value, 1000 + i);
  }

  /** The bytes the transport would write for {@code out}, every buffer released. */
  static long drain(ByteBufAllocator alloc, List<Object> out) {
    long bytes = 0;
    for (Object o : out) {
      ByteBuf buf = (ByteBuf) o;
      if (UnixChannelUtil.isBufferCopyNeededForWrite(buf)) {
        // what AbstractEpollStreamChannel.filterOutboundMessage does with a buffer it cannot writev
        ByteBuf direct = alloc.directBuffer(buf.readableBytes()).writeBytes(buf, buf.readerIndex(),
            buf.readableBytes());
        buf.release();
        buf = direct;
      }
      bytes += buf.readableBytes();
      buf.release();
    }
    out.clear();
    return bytes;
  }

  private long encode(Result r) {
    TextEncoder.encode(alloc, r, out);
    return drain(alloc, out);
  }

  /** A get hit of 100 bytes. */
  @Benchmark
  public long hit100() {
    return encode(hit100);
  }

  /** A get hit of 16 KB. */
  @Benchmark
  public long hit16k() {
    return encode(hit16k);
  }

  /** A get of 10 keys, all hits of 100 bytes. */
  @Benchmark
  public long multi10x100() {
    return encode(multi10);
  }

  /** A get miss: END alone. */
  @Benchmark
  public long miss() {
    return encode(miss);
  }

  /** STORED as the encoder writes it. */
  @Benchmark
  public long stored() {
    return encode(Result.Status.STORED);
  }

  /** STORED written into a small pooled buffer instead, the alternative to a duplicate of a shared one. */
  @Benchmark
  public long storedPooled() {
    out.add(alloc.buffer(STORED.length).writeBytes(STORED));
    return drain(alloc, out);
  }

  /** A get of many values, for the choice of {@link TextEncoder#SPLIT_THRESHOLD} (MAX_VALUE: one buffer). */
  @State(Scope.Thread)
  public static class Split {
    /** A new buffer is begun after this many bytes. */
    @Param({"16384", "65536", "262144", "2147483647"})
    public int split;
    /** How many values of how many bytes. */
    @Param({"100x1024", "10x16384", "20x102400", "8x1048576"})
    public String shape;
    Result.Values values;

    /** Builds the get reply. */
    @Setup
    public void setUp() {
      String[] s = shape.split("x");
      List<Result.Hit> hits = new ArrayList<>();
      for (int i = 0; i < Integer.parseInt(s[0]); i++) {
        hits.add(hit(i, Integer.parseInt(s[1])));
      }
      values = new Result.Values(hits, false);
    }
  }

  /** A get of many values, split at {@link Split#split} bytes. */
  @Benchmark
  public long split(Split s) {
    TextEncoder.values(alloc, s.values, s.split, out);
    return drain(alloc, out);
  }
}
