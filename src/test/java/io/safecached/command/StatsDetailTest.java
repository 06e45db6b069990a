package io.safecached.command;

import static io.safecached.command.CommandFixture.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.safecached.command.Command.StoreMode;
import io.safecached.command.Result.Rejection.Kind;
import io.safecached.command.Result.Status;
import io.safecached.security.CommandKind;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code stats detail on|off|dump}: memcached's per-prefix counters, their dump, and the bound on prefixes. */
class StatsDetailTest {
  /** A frame of a protocol whose commands memcached counts per prefix, as the binary protocol's. */
  private record Classic() implements Command.ClassicFrame {}

  private final CommandFixture f = new CommandFixture();

  private Result detail(String... args) {
    return f.run(new Command.Stats("detail", List.of(args)));
  }

  private String dump() {
    return ((Result.PrefixDump) detail("dump")).text();
  }

  @Test
  void offByDefaultAndCountingNothing() {
    f.set("a:1", "x");
    f.get("a:1");
    assertThat(f.context.prefixStats.enabled()).isFalse();
    assertThat(dump()).isEqualTo("END\r\n");
  }

  @Test
  void countsTextGetsHitsSetsAndDeletesPerPrefix() {
    assertThat(detail("on")).isEqualTo(Status.OK);
    f.set("a:b", "x");
    f.get("a:b");
    f.get("a:c", "c:d", "nokey"); // a key without the delimiter is not counted
    f.delete("a:b");
    assertThat(dump()).isEqualTo("PREFIX c get 1 hit 0 set 0 del 0\r\nPREFIX a get 2 hit 1 set 1 del 1\r\nEND\r\n");
    assertThat(detail("off")).isEqualTo(Status.OK);
    f.set("a:b", "x");
    assertThat(dump()).as("off keeps what was counted").contains("PREFIX a get 2 hit 1 set 1 del 1\r\n");
  }

  @Test
  void theDumpHasMemcachedsOrder() {
    // the order memcached 1.6.18 printed for this sequence (its murmur3-keyed table, walked bucket by bucket)
    detail("on");
    for (String k : List.of("a:1", "b:1", "user:1", "session:9")) {
      f.set(k, "x");
    }
    f.get("c:1", "user:1", "user:2");
    f.delete("session:9");
    for (String k : List.of("abcde:1", "xyz:1", ":empty", "1234567:q")) {
      f.set(k, "x");
    }
    assertThat(dump()).isEqualTo("PREFIX  get 0 hit 0 set 1 del 0\r\n"
        + "PREFIX b get 0 hit 0 set 1 del 0\r\n"
        + "PREFIX user get 2 hit 1 set 1 del 0\r\n"
        + "PREFIX c get 1 hit 0 set 0 del 0\r\n"
        + "PREFIX session get 0 hit 0 set 1 del 1\r\n"
        + "PREFIX a get 0 hit 0 set 1 del 0\r\n"
        + "PREFIX xyz get 0 hit 0 set 1 del 0\r\n"
        + "PREFIX abcde get 0 hit 0 set 1 del 0\r\n"
        + "PREFIX 1234567 get 0 hit 0 set 1 del 0\r\n"
        + "END\r\n");
  }

  @Test
  void murmur3MatchesTheReferenceVectors() {
    // MurmurHash3_x86_32 with seed 0, from the algorithm's published test values
    assertThat(PrefixStats.murmur3(new byte[0], 0)).isZero();
    assertThat(PrefixStats.murmur3(bytes("a"), 1)).isEqualTo(0x3c2569b2);
    assertThat(PrefixStats.murmur3(bytes("abcd"), 4)).isEqualTo(0x43ed676a);
    assertThat(PrefixStats.murmur3(bytes("Hello, world!"), 13)).isEqualTo(0xc0363e43);
  }

  @Test
  void everyStorageCommandAndRefusalCountsAsASet() {
    detail("on");
    f.store(StoreMode.ADD, "s:1", 0, 0, "x");
    f.store(StoreMode.ADD, "s:1", 0, 0, "x"); // not stored: still counted, as memcached counts before storing
    f.store(StoreMode.CAS, "s:1", 0, 0, "x", 12345);
    f.run(new Command.StoreTooLarge(StoreMode.SET, bytes("s:2"), false));
    f.run(new Command.StoreNoMemory(StoreMode.SET, bytes("s:3"), false));
    f.gat(0, "s:1");
    assertThat(dump()).isEqualTo("PREFIX s get 1 hit 1 set 5 del 0\r\nEND\r\n");
  }

