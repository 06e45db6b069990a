package io.safecached.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The bound on reply bytes queued over all connections: a connection holding more than its share while the total
 * is over the limit stops being writable (so it is no longer read), and is let go when its peer reads or the
 * total falls.
 */
class OutboundPressureTest {
  private static final int LIMIT = 200_000;

  private final List<EmbeddedChannel> open = new ArrayList<>();
  private final OutboundPressure pressure = new OutboundPressure(() -> new ArrayList<Channel>(open), LIMIT);

  @AfterEach
  void close() {
    for (EmbeddedChannel ch : open) {
      ch.finishAndReleaseAll();
    }
  }

  private EmbeddedChannel connection() {
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.config().setWriteBufferWaterMark(new WriteBufferWaterMark(1 << 20, 2 << 20)); // the server's own marks
    open.add(ch);
    return ch;
  }

  /** Queues a reply of {@code bytes} that the peer has not read yet, as the command handler does. */
  private void reply(EmbeddedChannel ch, int bytes) {
    ch.write(Unpooled.wrappedBuffer(new byte[bytes]));
    pressure.wrote(ch);
  }

  /** The peer reads everything queued. */
  private static void peerReads(EmbeddedChannel ch) {
    ch.flush();
    ch.releaseOutbound();
  }

  @Test
  void underTheLimitNothingIsHeld() {
    EmbeddedChannel a = connection();
    reply(a, 150_000);
    assertThat(a.isWritable()).isTrue();
    assertThat(pressure.total()).isGreaterThanOrEqualTo(150_000);
    assertThat(pressure.held()).isZero();
  }

  @Test
  void overTheLimitAHeavyConnectionIsHeldAndALightOneIsNot() {
    EmbeddedChannel heavy = connection();
    EmbeddedChannel light = connection();
    reply(heavy, 150_000);
    reply(light, 1_000);
    reply(heavy, 60_000);
    assertThat(heavy.isWritable()).as("over the limit with more than its share").isFalse();
    reply(light, 1_000);
    assertThat(light.isWritable()).as("a few bytes queued: never held").isTrue();
    assertThat(pressure.held()).isEqualTo(1);
  }

  @Test
  void aHeldConnectionIsLetGoOnceItsPeerReads() {
    EmbeddedChannel reader = connection();
    EmbeddedChannel stalled = connection();
    reply(stalled, 190_000);
    reply(reader, 100_000);
    assertThat(reader.isWritable()).isFalse();
    pressure.check();
    assertThat(reader.isWritable()).as("its peer has not read yet").isFalse();
    peerReads(reader);
    pressure.check();
    assertThat(reader.isWritable()).as("read: goes on at its own pace, though the total is still high").isTrue();
    assertThat(pressure.total()).isGreaterThanOrEqualTo(190_000);
  }

  @Test
  void everyoneIsLetGoWhenTheTotalFallsToHalfTheLimit() {
    EmbeddedChannel a = connection();
    EmbeddedChannel b = connection();
    reply(a, 150_000);
    reply(b, 90_000);
    assertThat(b.isWritable()).isFalse();
    peerReads(a);
    pressure.check();
    assertThat(b.isWritable()).as("total 90,000: under half the limit").isTrue();
    assertThat(pressure.held()).isZero();
  }

  @Test
  void aClosedConnectionsBytesNoLongerCount() {
    EmbeddedChannel a = connection();
    reply(a, 150_000);
    a.close();
    pressure.closed(a);
    assertThat(pressure.total()).isZero();
    EmbeddedChannel b = connection();
    reply(b, 150_000);
    assertThat(b.isWritable()).isTrue();
  }

  @Test
  void checksRunEverySecondAndEvery20msWhileAConnectionIsHeld() {
    List<Long> delays = new ArrayList<>();
    ArrayDeque<Runnable> due = new ArrayDeque<>();
    pressure.start((task, delayMillis) -> {
      delays.add(delayMillis);
      due.add(task);
    });
    assertThat(delays).as("idle: one check a second").containsExactly(OutboundPressure.IDLE_CHECK_MILLIS);
    due.poll().run();
    assertThat(delays).containsExactly(OutboundPressure.IDLE_CHECK_MILLIS, OutboundPressure.IDLE_CHECK_MILLIS);

    EmbeddedChannel reader = connection();
    EmbeddedChannel stalled = connection();
    reply(stalled, 190_000);
    reply(reader, 100_000);
    assertThat(reader.isWritable()).isFalse();
    assertThat(delays).as("a connection held: a check in 20 ms")
        .endsWith(OutboundPressure.IDLE_CHECK_MILLIS, OutboundPressure.HELD_CHECK_MILLIS);
    reply(reader, 100_000);
    assertThat(delays).as("checks already hurried").hasSize(3);

    Runnable held = due.pollLast();
    held.run();
    assertThat(reader.isWritable()).as("its peer has not read yet").isFalse();
    assertThat(delays).as("still held: again in 20 ms").hasSize(4).last().isEqualTo(OutboundPressure.HELD_CHECK_MILLIS);

    peerReads(reader);
    due.pollLast().run();
    assertThat(reader.isWritable()).as("read: let go at the next check, 20 ms on").isTrue();
    assertThat(delays).as("none held: no further 20 ms check").hasSize(4);

    reply(reader, 100_000);
    assertThat(reader.isWritable()).isFalse();
    assertThat(delays).as("held again: checks hurried again").hasSize(5).last()
        .isEqualTo(OutboundPressure.HELD_CHECK_MILLIS);
  }

  @Test
  void aStoppedSchedulerIsNoError() {
    pressure.start((task, delayMillis) -> {
      throw new RejectedExecutionException("event loop shut down");
    });
    EmbeddedChannel stalled = connection();
    EmbeddedChannel heavy = connection();
    reply(stalled, 190_000);
    reply(heavy, 100_000);
    assertThat(heavy.isWritable()).as("held, though no check can be scheduled").isFalse();
  }
}
