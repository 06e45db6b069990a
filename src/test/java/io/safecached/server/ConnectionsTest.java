package io.safecached.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.safecached.store.stats.Counter;
import io.safecached.store.stats.Counters;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code -c} limit at accept, and a stop closing every connection, refused ones included. */
class ConnectionsTest {

  /** Holds every write unfinished, as a socket whose peer reads nothing would hold a large one. */
  private static final class StalledWrites extends ChannelOutboundHandlerAdapter {
    final List<ChannelPromise> held = new ArrayList<>();

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      ReferenceCountUtil.release(msg);
      held.add(promise);
    }
  }

  private static Connections connections(int max, Counters counters) {
    return new Connections(max, counters, () -> 0L, new ConnectionLog(System::nanoTime));
  }

  @Test
  void aConnectionOverTheLimitIsAnsweredAndClosed() {
    Counters counters = new Counters();
    Connections c = connections(1, counters);
    EmbeddedChannel first = new EmbeddedChannel(c);
    EmbeddedChannel second = new EmbeddedChannel(c);

    assertThat(first.isOpen()).isTrue();
    assertThat(second.isOpen()).as("refused and closed once its reply is out").isFalse();
    ByteBuf reply = second.readOutbound();
    assertThat(reply.toString(StandardCharsets.US_ASCII)).isEqualTo("ERROR Too many open connections\r\n");
    reply.release();
    assertThat(c.open()).isEqualTo(1);
    assertThat(counters.get(Counter.REJECTED_CONNECTIONS)).isEqualTo(1);
    first.finishAndReleaseAll();
  }

  @Test
  void closeAllClosesARefusedConnectionWhoseReplyIsStillGoingOut() {
    Connections c = connections(1, new Counters());
    EmbeddedChannel first = new EmbeddedChannel(c);
    StalledWrites stalled = new StalledWrites();
    EmbeddedChannel refused = new EmbeddedChannel(stalled, c);
    assertThat(stalled.held).as("the refusal's reply, not yet written").hasSize(1);
    assertThat(refused.isOpen()).isTrue();

    c.closeAll(1_000);

    assertThat(first.isOpen()).isFalse();
    assertThat(refused.isOpen()).as("a stop leaves no refused connection open").isFalse();
    assertThat(c.open()).isZero();
  }
}
