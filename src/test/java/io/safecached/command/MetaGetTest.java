package io.safecached.command;

import static io.safecached.command.CommandFixture.bytes;
import static io.safecached.command.CommandFixture.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.safecached.command.Result.Meta;
import io.safecached.command.Result.MetaCode;
import io.safecached.store.stats.Counter;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** mg: hits, misses, value on request, TTL/last-access/hit-before reporting, touch, no-bump, C and quiet. */
class MetaGetTest {
  private final CommandFixture f = new CommandFixture();

  static Command.MetaGet mg(String key) {
    return new Command.MetaGet(bytes(key), false, 0, 0, null, null, null, false, false);
  }

  static Command.MetaGet withValue(Command.MetaGet c) {
    return new Command.MetaGet(c.key(), true, c.compareCas(), c.newCas(), c.touchTtl(), c.vivifyTtl(),
        c.recacheTtl(), c.noBump(), c.quiet());
  }

  private Meta run(Command c) {
    return (Meta) f.run(c);
  }

  @Test
  void hitWithoutValueIsHdAndCountsAGet() {
    f.set("k", 5, 0, "hello");
    Meta m = run(mg("k"));
    assertThat(m.code()).isEqualTo(MetaCode.HD);
    assertThat(m.item().value()).isNull();
    assertThat(m.item().flags()).isEqualTo(5);
    assertThat(m.item().size()).isEqualTo(5);
    assertThat(m.item().cas()).isEqualTo(f.cas("k"));
    assertThat(f.count(Counter.CMD_GET)).isEqualTo(1);
    assertThat(f.count(Counter.GET_HITS)).isEqualTo(1);
  }

  @Test
  void hitWithValueIsVa() {
    f.set("k", "hello");
    Meta m = run(withValue(mg("k")));
    assertThat(m.code()).isEqualTo(MetaCode.VA);
    assertThat(text(m.item().value())).isEqualTo("hello");
  }

  @Test
  void missIsEnAndCountsAMiss() {
    assertThat(run(mg("nope")).code()).isEqualTo(MetaCode.EN);
    assertThat(f.count(Counter.GET_MISSES)).isEqualTo(1);
  }

  @Test
  void quietHidesOnlyTheMiss() {
    Command.MetaGet quiet = new Command.MetaGet(bytes("k"), true, 0, 0, null, null, null, false, true);
    assertThat(f.executor.respond(quiet)).isSameAs(Result.None.INSTANCE);
    f.set("k", "v");
    assertThat(((Meta) f.executor.respond(quiet)).code()).isEqualTo(MetaCode.VA);
  }

  @Test
  void ttlIsRemainingSecondsOrMinusOne() {
    f.set("forever", "v");
    f.set("short", 0, 100, "v");
    f.clock.advance(30, TimeUnit.SECONDS);
    assertThat(run(mg("forever")).item().ttl()).isEqualTo(-1);
    assertThat(run(mg("short")).item().ttl()).isEqualTo(70);
  }

  @Test
  void hitBeforeAndLastAccessShowTheStateBeforeThisRequest() {
    f.set("k", "v");
    f.clock.advance(5, TimeUnit.SECONDS);
    Meta first = run(mg("k"));
    assertThat(first.item().fetched()).isFalse();
    assertThat(first.item().lastAccess()).isEqualTo(5);
    f.clock.advance(2, TimeUnit.SECONDS);
    Meta second = run(mg("k"));
    assertThat(second.item().fetched()).isTrue();
    assertThat(second.item().lastAccess()).isEqualTo(2);
  }

  /** Found by the differential fuzzer: mg with N on an item that exists marked nothing, so the next h said 0. */
  @Test
  void aHitThroughTheVivifyFlagMarksTheItemFetched() {
    f.set("k", "v");
    run(new Command.MetaGet(bytes("k"), false, 0, 0, null, 0L, null, false, false));
    assertThat(run(mg("k")).item().fetched()).isTrue();
  }

  @Test
  void noBumpLeavesTheItemUnfetched() {
    f.set("k", "v");
    run(new Command.MetaGet(bytes("k"), false, 0, 0, null, null, null, true, false));
    assertThat(f.item("k").fetched()).isFalse();
  }

  @Test
  void touchSetsANewTtlAndCountsATouch() {
    f.set("k", 0, 10, "v");
    long cas = f.cas("k");
    Meta m = run(new Command.MetaGet(bytes("k"), false, 0, 0, 300L, null, null, false, false));
    assertThat(m.item().ttl()).isEqualTo(300);
    assertThat(f.cas("k")).isEqualTo(cas);
    assertThat(f.count(Counter.CMD_TOUCH)).isEqualTo(1);
    assertThat(f.count(Counter.TOUCH_HITS)).isEqualTo(1);
    assertThat(f.count(Counter.CMD_GET)).isZero();
    f.clock.advance(100, TimeUnit.SECONDS);
    assertThat(f.value("k")).isEqualTo("v");
  }

  @Test
  void touchMissCountsAsAGetMissLikeMemcached() {
    run(new Command.MetaGet(bytes("none"), false, 0, 0, 300L, null, null, false, false));
    assertThat(f.count(Counter.CMD_GET)).isEqualTo(1);
    assertThat(f.count(Counter.GET_MISSES)).isEqualTo(1);
    assertThat(f.count(Counter.CMD_TOUCH)).isZero();
    f.touch("none", 10);
    assertThat(f.count(Counter.TOUCH_MISSES)).as("text touch counts a touch miss").isEqualTo(1);
  }

  @Test
  void matchingCompareCasHidesTheValue() {
    f.set("k", "v");
    long cas = f.cas("k");
    Meta same = run(new Command.MetaGet(bytes("k"), true, cas, 0, null, null, null, false, false));
    assertThat(same.code()).isEqualTo(MetaCode.HD);
    Meta other = run(new Command.MetaGet(bytes("k"), true, cas + 1, 0, null, null, null, false, false));
    assertThat(other.code()).isEqualTo(MetaCode.VA);
  }

  @Test
  void textGetOfAKeyStoredThroughMetaSeesTheSameItem() {
    f.run(new Command.MetaSet(bytes("k"), Command.StoreMode.SET, bytes("data"), 9, 0, 0, 0, false, null, true,
        false));
    Result.Hit hit = f.hit("k");
    assertThat(text(hit.value())).isEqualTo("data");
    assertThat(hit.flags()).isEqualTo(9);
    assertThat(run(mg("k")).item().keyBinary()).isTrue();
  }
}
