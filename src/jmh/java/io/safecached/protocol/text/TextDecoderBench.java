package io.safecached.protocol.text;

import java.io.ByteArrayOutputStream;
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

/** JMH: the classic text decoder and the meta protocol (also decoded by TextDecoder) on a pipelined batch. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class TextDecoderBench {
  private DecodeBatch text;
  private DecodeBatch meta;

  /** Builds both batches: 90 gets and 10 sets of 100-byte values, in text and in meta form. */
  @Setup(Level.Trial)
  public void setUp() {
    ByteArrayOutputStream t = new ByteArrayOutputStream();
    ByteArrayOutputStream m = new ByteArrayOutputStream();
    byte[] value = DecodeBatch.value(100);
    for (int i = 0; i < DecodeBatch.BATCH; i++) {
      String key = "key:" + (100000 + i * 7919 % 100000);
      if (i % 10 == 9) {
        t.writeBytes(DecodeBatch.ascii("set " + key + " 0 0 100\r\n"));
        t.writeBytes(value);
        t.writeBytes(DecodeBatch.ascii("\r\n"));
        m.writeBytes(DecodeBatch.ascii("ms " + key + " 100 T0 F0\r\n"));
        m.writeBytes(value);
        m.writeBytes(DecodeBatch.ascii("\r\n"));
      } else {
        t.writeBytes(DecodeBatch.ascii("get " + key + "\r\n"));
        m.writeBytes(DecodeBatch.ascii("mg " + key + " v f k\r\n"));
      }
    }
    text = new DecodeBatch(new TextDecoder(DecodeBatch.LIMITS), t.toByteArray());
    meta = new DecodeBatch(new TextDecoder(DecodeBatch.LIMITS), m.toByteArray());
  }

  /** Releases the channels. */
  @TearDown(Level.Trial)
  public void tearDown() {
    text.close();
    meta.close();
  }

  /** Requests per second decoded from a pipelined text batch (get/set). */
  @Benchmark
  @OperationsPerInvocation(DecodeBatch.BATCH)
  public int text() {
    return text.decode();
  }

  /** Requests per second decoded from a pipelined meta batch (mg/ms). */
  @Benchmark
  @OperationsPerInvocation(DecodeBatch.BATCH)
  public int meta() {
    return meta.decode();
  }
}
