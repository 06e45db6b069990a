package io.safecached.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.safecached.command.Result.Status;
import io.safecached.store.stats.Counter;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** flush_all through the command layer: the delay follows memcached's exptime rules and cmd_flush counts. */
class FlushAllTest {
  private final CommandFixture f = new CommandFixture();

  @Test
  void immediateFlush() {
    f.set("a", "1");
    assertThat(f.flushAll(0)).isEqualTo(Status.OK);
    f.set("b", "2");
    assertThat(f.get("a", "b").hits()).extracting(h -> CommandFixture.text(h.key())).containsExactly("b");
    assertThat(f.count(Counter.CMD_FLUSH)).isEqualTo(1);
    assertThat(f.store.itemCount()).as("purged on the (same-thread) background executor").isEqualTo(1);
  }

  @Test
  void relativeDelay() {
    f.set("a", "1");
    assertThat(f.flushAll(10)).isEqualTo(Status.OK);
    // memcached's whole-second clock: flush_all 10 takes hold in the tenth second, 9 s after the command
    f.clock.advanceMillis(8_999);
    assertThat(f.value("a")).isEqualTo("1");
    f.clock.advanceMillis(1);
    assertThat(f.value("a")).isNull();
    f.clock.advanceMillis(1_000);
    f.set("b", "2");
    f.clock.advance(1, TimeUnit.DAYS);
    assertThat(f.value("b")).isEqualTo("2");
  }

  @Test
  void absoluteDelayBeyondThirtyDays() {
    f.set("a", "1");
    long at = f.clock.unixSeconds() + 3600;
    assertThat(f.flushAll(at)).isEqualTo(Status.OK);
    f.clock.set(at * 1000 - 1_001);
    assertThat(f.value("a")).isEqualTo("1");
    f.clock.set(at * 1000 - 1_000);
    assertThat(f.value("a")).isNull();
  }

  @Test
  void absoluteTimeInThePastFlushesNow() {
    f.set("a", "1");
    f.flushAll(60L * 60 * 24 * 30 + 1);
    assertThat(f.value("a")).isNull();
  }

  @Test
  void negativeDelayFlushesNow() {
    f.set("a", "1");
    f.flushAll(-1);
    assertThat(f.value("a")).isNull();
  }

  @Test
  void noreplyFlushStillFlushes() {
    f.set("a", "1");
    f.run(new Command.FlushAll(0, true));
    assertThat(f.value("a")).isNull();
  }

  @Test
  void anExplicitCasAboveTheCounterDoesNotSurviveFlushAll() {
    // ms f 2 E99999999999, flush_all, mg f v: the item was served after every flush_all (data-safety bug)
    f.run(new Command.MetaSet(CommandFixture.bytes("f"), Command.StoreMode.SET, CommandFixture.bytes("xx"), 0, 0,
        0, 99_999_999_999L, false, null, false, false));
    f.clock.advanceMillis(1);
    f.flushAll(0);
    assertThat(f.value("f")).isNull();
    assertThat(f.store.itemCount()).isZero();
  }

  @Test
  void anExplicitCasBelowTheCounterStoredAfterAFlushIsKept() {
    for (int i = 0; i < 10; i++) {
      f.set("k" + i, "v");
    }
    f.flushAll(0);
    f.clock.advanceMillis(1);
    f.run(new Command.MetaSet(CommandFixture.bytes("f"), Command.StoreMode.SET, CommandFixture.bytes("xx"), 0, 0,
        0, 3, false, null, false, false));
    assertThat(f.value("f")).isEqualTo("xx");
    assertThat(f.cas("f")).isEqualTo(3);
  }

  @Test
  void anExplicitCasDoesNotMoveTheCasCounter() {
    f.set("a", "1");
    long before = f.cas("a");
    f.run(new Command.MetaSet(CommandFixture.bytes("f"), Command.StoreMode.SET, CommandFixture.bytes("xx"), 0, 0,
        0, 99_999_999_999L, false, null, false, false));
    f.set("b", "2");
    assertThat(f.cas("b")).isEqualTo(before + 1);
  }
}
