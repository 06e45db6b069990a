package io.safecached.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.safecached.store.stats.Counter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** get and gets: request order, repeated duplicates, omitted misses, per-key counters and the fetched mark. */
class GetTest {
  private final CommandFixture f = new CommandFixture();

  private static List<String> keys(Result.Values v) {
    return v.hits().stream().map(h -> CommandFixture.text(h.key())).toList();
  }

  @Test
  void hitCarriesKeyFlagsValueAndCas() {
    f.set("k", 123, 0, "value");
    long cas = f.cas("k");
    Result.Values v = f.get("k");
    assertThat(v.withCas()).isFalse();
    Result.Hit h = v.hits().get(0);
    assertThat(CommandFixture.text(h.key())).isEqualTo("k");
    assertThat(h.flags()).isEqualTo(123);
    assertThat(CommandFixture.text(h.value())).isEqualTo("value");
    assertThat(h.cas()).isEqualTo(cas);
    assertThat(f.gets("k").withCas()).isTrue();
  }

  @Test
  void manyKeysInRequestOrderWithMissesOmittedAndDuplicatesRepeated() {
    f.set("a", "1");
    f.set("b", "2");
    f.set("c", "3");
    Result.Values v = f.get("c", "x", "a", "c", "y", "b", "a");
    assertThat(keys(v)).containsExactly("c", "a", "c", "b", "a");
    assertThat(v.hits()).extracting(h -> CommandFixture.text(h.value())).containsExactly("3", "1", "3", "2", "1");
  }

  @Test
  void countsPerKey() {
    f.set("a", "1");
    f.get("a", "a", "missing");
    f.gets("a", "nope");
    assertThat(f.nonZeroCounters()).isEqualTo(Map.of(
        "cmd_set", 1L, "total_items", 1L, "cmd_get", 5L, "get_hits", 3L, "get_misses", 2L));
  }

  @Test
  void allMissesGiveAnEmptyResult() {
    Result.Values v = f.get("a", "b");
    assertThat(v.hits()).isEmpty();
    assertThat(f.count(Counter.GET_MISSES)).isEqualTo(2);
  }

  @Test
  void aHundredKeys() {
    List<String> ks = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      ks.add("key" + i);
      if (i % 2 == 0) {
        f.set("key" + i, "v" + i);
      }
    }
    Result.Values v = f.get(ks.toArray(String[]::new));
    // a get of many keys looks each up when its reply is made: nothing is read yet, and a miss is a null
    assertThat(v.hits()).isInstanceOf(LazyHits.class).hasSize(100);
    assertThat(f.count(Counter.CMD_GET)).isZero();
    List<Result.Hit> found = v.hits().stream().filter(java.util.Objects::nonNull).toList();
    assertThat(found).hasSize(50);
    assertThat(found).allSatisfy(h -> assertThat(Integer.parseInt(CommandFixture.text(h.key()).substring(3)) % 2)
        .isZero());
    assertThat(f.count(Counter.CMD_GET)).isEqualTo(100);
    assertThat(f.count(Counter.GET_HITS)).isEqualTo(50);
    assertThat(f.count(Counter.GET_MISSES)).isEqualTo(50);
  }

  @Test
  void aHitMarksTheItemFetched() {
    f.set("k", "v");
    assertThat(f.item("k").fetched()).isFalse();
    f.clock.advance(5, TimeUnit.SECONDS);
    f.get("k");
    assertThat(f.item("k").fetched()).isTrue();
    assertThat(f.item("k").lastAccess()).isEqualTo(f.clock.millis());
    f.set("k", "new");
    assertThat(f.item("k").fetched()).as("a new value starts unfetched").isFalse();
  }

  /** memcached counts get_expired and get_misses when a get finds an expired item (observed on 1.6.18). */
  @Test
  void anExpiredItemIsAMissCountedAsExpired() {
    f.set("e", 0, 1, "v");
    f.clock.advance(1, TimeUnit.SECONDS);
    assertThat(f.get("e").hits()).isEmpty();
    assertThat(f.nonZeroCounters()).containsAllEntriesOf(Map.of("cmd_get", 1L, "get_misses", 1L, "get_expired", 1L))
        .doesNotContainKeys("get_hits", "get_flushed");
  }

  /** memcached checks the flush first: an item both flushed and expired counts as flushed. */
  @Test
  void aFlushedItemIsAMissCountedAsFlushed() {
    f.set("e", 0, 1, "v");
    f.set("g", 0, 0, "v");
    f.clock.advance(1, TimeUnit.SECONDS);
    f.flushAll(0);
    f.set("after", "v");
    assertThat(keys(f.get("e", "g", "after"))).containsExactly("after");
    assertThat(f.nonZeroCounters()).containsAllEntriesOf(Map.of("get_misses", 2L, "get_hits", 1L))
        .doesNotContainKeys("get_expired");
  }

  @Test
  void binaryKeysAndValuesRoundTrip() {
    byte[] key = {(byte) 0xff, 1, '\t'};
    byte[] value = {0, '\r', '\n', (byte) 0x80};
    f.run(new Command.Store(Command.StoreMode.SET, key, 0, 0, value, 0, false));
    Result.Values v = (Result.Values) f.run(new Command.Get(List.of(key), false, null));
    assertThat(v.hits()).singleElement().satisfies(h -> {
      assertThat(h.key()).isEqualTo(key);
      assertThat(h.value()).isEqualTo(value);
    });
  }
}
