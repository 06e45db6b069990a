package io.safecached.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.safecached.command.Command.StoreMode;
import io.safecached.store.stats.Counter;
import io.safecached.command.Result.Rejection.Kind;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A storage command over the item size limit: SERVER_ERROR, a failed set unlinks the old value, others keep it. */
class StoreTooLargeTest {
  private final CommandFixture f = new CommandFixture();

  private Result tooLarge(StoreMode mode, String key) {
    return f.run(new Command.StoreTooLarge(mode, CommandFixture.bytes(key), false));
  }

  @Test
  void setTooLargeRemovesTheOldValue() {
    f.set("k", "old");
    assertThat(tooLarge(StoreMode.SET, "k")).isEqualTo(new Result.ServerError(Kind.TOO_LARGE, "object too large for cache"));
    assertThat(f.value("k")).isNull();
    assertThat(f.store.itemCount()).isZero();
  }

  @Test
  void addTooLargeKeepsTheOldValue() {
    f.set("k", "old");
    assertThat(tooLarge(StoreMode.ADD, "k")).isEqualTo(new Result.ServerError(Kind.TOO_LARGE, "object too large for cache"));
    assertThat(f.value("k")).isEqualTo("old");
  }

  @Test
  void otherModesTooLargeKeepTheOldValue() {
    f.set("k", "old");
    for (StoreMode mode : new StoreMode[] {StoreMode.REPLACE, StoreMode.APPEND, StoreMode.PREPEND, StoreMode.CAS}) {
      assertThat(tooLarge(mode, "k")).isInstanceOf(Result.ServerError.class);
      assertThat(f.value("k")).as(mode.toString()).isEqualTo("old");
    }
  }

  /** memcached 1.6.18 counts store_too_large, but not cmd_set: the item was never allocated (observed). */
  @Test
  void countedAsStoreTooLargeOnly() {
    tooLarge(StoreMode.SET, "missing");
    tooLarge(StoreMode.ADD, "missing");
    assertThat(f.nonZeroCounters()).isEqualTo(Map.of("store_too_large", 2L));
    assertThat(f.count(Counter.DELETE_HITS)).isZero();
  }
}
