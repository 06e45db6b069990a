package io.safecached.protocol.binary;

import static io.safecached.protocol.binary.BinaryFixtures.renderAll;
import static io.safecached.protocol.binary.BinaryFixtures.request;
import static io.safecached.protocol.binary.BinaryFixtures.setExtras;
import static io.safecached.testsupport.CodecFixtures.bytes;
import static io.safecached.testsupport.CodecFixtures.concat;
import static io.safecached.testsupport.CodecFixtures.drain;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.safecached.protocol.ProtocolLimits;
import io.safecached.testsupport.TestBudget;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The binary decoder reserves a storage value from its header, refuses one the budget cannot hold (memcached:
 * status 0x82, "Out of memory allocating item") and skips it unbuffered, and gives every reservation back.
 */
class BinaryDecoderBudgetTest {
  private static final ProtocolLimits LIMITS = new ProtocolLimits(250, 2048, 8192, 1024 * 1024, false, false);

  private final TestBudget budget = new TestBudget(100_000);

  private static final byte[] NOOP = request(0x0a, 3, "");

  private void write(EmbeddedChannel ch, byte[] b) {
    ch.writeInbound(Unpooled.wrappedBuffer(b));
  }

  @Test
  void aValueIsReservedFromItsHeaderAndRefusedWhenTheBudgetIsFull() {
    EmbeddedChannel ch = new EmbeddedChannel(new BinaryDecoder(LIMITS, budget));
    try {
      byte[] held = request(0x01, 1, 0, setExtras(0, 0), bytes("h"), new byte[90_000]);
      write(ch, Arrays.copyOf(held, held.length - 1));
      assertThat(drain(ch)).isEmpty();
      assertThat(budget.reserved()).isEqualTo(90_000);

      EmbeddedChannel other = new EmbeddedChannel(new BinaryDecoder(LIMITS, budget));
      try {
        byte[] refused = request(0x11, 2, 0, setExtras(0, 0), bytes("k"), new byte[20_000]);
        write(other, Arrays.copyOf(refused, 100));
        assertThat(renderAll(drain(other))).containsExactly(
            "StoreNoMemory(mode=SET key='k' noreply=false) [op=11 opaque=2 key='k']");
        write(other, concat(Arrays.copyOfRange(refused, 100, refused.length), NOOP));
        assertThat(renderAll(drain(other))).containsExactly("MetaNoop() [op=0a opaque=3 key='']");
      } finally {
        other.finishAndReleaseAll();
      }
      write(ch, new byte[1]);
      assertThat(renderAll(drain(ch))).hasSize(1);
      assertThat(budget.reserved()).as("given back with the command").isZero();
    } finally {
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void aPeerThatDisconnectsMidValueLeavesNothingReserved() {
    for (int i = 1; i <= 20; i++) {
      EmbeddedChannel ch = new EmbeddedChannel(new BinaryDecoder(LIMITS, budget));
      byte[] set = request(0x01, i, 0, setExtras(0, 0), bytes("k"), new byte[4_000]);
      write(ch, Arrays.copyOf(set, 40 + i * 50));
      assertThat(budget.reserved()).isEqualTo(4_000);
      ch.close();
      ch.finishAndReleaseAll();
    }
    assertThat(budget.reserved()).isZero();
  }
}
