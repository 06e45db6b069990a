package io.safecached.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.safecached.command.Command;
import io.safecached.protocol.binary.BinaryDecoder;
import io.safecached.protocol.text.TextDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Coverage-guided fuzzing of the three decoders (text, meta, binary) with Jazzer. In every test run each method
 * replays its corpus (src/test/resources/io/safecached/protocol/DecoderFuzzTestInputs/METHOD/, seeds and any
 * input that once failed); {@code JAZZER_FUZZ=1 mvn -B test -Dtest='DecoderFuzzTest#binary'} fuzzes one method
 * (five minutes by default; an input that breaks an invariant is saved to that directory).
 *
 * <p>The input is cut into reads of fuzzer-chosen sizes and fed to the decoder in an {@code EmbeddedChannel}.
 * Invariants: no exception escapes the decoder; every buffer written is released, and so is every decoded
 * message (Netty's paranoid leak detection reports the rest); what the decoder holds between reads stays within
 * the line, header and key bounds plus the last read; no decoded value exceeds the item limit.
 */
class DecoderFuzzTest {
  /** Small limits, so that the fuzzer reaches every bound. */
  private static final ProtocolLimits LIMITS = new ProtocolLimits(250, 2048, 8192, 64 * 1024, false, false);
  /** The binary decoder's most: a header, extras (one byte of length) and the largest key. */
  private static final int BINARY_HELD = 24 + 255 + 65535;

  @FuzzTest(maxDuration = "5m")
  void text(FuzzedDataProvider data) {
    run(data, new TextDecoder(LIMITS), LIMITS.maxMultigetLineLength(), null);
  }

  /** Meta lines: the fuzzer's bytes follow the two letters of a meta command. */
  @FuzzTest(maxDuration = "5m")
  void meta(FuzzedDataProvider data) {
    String verb = "m" + data.pickValue(new char[] {'g', 's', 'd', 'a', 'n', 'e'}) + " ";
    run(data, new TextDecoder(LIMITS), LIMITS.maxMultigetLineLength(), verb.getBytes(StandardCharsets.US_ASCII));
  }

  @FuzzTest(maxDuration = "5m")
  void binary(FuzzedDataProvider data) {
    byte[] magic = {(byte) 0x80};
    run(data, new BinaryDecoder(LIMITS), BINARY_HELD, data.consumeBoolean() ? magic : null);
  }

  private static void run(FuzzedDataProvider data, RequestDecoder decoder, int held, byte[] prefix) {
    EmbeddedChannel ch = new EmbeddedChannel(decoder);
    List<ByteBuf> written = new ArrayList<>();
    try {
      boolean first = true;
      while (data.remainingBytes() > 0 && ch.isOpen()) {
        int size = data.consumeInt(1, 4096);
        byte[] read = data.consumeBytes(size);
        if (first && prefix != null) {
          read = concat(prefix, read);
        }
        first = false;
        if (read.length == 0) {
          continue;
        }
        ByteBuf buf = Unpooled.buffer(read.length).writeBytes(read);
        written.add(buf);
        ch.writeInbound(buf); // rethrows what the decoder threw
        drain(ch);
        assertThat(decoder.heldBytes()).as("bytes held between reads")
            .isLessThanOrEqualTo(held + read.length);
      }
    } finally {
      ch.finishAndReleaseAll();
    }
    assertThat(written).allSatisfy(b -> assertThat(b.refCnt()).as("input buffer released").isZero());
  }

  /** Releases every decoded message, checking the size of each decoded value. */
  private static void drain(EmbeddedChannel ch) {
    Object m;
    while ((m = ch.readInbound()) != null) {
      byte[] value = valueOf(m);
      if (value != null) {
        assertThat(value.length).as("decoded value").isLessThanOrEqualTo(LIMITS.maxItemSize());
      }
      ReferenceCountUtil.release(m);
    }
  }

  private static byte[] valueOf(Object m) {
    Object c = m instanceof Command.Framed f ? f.command() : m;
    if (c instanceof Command.Store s) {
      return s.value();
    }
    return c instanceof Command.MetaSet s ? s.value() : null;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
