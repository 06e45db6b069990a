package io.safecached.command;

import static io.safecached.command.CommandFixture.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.safecached.command.Result.Meta;
import io.safecached.command.Result.MetaCode;
import io.safecached.store.stats.Counter;
import org.junit.jupiter.api.Test;

/** md: delete, CAS-checked delete, invalidate (stale instead of gone), value removal, quiet. */
class MetaDeleteTest {
  private final CommandFixture f = new CommandFixture();

  private Result md(long compareCas, long newCas, boolean invalidate, Long ttl, boolean removeValue, boolean q) {
    return f.executor.respond(new Command.MetaDelete(bytes("k"), compareCas, newCas, invalidate, ttl, removeValue,
        q));
  }

  @Test
  void deletesAndCounts() {
    f.set("k", "v");
    assertThat(((Meta) md(0, 0, false, null, false, false)).code()).isEqualTo(MetaCode.HD);
    assertThat(f.item("k")).isNull();
    assertThat(((Meta) md(0, 0, false, null, false, false)).code()).isEqualTo(MetaCode.NF);
    assertThat(f.count(Counter.DELETE_HITS)).isEqualTo(1);
    assertThat(f.count(Counter.DELETE_MISSES)).isEqualTo(1);
  }

  @Test
  void compareCasMismatchKeepsTheItem() {
    f.set("k", "v");
    long cas = f.cas("k");
    assertThat(((Meta) md(cas + 1, 0, false, null, false, false)).code()).isEqualTo(MetaCode.EX);
    assertThat(f.value("k")).isEqualTo("v");
    assertThat(((Meta) md(cas, 0, false, null, false, false)).code()).isEqualTo(MetaCode.HD);
    assertThat(f.item("k")).isNull();
  }

  @Test
  void invalidateKeepsTheValueAsStaleWithANewOrGivenCas() {
    f.set("k", "v");
    md(0, 777, true, null, false, false);
    assertThat(f.value("k")).isEqualTo("v");
    assertThat(f.item("k").stale()).isTrue();
    assertThat(f.cas("k")).isEqualTo(777);
  }

  @Test
  void removeValueLeavesAnEmptyItem() {
    f.set("k", 3, 0, "value");
    long cas = f.cas("k");
    assertThat(((Meta) md(0, 0, false, null, true, false)).code()).isEqualTo(MetaCode.HD);
    assertThat(f.value("k")).isEmpty();
    assertThat(f.cas("k")).isEqualTo(cas);
  }

  @Test
  void quietHidesOnlySuccess() {
    f.set("k", "v");
    assertThat(md(0, 0, false, null, false, true)).isSameAs(Result.None.INSTANCE);
    assertThat(((Meta) md(0, 0, false, null, false, true)).code()).isEqualTo(MetaCode.NF);
  }

  @Test
  void invalidateKeepsTheFetchedMark() {
    f.set("k", "v");
    f.get("k");
    md(0, 0, true, null, false, false);
    assertThat(f.item("k").fetched()).isTrue();
  }
}
