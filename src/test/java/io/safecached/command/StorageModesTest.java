package io.safecached.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.safecached.command.Command.StoreMode;
import io.safecached.command.Result.Status;
import io.safecached.store.Item;
import io.safecached.store.stats.Counter;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** set, add, replace, append and prepend: their replies, what they keep and the counters they move. */
class StorageModesTest {
  private final CommandFixture f = new CommandFixture();

  @Test
  void setStoresAlwaysAndCounts() {
    assertThat(f.set("k", 5, 0, "a")).isEqualTo(Status.STORED);
    assertThat(f.set("k", 6, 0, "b")).isEqualTo(Status.STORED);
    Item item = f.item("k");
    assertThat(CommandFixture.text(item.value())).isEqualTo("b");
    assertThat(item.flags()).isEqualTo(6);
    assertThat(f.nonZeroCounters()).isEqualTo(Map.of("cmd_set", 2L, "total_items", 2L));
  }

  @Test
  void flagsAreThirtyTwoUnsignedBits() {
    f.set("k", -1, 0, "a");
    assertThat(f.hit("k").flags()).isEqualTo(-1);
    assertThat(Integer.toUnsignedString(f.hit("k").flags())).isEqualTo("4294967295");
  }

  @Test
  void setStoresTheExptime() {
    f.set("k", 0, 100, "a");
    assertThat(f.item("k").expiresAt()).isEqualTo(f.clock.millis() + 100_000);
    f.clock.advance(100, TimeUnit.SECONDS);
    assertThat(f.get("k").hits()).isEmpty();
  }

  @Test
  void setWithNegativeExptimeRepliesStoredButLeavesNothing() {
    f.set("k", "old");
    assertThat(f.set("k", 0, -1, "new")).isEqualTo(Status.STORED);
    assertThat(f.get("k").hits()).isEmpty();
    assertThat(f.count(Counter.GET_EXPIRED)).as("memcached counts the lookup of a born-expired item").isOne();
    assertThat(f.store.itemCount()).as("the lookup removed it").isZero();
  }

  @Test
  void addOnlyWhenAbsent() {
    assertThat(f.store(StoreMode.ADD, "k", 0, 0, "a")).isEqualTo(Status.STORED);
    long cas = f.cas("k");
    assertThat(f.store(StoreMode.ADD, "k", 0, 0, "b")).isEqualTo(Status.NOT_STORED);
    assertThat(f.value("k")).isEqualTo("a");
    assertThat(f.cas("k")).isEqualTo(cas);
    assertThat(f.nonZeroCounters()).isEqualTo(Map.of("cmd_set", 2L, "total_items", 1L));
  }

  @Test
  void addSucceedsOverExpiredAndFlushedItems() {
    f.set("e", 0, 1, "old");
    f.clock.advance(1, TimeUnit.SECONDS);
    assertThat(f.store(StoreMode.ADD, "e", 0, 0, "new")).isEqualTo(Status.STORED);
    assertThat(f.value("e")).isEqualTo("new");

    f.set("g", "old");
    f.flushAll(0);
    assertThat(f.store(StoreMode.ADD, "g", 0, 0, "new")).isEqualTo(Status.STORED);
    assertThat(f.value("g")).isEqualTo("new");
  }

  @Test
  void replaceOnlyWhenPresent() {
    assertThat(f.store(StoreMode.REPLACE, "k", 0, 0, "a")).isEqualTo(Status.NOT_STORED);
    assertThat(f.value("k")).isNull();
    f.set("k", 1, 0, "a");
    assertThat(f.store(StoreMode.REPLACE, "k", 2, 0, "b")).isEqualTo(Status.STORED);
    assertThat(f.value("k")).isEqualTo("b");
    assertThat(f.item("k").flags()).isEqualTo(2);
    assertThat(f.nonZeroCounters()).isEqualTo(Map.of("cmd_set", 3L, "total_items", 2L));
  }

  @Test
  void appendAndPrependNeedAnItem() {
    assertThat(f.store(StoreMode.APPEND, "k", 0, 0, "a")).isEqualTo(Status.NOT_STORED);
    assertThat(f.store(StoreMode.PREPEND, "k", 0, 0, "a")).isEqualTo(Status.NOT_STORED);
    assertThat(f.value("k")).isNull();
    assertThat(f.nonZeroCounters()).isEqualTo(Map.of("cmd_set", 2L));
  }

