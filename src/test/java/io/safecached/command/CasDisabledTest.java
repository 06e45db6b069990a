package io.safecached.command;

import static io.safecached.command.CommandFixture.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.safecached.command.Command.StoreMode;
import io.safecached.command.Result.MetaCode;
import io.safecached.command.Result.Status;
import io.safecached.store.stats.Counter;
import org.junit.jupiter.api.Test;

/**
 * memcached's {@code -C}: items have no CAS, so clients see 0, every CAS they send is compared with 0, and
 * flush_all takes hold a second later (as memcached 1.6.18 with -C answers; see docs/compatibility.md).
 */
class CasDisabledTest {
  private final CommandFixture f = new CommandFixture(c -> c.casEnabled = false);

  private Result.Meta ms(String key, StoreMode mode, long compareCas, boolean invalidate) {
    return (Result.Meta) f.run(new Command.MetaSet(bytes(key), mode, bytes("z"), 0, 0, compareCas, 0, invalidate,
        null, false, false));
  }

  @Test
  void getsAndMetaShowCasZero() {
    f.set("a", "x");
    assertThat(f.hit("a").cas()).isZero();
    assertThat(f.cas("a")).as("the store still orders items by CAS").isPositive();
    assertThat(f.gats(0, "a").hits().get(0).cas()).isZero();
    Result.Meta mg = (Result.Meta) f.run(Command.MetaGet.value(bytes("a"), false));
    assertThat(mg.item().cas()).isZero();
    assertThat(ms("a", StoreMode.SET, 0, false).item().cas()).isZero();
    Result.MetaDebug me = (Result.MetaDebug) f.run(new Command.MetaDebug(bytes("a")));
    assertThat(me.cas()).isZero();
    f.set("n", "5");
    Result.Meta ma = (Result.Meta) f.run(new Command.MetaArithmetic(bytes("n"), true, 1, 0, null, null, 0, 0, false));
    assertThat(ma.item().cas()).isZero();
  }

  @Test
  void theCasCommandFailsAsMemcachedsDoes() {
    f.set("a", "x");
    assertThat(f.store(StoreMode.CAS, "a", 0, 0, "y", 0)).isEqualTo(Status.EXISTS);
    assertThat(f.store(StoreMode.CAS, "a", 0, 0, "y", f.cas("a"))).as("even the CAS the store holds")
        .isEqualTo(Status.EXISTS);
    assertThat(f.store(StoreMode.CAS, "zz", 0, 0, "y", 5)).isEqualTo(Status.NOT_FOUND);
    assertThat(f.count(Counter.CAS_BADVAL)).isEqualTo(2);
    assertThat(f.count(Counter.CAS_MISSES)).isEqualTo(1);
    assertThat(f.value("a")).isEqualTo("x");
  }

  @Test
  void metaAndBinaryCasComparesWithZero() {
    f.set("a", "x");
    assertThat(ms("a", StoreMode.SET, 5, false).code()).isEqualTo(MetaCode.EX);
    assertThat(ms("a", StoreMode.SET, 5, true).code()).as("ms I C5").isEqualTo(MetaCode.EX);
    assertThat(ms("a", StoreMode.APPEND, 5, false).code()).as("append ignores a CAS it cannot compare")
        .isEqualTo(MetaCode.HD);
    assertThat(f.value("a")).isEqualTo("xz");
    Result.Meta md = (Result.Meta) f.run(new Command.MetaDelete(bytes("a"), 5, 0, false, null, false, false));
    assertThat(md.code()).isEqualTo(MetaCode.EX);
    f.set("n", "5");
    Result ma = f.run(new Command.MetaArithmetic(bytes("n"), true, 1, 0, null, null, 5, 0, false));
    assertThat(((Result.Meta) ma).code()).isEqualTo(MetaCode.EX);
    md = (Result.Meta) f.run(new Command.MetaDelete(bytes("a"), 0, 0, false, null, false, false));
    assertThat(md.code()).isEqualTo(MetaCode.HD);
  }

  @Test
  void anExplicitCasIsNotKept() {
    Result.Meta r = (Result.Meta) f.run(new Command.MetaSet(bytes("e"), StoreMode.SET, bytes("z"), 0, 0, 0, 77,
        false, null, false, false));
    assertThat(r.item().cas()).isZero();
    assertThat(f.cas("e")).isNotEqualTo(77);
  }

  @Test
  void flushAllAlsoDropsWhatIsStoredLaterInTheSameSecond() {
    f.clock.advanceMillis(300);
    f.set("before", "x");
    f.flushAll(0);
    f.set("after", "y");
    assertThat(f.get("before", "after").hits()).as("memcached -C: the flush's second is gone entirely").isEmpty();
    f.clock.advanceMillis(700); // the next second
    f.set("later", "z");
    assertThat(f.get("later").hits()).hasSize(1);
  }

  @Test
  void aDelayedFlushTakesHoldInTheDeadlinesSecond() {
    f.set("a", "1");
    f.flushAll(10);
    // with CAS memcached's flush_all 10 takes hold after 9 s; without, after 10 s, dropping that second's items
    f.clock.advanceMillis(9_999);
    assertThat(f.value("a")).isEqualTo("1");
    f.clock.advanceMillis(1);
    f.set("b", "2");
    assertThat(f.value("a")).isNull();
    assertThat(f.value("b")).isNull();
    f.clock.advanceMillis(1_000);
    f.set("c", "3");
    assertThat(f.value("c")).isEqualTo("3");
  }
}
