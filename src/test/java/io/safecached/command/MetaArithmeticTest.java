package io.safecached.command;

import static io.safecached.command.CommandFixture.bytes;
import static io.safecached.command.CommandFixture.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.safecached.command.Result.Meta;
import io.safecached.command.Result.MetaCode;
import io.safecached.store.Item;
import io.safecached.store.stats.Counter;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** ma: delta, decrement floor, wrap, autovivify with an initial value, CAS check, TTL update, errors. */
class MetaArithmeticTest {
  private final CommandFixture f = new CommandFixture();

  private Result ma(boolean incr, long delta, long initial, Long vivify, Long ttl, long compareCas) {
    return f.run(new Command.MetaArithmetic(bytes("n"), incr, delta, initial, vivify, ttl, compareCas, 0, false));
  }

  private String number(Result r) {
    assertThat(r).isInstanceOf(Meta.class);
    assertThat(((Meta) r).code()).isEqualTo(MetaCode.HD);
    return text(((Meta) r).item().value());
  }

  @Test
  void missWithoutVivifyIsNf() {
    assertThat(((Meta) ma(true, 1, 0, null, null, 0)).code()).isEqualTo(MetaCode.NF);
    assertThat(f.count(Counter.INCR_MISSES)).isEqualTo(1);
  }

  @Test
  void vivifyCreatesTheInitialValueWithItsTtl() {
    Meta m = (Meta) ma(true, 5, 42, 60L, null, 0);
    assertThat(text(m.item().value())).isEqualTo("42");
    assertThat(m.item().ttl()).isEqualTo(60);
    assertThat(number(ma(true, 5, 42, 60L, null, 0))).isEqualTo("47");
  }

  @Test
  void decrementStopsAtZeroAndKeepsTheStoredLength() {
    f.set("n", "100");
    assertThat(number(ma(false, 95, 0, null, null, 0))).isEqualTo("5");
    assertThat(f.value("n")).isEqualTo("5  ");
    assertThat(number(ma(false, 10, 0, null, null, 0))).isEqualTo("0");
  }

  @Test
  void incrementWrapsAt2To64() {
    f.set("n", "18446744073709551615");
    assertThat(number(ma(true, 2, 0, null, null, 0))).isEqualTo("1");
  }

  @Test
  void casMismatchIsExAndNothingChanges() {
    f.set("n", "1");
    long cas = f.cas("n");
    assertThat(((Meta) ma(true, 1, 0, null, null, cas + 1)).code()).isEqualTo(MetaCode.EX);
    assertThat(f.value("n")).isEqualTo("1");
    Meta ok = (Meta) ma(true, 1, 0, null, null, cas);
    assertThat(ok.item().cas()).isEqualTo(f.cas("n")).isNotEqualTo(cas);
  }

  @Test
  void ttlIsUpdatedOnSuccess() {
    f.set("n", 0, 10, "1");
    ma(true, 1, 0, null, 100L, 0);
    f.clock.advance(50, TimeUnit.SECONDS);
    assertThat(f.value("n")).isEqualTo("2");
  }

  @Test
  void nonNumericValueIsAClientErrorEvenWhenQuiet() {
    f.set("n", "abc");
    Result r = f.executor.respond(new Command.MetaArithmetic(bytes("n"), true, 1, 0, null, null, 0, 0, true));
    assertThat(r).isEqualTo(Result.NON_NUMERIC);
  }

  @Test
  void incrKeepsTheFetchedMarkWhenItRewritesTheNumberInPlace() {
    // set h 0 0 1 / 5, get h, incr h 1, mg h h: memcached HD h1
    f.set("n", "5");
    f.get("n");
    assertThat(number(ma(true, 1, 0, null, null, 0))).isEqualTo("6");
    assertThat(f.item("n").fetched()).isTrue();
  }

  @Test
  void incrKeepsTheItemStale() {
    f.set("n", "5");
    f.run(new Command.MetaDelete(bytes("n"), 0, 0, true, null, false, false)); // md n I
    ma(true, 1, 0, null, null, 0);
    Meta m = (Meta) f.run(new Command.MetaGet(bytes("n"), false, 0, 0, null, null, null, false, false));
    assertThat(m.stale()).as("X").isTrue();
    assertThat(m.won()).as("W").isTrue();
  }

  @Test
  void incrThatLengthensTheNumberMakesANewItemWithoutTheMarks() {
    f.set("n", "9");
    f.get("n");
    f.run(new Command.MetaDelete(bytes("n"), 0, 0, true, null, false, false));
    assertThat(number(ma(true, 1, 0, null, null, 0))).isEqualTo("10");
    Item item = f.item("n");
    assertThat(item.fetched()).isFalse();
    assertThat(item.stale()).isFalse();
  }

  @Test
  void maOnAnEmptyValueIsNonNumericBeforeTheCasIsCompared() {
    // set z 0 0 0, ma z C12345: memcached CLIENT_ERROR, not EX (binary INCR: DELTA_BADVAL, not KEY_EEXISTS)
    f.set("n", "");
    assertThat(ma(true, 1, 0, null, null, 12345))
        .isEqualTo(Result.NON_NUMERIC);
    // a value that is not empty is compared first
    f.set("n", "abc");
    assertThat(((Meta) ma(true, 1, 0, null, null, 12345)).code()).isEqualTo(MetaCode.EX);
  }
}