  @Test
  void binaryRequestsCountButMetaRequestsDoNot() {
    detail("on");
    byte[] key = bytes("b:1");
    f.run(new Command.Framed(new Command.MetaSet(key, StoreMode.SET, bytes("x"), 0, 0, 0, 0, false, null, false,
        false), new Classic()));
    f.run(new Command.Framed(Command.MetaGet.value(key, false), new Classic()));
    f.run(new Command.Framed(Command.MetaGet.value(bytes("b:2"), false), new Classic()));
    f.run(new Command.Framed(Command.MetaGet.touch(key, false, 0, false), new Classic()));
    f.run(new Command.Framed(new Command.MetaDelete(key, 0, 0, false, null, false, false), new Classic()));
    // the same requests framed as meta commands (any other frame) are not counted
    Object meta = new Object();
    f.run(new Command.Framed(new Command.MetaSet(key, StoreMode.SET, bytes("x"), 0, 0, 0, 0, false, null, false,
        false), meta));
    f.executor.respond(new Command.Framed(Command.MetaGet.value(key, true), meta));
    f.run(new Command.Framed(new Command.MetaDelete(key, 0, 0, false, null, false, false), meta));
    assertThat(dump()).isEqualTo("PREFIX b get 3 hit 2 set 1 del 1\r\nEND\r\n");
  }

  @Test
  void aQuietBinaryMissStillCounts() {
    detail("on");
    Result r = f.executor.respond(new Command.Framed(Command.MetaGet.value(bytes("q:1"), true), new Classic()));
    assertThat(r).isEqualTo(Result.None.INSTANCE);
    assertThat(dump()).isEqualTo("PREFIX q get 1 hit 0 set 0 del 0\r\nEND\r\n");
  }

  @Test
  void statsResetForgetsThePrefixes() {
    detail("on");
    f.set("r:1", "x");
    assertThat(f.stats("reset")).isEqualTo(Status.RESET);
    assertThat(dump()).isEqualTo("END\r\n");
    assertThat(f.context.prefixStats.enabled()).as("reset does not turn counting off").isTrue();
  }

  @Test
  void aShorterPrefixInTheSameBucketCountsUnderTheLongerOneAsInMemcached() {
    // memcached compares only the new prefix's length within a bucket (strncmp): "a" counts under a longer
    // "a<n>" held in its bucket; "a122" is the first such (memcached 1.6.18 shows the same dump)
    int bucket = PrefixStats.murmur3(bytes("a"), 1) & 0xff;
    int n = 0;
    while ((PrefixStats.murmur3(bytes("a" + n), ("a" + n).length()) & 0xff) != bucket) {
      n++;
    }
    assertThat(n).isEqualTo(122);
    detail("on");
    f.set("a122:1", "x");
    f.set("a:1", "x");
    f.set("b:1", "x");
    assertThat(dump()).contains("PREFIX a122 get 0 hit 0 set 2 del 0\r\n").doesNotContain("PREFIX a get");
  }

  @Test
  void thePrefixesHeldAreBounded() {
    detail("on");
    for (int i = 0; i < PrefixStats.MAX_PREFIXES + 100; i++) {
      f.set("p" + i + ":k", "x");
    }
    assertThat(f.context.prefixStats.size()).isEqualTo(PrefixStats.MAX_PREFIXES);
    f.set("p0:k", "x"); // a prefix already held keeps counting
    String dump = dump();
    assertThat(dump.lines().filter(l -> l.startsWith("PREFIX ")).count()).isEqualTo(PrefixStats.MAX_PREFIXES);
    assertThat(dump).contains("PREFIX p0 get 0 hit 0 set 2 del 0\r\n")
        .doesNotContain("PREFIX p" + (PrefixStats.MAX_PREFIXES + 50) + " ");
  }

  @Test
  void aBadSubcommandIsTheUsageError() {
    for (String[] args : new String[][] {{}, {"foo"}, {"ON"}}) {
      assertThat(detail(args)).isEqualTo(new Result.ClientError(Kind.NOT_FOUND, "usage: stats detail on|off|dump"));
    }
    assertThat(detail("on", "extra")).as("memcached reads only the first word").isEqualTo(Status.OK);
  }

  @Test
  void detailIsAnAdminCommand() {
    assertThat(new Command.Stats("detail", List.of("dump")).kind()).isEqualTo(CommandKind.ADMIN);
    assertThat(new Command.Stats("cachedump", List.of("1", "1")).kind()).isEqualTo(CommandKind.READ);
  }
}
