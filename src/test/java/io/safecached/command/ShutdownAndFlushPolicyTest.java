package io.safecached.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.safecached.command.Result.Status;
import io.safecached.store.stats.Counter;
import io.safecached.command.Result.Rejection.Kind;
import org.junit.jupiter.api.Test;

/** The safety switches: shutdown needs -A, -F refuses flush_all, cache_memlimit refuses less than 8 MB. */
class ShutdownAndFlushPolicyTest {
  private final CommandFixture f = new CommandFixture();

  @Test
  void shutdownDisabledByDefault() {
    assertThat(f.context.shutdownEnabled).isFalse();
    assertThat(f.run(new Command.Shutdown(false))).isEqualTo(new Result.Error(Kind.NOT_PERMITTED, "ERROR: shutdown not enabled"));
    assertThat(f.run(new Command.Shutdown(true))).isEqualTo(new Result.Error(Kind.NOT_PERMITTED, "ERROR: shutdown not enabled"));
    assertThat(f.context.shutdownCalls).isEmpty();
  }

  @Test
  void shutdownEnabledStopsTheServer() {
    f.context.shutdownEnabled = true;
    assertThat(f.run(new Command.Shutdown(false))).isEqualTo(Result.Close.INSTANCE);
    assertThat(f.run(new Command.Shutdown(true))).isEqualTo(Result.Close.INSTANCE);
    assertThat(f.context.shutdownCalls).containsExactly(false, true);
  }

  /** memcached -F still counts the refused command in cmd_flush ("we log it on stats"; observed on 1.6.18). */
  @Test
  void flushAllDisabledKeepsEverything() {
    f.context.flushAllDisabled = true;
    f.set("k", "v");
    assertThat(f.flushAll(0)).isEqualTo(new Result.ClientError(Kind.NOT_PERMITTED, "flush_all not allowed"));
    assertThat(f.run(new Command.FlushAll(10, true))).isEqualTo(new Result.ClientError(Kind.NOT_PERMITTED, "flush_all not allowed"));
    f.clock.advanceMillis(60_000);
    assertThat(f.value("k")).isEqualTo("v");
    assertThat(f.count(Counter.CMD_FLUSH)).isEqualTo(2);
  }

  @Test
  void memlimitBelowEightMegabytesIsRefused() {
    long before = f.store.memoryLimit();
    for (long mb : new long[] {0, 1, 7}) {
      assertThat(f.run(new Command.CacheMemlimit(mb, false))).isEqualTo(Status.MEMLIMIT_TOO_SMALL);
    }
    assertThat(f.store.memoryLimit()).isEqualTo(before);
  }

  @Test
  void memlimitChangesTheLimit() {
    assertThat(f.run(new Command.CacheMemlimit(8, false))).isEqualTo(Status.OK);
    assertThat(f.store.memoryLimit()).isEqualTo(8L * 1024 * 1024);
    assertThat(f.run(new Command.CacheMemlimit(100, true))).isEqualTo(Status.OK);
    assertThat(f.store.memoryLimit()).isEqualTo(100L * 1024 * 1024);
  }

  @Test
  void hugeMemlimitDoesNotOverflow() {
    assertThat(f.run(new Command.CacheMemlimit(Long.MAX_VALUE, false))).isEqualTo(Status.OK);
    assertThat(f.store.memoryLimit()).isPositive();
  }

  @Test
  void loweringTheLimitEvicts() {
    CommandFixture big = new CommandFixture(64L * 1024 * 1024);
    String value = "x".repeat(100_000);
    for (int i = 0; i < 200; i++) {
      big.set("k" + i, value);
    }
    assertThat(big.store.bytesUsed()).isGreaterThan(8L * 1024 * 1024);
    assertThat(big.run(new Command.CacheMemlimit(8, false))).isEqualTo(Status.OK);
    big.store.cleanUp();
    assertThat(big.store.bytesUsed()).isLessThanOrEqualTo(8L * 1024 * 1024);
    assertThat(big.count(Counter.EVICTIONS)).isPositive();
  }

  @Test
  void refreshCertsAnswersOkOrMemcachedsErrorLine() {
    assertThat(f.run(new Command.RefreshCerts(false))).isEqualTo(new Result.Error(Kind.SERVER_FAILURE, "Error TLS not enabled"));
    f.context.refreshCertsProblem = null;
    assertThat(f.run(new Command.RefreshCerts(false))).isEqualTo(Result.Status.OK);
  }
}
