package io.safecached.command;

import static io.safecached.command.CommandFixture.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.safecached.command.Command.StoreMode;
import io.safecached.command.Result.Meta;
import io.safecached.command.Result.MetaCode;
import io.safecached.store.stats.Counter;
import org.junit.jupiter.api.Test;

/** ms: modes, CAS compare and explicit CAS, append autovivify, quiet, and the stored item it reports. */
class MetaSetTest {
  private final CommandFixture f = new CommandFixture();

  private Result ms(StoreMode mode, String value, long compareCas, long newCas, Long vivify, boolean quiet) {
    return f.executor.respond(new Command.MetaSet(bytes("k"), mode, bytes(value), 7, 0, compareCas, newCas, false,
        vivify, false, quiet));
  }

  private MetaCode code(Result r) {
    return ((Meta) r).code();
  }

  @Test
  void setReportsTheNewCasAndSize() {
    Meta m = (Meta) ms(StoreMode.SET, "hello", 0, 0, null, false);
    assertThat(m.code()).isEqualTo(MetaCode.HD);
    assertThat(m.item().cas()).isEqualTo(f.cas("k"));
    assertThat(m.item().size()).isEqualTo(5);
    assertThat(f.item("k").flags()).isEqualTo(7);
    assertThat(f.count(Counter.CMD_SET)).isEqualTo(1);
    assertThat(f.count(Counter.TOTAL_ITEMS)).isEqualTo(1);
  }

  @Test
  void modesBehaveLikeTheirTextCommands() {
    assertThat(code(ms(StoreMode.REPLACE, "x", 0, 0, null, false))).isEqualTo(MetaCode.NS);
    assertThat(code(ms(StoreMode.APPEND, "x", 0, 0, null, false))).isEqualTo(MetaCode.NS);
    assertThat(code(ms(StoreMode.ADD, "a", 0, 0, null, false))).isEqualTo(MetaCode.HD);
    assertThat(code(ms(StoreMode.ADD, "b", 0, 0, null, false))).isEqualTo(MetaCode.NS);
    assertThat(code(ms(StoreMode.APPEND, "c", 0, 0, null, false))).isEqualTo(MetaCode.HD);
    assertThat(code(ms(StoreMode.PREPEND, "0", 0, 0, null, false))).isEqualTo(MetaCode.HD);
    assertThat(f.value("k")).isEqualTo("0ac");
    assertThat(code(ms(StoreMode.REPLACE, "r", 0, 0, null, false))).isEqualTo(MetaCode.HD);
    assertThat(f.value("k")).isEqualTo("r");
  }

  @Test
  void aRefusedAddDoesNotMarkTheItemRead() {
    ms(StoreMode.SET, "v", 0, 0, null, false);
    assertThat(code(ms(StoreMode.ADD, "x", 0, 0, null, false))).isEqualTo(MetaCode.NS);
    assertThat(f.item("k").fetched()).as("mg h would say 0, as memcached does").isFalse();
  }

  @Test
  void compareCasTurnsSetIntoCas() {
    assertThat(code(ms(StoreMode.SET, "x", 99, 0, null, false))).isEqualTo(MetaCode.NF);
    assertThat(f.count(Counter.CAS_MISSES)).isEqualTo(1);
    ms(StoreMode.SET, "v", 0, 0, null, false);
    long cas = f.cas("k");
    assertThat(code(ms(StoreMode.SET, "x", cas + 1, 0, null, false))).isEqualTo(MetaCode.EX);
    assertThat(code(ms(StoreMode.SET, "y", cas, 0, null, false))).isEqualTo(MetaCode.HD);
    assertThat(f.value("k")).isEqualTo("y");
    assertThat(f.count(Counter.CAS_BADVAL)).isEqualTo(1);
    assertThat(f.count(Counter.CAS_HITS)).isEqualTo(1);
  }

  @Test
  void appendChecksACompareCas() {
    ms(StoreMode.SET, "v", 0, 0, null, false);
    long cas = f.cas("k");
    assertThat(code(ms(StoreMode.APPEND, "x", cas + 1, 0, null, false))).isEqualTo(MetaCode.EX);
    assertThat(code(ms(StoreMode.APPEND, "x", cas, 0, null, false))).isEqualTo(MetaCode.HD);
    assertThat(f.value("k")).isEqualTo("vx");
  }

  @Test
  void textCasWithZeroUniqueNeverMatches() {
    f.set("k", "v");
    assertThat(f.store(StoreMode.CAS, "k", 0, 0, "x", 0)).isEqualTo(Result.Status.EXISTS);
  }

  @Test
  void explicitCasIsUsedForTheNewItem() {
    Meta m = (Meta) ms(StoreMode.SET, "v", 0, 12345, null, false);
    assertThat(m.item().cas()).isEqualTo(12345);
    assertThat(f.cas("k")).isEqualTo(12345);
  }

  @Test
  void appendWithVivifyCreatesAMissingItem() {
    assertThat(code(ms(StoreMode.APPEND, "first", 0, 0, 60L, false))).isEqualTo(MetaCode.HD);
    assertThat(f.value("k")).isEqualTo("first");
  }

  @Test
  void quietHidesSuccessButNotFailure() {
    assertThat(ms(StoreMode.SET, "v", 0, 0, null, true)).isSameAs(Result.None.INSTANCE);
    assertThat(code(ms(StoreMode.ADD, "v", 0, 0, null, true))).isEqualTo(MetaCode.NS);
  }

  @Test
  void badDataChunkCountsASetAndIsHiddenOnlyByNoreply() {
    assertThat(f.executor.respond(new Command.BadDataChunk(false)))
        .isEqualTo(new Result.ClientError("bad data chunk"));
    assertThat(f.executor.respond(new Command.BadDataChunk(true))).isSameAs(Result.None.INSTANCE);
    assertThat(f.count(Counter.CMD_SET)).isEqualTo(2);
  }

  @Test
  void appendBeyondTheItemLimitIsNotStored() {
    ms(StoreMode.SET, "v", 0, 0, null, false);
    String big = "x".repeat(f.context.maxItemSize());
    assertThat(code(ms(StoreMode.APPEND, big, 0, 0, null, false))).isEqualTo(MetaCode.NS);
    assertThat(f.value("k")).isEqualTo("v");
  }

  @Test
  void appendDropsTheBase64KeyMark() {
    // ms aDU= 1 b, append h5 0 0 1, mg h5 k: memcached HD kh5 (append makes a new item without the mark)
    f.executor.respond(new Command.MetaSet(bytes("h5"), StoreMode.SET, bytes("b"), 0, 0, 0, 0, false, null, true,
        false));
    assertThat(f.item("h5").keyBinary()).isTrue();
    f.store(StoreMode.APPEND, "h5", 0, 0, "c");
    assertThat(f.item("h5").keyBinary()).isFalse();
    assertThat(f.value("h5")).isEqualTo("bc");
  }
}
