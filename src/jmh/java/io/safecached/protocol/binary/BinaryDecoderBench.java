package io.safecached.protocol.binary;

import io.safecached.protocol.text.DecodeBatch;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/** JMH: the binary protocol decoder on a pipelined batch of GET and SET requests. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class BinaryDecoderBench {
  private static final int OP_GET = 0x00;
  private static final int OP_SET = 0x01;

  private DecodeBatch binary;

  /** Builds the batch: 90 GETs and 10 SETs of 100-byte values. */
  @Setup(Level.Trial)
  public void setUp() {
    ByteBuffer b = ByteBuffer.allocate(64 * 1024);
    byte[] value = DecodeBatch.value(100);
    for (int i = 0; i < DecodeBatch.BATCH; i++) {
      byte[] key = DecodeBatch.ascii("key:" + (100000 + i * 7919 % 100000));
      boolean set = i % 10 == 9;
      int extras = set ? 8 : 0;
      int body = extras + key.length + (set ? value.length : 0);
      b.put((byte) BinaryDecoder.REQUEST_MAGIC).put((byte) (set ? OP_SET : OP_GET)).putShort((short) key.length)
          .put((byte) extras).put((byte) 0).putShort((short) 0).putInt(body).putInt(i).putLong(0);
      if (set) {
        b.putInt(0).putInt(0);
      }
      b.put(key);
      if (set) {
        b.put(value);
      }
    }
    byte[] bytes = new byte[b.position()];
    b.flip().get(bytes);
    binary = new DecodeBatch(new BinaryDecoder(DecodeBatch.LIMITS), bytes);
  }

  /** Releases the channel. */
  @TearDown(Level.Trial)
  public void tearDown() {
    binary.close();
  }

  /** Requests per second decoded from a pipelined binary batch. */
  @Benchmark
  @OperationsPerInvocation(DecodeBatch.BATCH)
  public int binary() {
    return binary.decode();
  }
}
