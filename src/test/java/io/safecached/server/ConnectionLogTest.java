package io.safecached.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.safecached.command.Command;
import io.safecached.command.Command.StoreMode;
import io.safecached.command.Result;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** What {@code -vv} writes for commands and replies (never values), and the per-second line budget. */
class ConnectionLogTest {
  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  void commandsAreShownWithoutTheirValues() {
    assertThat(ConnectionLog.describe(new Command.Store(StoreMode.SET, b("k"), 5, 0, b("SECRET"), 0, false)))
        .isEqualTo("set k 5 0 6");
    assertThat(ConnectionLog.describe(new Command.Store(StoreMode.CAS, b("k"), 0, 10, b("SECRET"), 42, false)))
        .isEqualTo("cas k 0 10 6 42");
    assertThat(ConnectionLog.describe(new Command.Get(List.of(b("a"), b("b")), true, null))).isEqualTo("gets a b");
    assertThat(ConnectionLog.describe(new Command.Get(List.of(b("a")), false, 30L))).isEqualTo("gat 30 a");
    assertThat(ConnectionLog.describe(new Command.Framed(new Command.MetaSet(b("m"), StoreMode.APPEND, b("SECRET"),
        0, 0, 0, 0, false, null, false, false), new Object()))).isEqualTo("ms m 6 (append)");
    assertThat(ConnectionLog.describe(new Command.Stats("detail", List.of("dump")))).isEqualTo("stats detail dump");
    assertThat(ConnectionLog.describe(new Command.Version())).isEqualTo("version");
    assertThat(ConnectionLog.describe(new Command.SaslAuth("PLAIN", b("\0user\0password")))).isEqualTo("(SASL)");
  }

  @Test
  void repliesAreShownWithoutTheirValues() {
    Result.Hit hit = new Result.Hit(b("k"), 0, b("SECRET"), 1);
    assertThat(ConnectionLog.describe(new Result.Values(List.of(hit, hit), false))).isEqualTo("2 hits k k END");
    assertThat(ConnectionLog.describe(new Result.Number(12345))).doesNotContain("12345");
    Result.MetaItem item = new Result.MetaItem(b("k"), false, b("SECRET"), 0, 1, -1, 0, false, 6);
    assertThat(ConnectionLog.describe(new Result.Meta(Result.MetaCode.VA, item, false, false, false)))
        .isEqualTo("VA 6 bytes");
    assertThat(ConnectionLog.describe(Result.Status.STORED)).isEqualTo("STORED");
    assertThat(ConnectionLog.describe(new Result.ClientError("bad data chunk"))).isEqualTo("CLIENT_ERROR bad data chunk");
  }

  @Test
  void keysAreEscapedAndManyKeysCut() {
    assertThat(ConnectionLog.key(b("a\r\nb\\c\u00e9"))).isEqualTo("a\\x0d\\x0ab\\x5cc\\xe9");
    List<byte[]> keys = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      keys.add(b("k" + i));
    }
    String line = ConnectionLog.describe(new Command.Get(keys, false, null));
    assertThat(line).startsWith("get k0 k1").contains(" k9 ").doesNotContain("k10").endsWith("... (25 keys)");
  }

  @Test
  void aBudgetLetsAHundredLinesASecondThroughAndCountsTheRest() {
    AtomicLong nanos = new AtomicLong(5_000_000_000L);
    ConnectionLog.Budget budget = new ConnectionLog.Budget(nanos::get);
    for (int i = 0; i < ConnectionLog.LINES_PER_SECOND; i++) {
      assertThat(budget.take()).isZero();
    }
    for (int i = 0; i < 7; i++) {
      assertThat(budget.take()).isEqualTo(-1);
    }
    nanos.addAndGet(999_999_999L); // still the same second
    assertThat(budget.take()).isEqualTo(-1);
    nanos.addAndGet(1);
    assertThat(budget.take()).as("the next second's first line reports the drops").isEqualTo(8);
    assertThat(budget.take()).isZero();
  }
}
