package io.safecached.command;

import static io.safecached.command.CommandFixture.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.safecached.command.Result.Meta;
import io.safecached.command.Result.MetaCode;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** me and mn: item metadata without bumping it, memcached's slab classes, and the no-op marker. */
class MetaDebugTest {
  private final CommandFixture f = new CommandFixture();

  @Test
  void reportsMetadataWithoutMarkingTheItemFetched() {
    f.set("key", 0, 100, "hello");
    f.clock.advance(10, TimeUnit.SECONDS);
    Result.MetaDebug d = (Result.MetaDebug) f.run(new Command.MetaDebug(bytes("key")));
    assertThat(d.exp()).isEqualTo(90);
    assertThat(d.lastAccess()).isEqualTo(10);
    assertThat(d.cas()).isEqualTo(f.cas("key"));
    assertThat(d.fetched()).isFalse();
    assertThat(d.size()).isEqualTo(56 + 3 + 1 + 5 + 2);
    assertThat(d.slabClass()).isEqualTo(1);
    assertThat(f.item("key").fetched()).isFalse();
  }

  @Test
  void nonZeroFlagsAddTheirFourBytesToTheSize() {
    f.set("key", 5, 0, "hello");
    Result.MetaDebug d = (Result.MetaDebug) f.run(new Command.MetaDebug(bytes("key")));
    assertThat(d.size()).isEqualTo(56 + 3 + 1 + 5 + 2 + 4);
  }

  @Test
  void missIsEn() {
    assertThat(((Meta) f.run(new Command.MetaDebug(bytes("none")))).code()).isEqualTo(MetaCode.EN);
  }

  @Test
  void slabClassesFollowMemcachedsDefaultTable() {
    // memcached 1.6 with -n 48 -f 1.25: 96, 120, 152, 192, 240, ...
    assertThat(ItemCommands.slabClass(96)).isEqualTo(1);
    assertThat(ItemCommands.slabClass(97)).isEqualTo(2);
    assertThat(ItemCommands.slabClass(120)).isEqualTo(2);
    assertThat(ItemCommands.slabClass(121)).isEqualTo(3);
    assertThat(ItemCommands.slabClass(193)).isEqualTo(5);
  }

  @Test
  void noopAnswersMn() {
    assertThat(f.run(new Command.MetaNoop())).isSameAs(Result.MetaNoop.INSTANCE);
  }
}