  @Test
  void appendAndPrependConcatenate() {
    f.set("k", "mid");
    assertThat(f.store(StoreMode.APPEND, "k", 0, 0, ">>")).isEqualTo(Status.STORED);
    assertThat(f.store(StoreMode.PREPEND, "k", 0, 0, "<<")).isEqualTo(Status.STORED);
    assertThat(f.value("k")).isEqualTo("<<mid>>");
    assertThat(f.store(StoreMode.APPEND, "k", 0, 0, "")).isEqualTo(Status.STORED);
    assertThat(f.value("k")).isEqualTo("<<mid>>");
    assertThat(f.nonZeroCounters()).isEqualTo(Map.of("cmd_set", 4L, "total_items", 4L));
  }

  @Test
  void appendAndPrependKeepFlagsAndExptimeButGetANewCas() {
    f.set("k", 42, 100, "v");
    Item before = f.item("k");
    f.clock.advance(10, TimeUnit.SECONDS);
    f.store(StoreMode.APPEND, "k", 7, 5, "a");
    Item appended = f.item("k");
    assertThat(appended.flags()).isEqualTo(42);
    assertThat(appended.expiresAt()).isEqualTo(before.expiresAt());
    assertThat(appended.cas()).isGreaterThan(before.cas());
    f.store(StoreMode.PREPEND, "k", 8, 0, "p");
    Item prepended = f.item("k");
    assertThat(prepended.flags()).isEqualTo(42);
    assertThat(prepended.expiresAt()).isEqualTo(before.expiresAt());
    assertThat(prepended.cas()).isGreaterThan(appended.cas());
    // the old deadline still applies: 100 s after the set, not 5 s after the append
    f.clock.advance(85, TimeUnit.SECONDS);
    assertThat(f.value("k")).isEqualTo("pva");
    f.clock.advance(5, TimeUnit.SECONDS);
    assertThat(f.value("k")).isNull();
  }

  @Test
  void appendBeyondTheItemSizeLimitIsNotStoredAndKeepsTheOldValue() {
    f.context.maxItemSize = 1024;
    // memcached counts a 56-byte header, the key, a terminator and CRLF against -I
    int fits = 1024 - 56 - 1 - 1 - 2;
    String start = "x".repeat(fits - 10);
    f.set("k", start);
    long cas = f.cas("k");
    assertThat(f.store(StoreMode.APPEND, "k", 0, 0, "y".repeat(11))).isEqualTo(Status.NOT_STORED);
    assertThat(f.store(StoreMode.PREPEND, "k", 0, 0, "y".repeat(11))).isEqualTo(Status.NOT_STORED);
    assertThat(f.value("k")).isEqualTo(start);
    assertThat(f.cas("k")).isEqualTo(cas);
    assertThat(f.store(StoreMode.APPEND, "k", 0, 0, "y".repeat(10))).isEqualTo(Status.STORED);
    assertThat(f.value("k")).hasSize(fits);
    assertThat(f.count(Counter.TOTAL_ITEMS)).isEqualTo(2);
  }

  @Test
  void noreplyDoesNotChangeWhatHappens() {
    Result r = f.run(new Command.Store(StoreMode.SET, CommandFixture.bytes("k"), 0, 0,
        CommandFixture.bytes("v"), 0, true));
    assertThat(r).isEqualTo(Status.STORED);
    assertThat(f.value("k")).isEqualTo("v");
  }

  @Test
  void deleteRemovesLiveItemsAndCounts() {
    f.set("k", "v");
    assertThat(f.delete("k")).isEqualTo(Status.DELETED);
    assertThat(f.delete("k")).isEqualTo(Status.NOT_FOUND);
    f.set("e", 0, 1, "v");
    f.clock.advance(1, TimeUnit.SECONDS);
    assertThat(f.delete("e")).isEqualTo(Status.NOT_FOUND);
    assertThat(f.count(Counter.DELETE_HITS)).isEqualTo(1);
    assertThat(f.count(Counter.DELETE_MISSES)).isEqualTo(2);
    assertThat(f.store.itemCount()).isZero();
  }
}
