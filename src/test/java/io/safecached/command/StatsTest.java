package io.safecached.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.safecached.command.Result.Stat;
import io.safecached.command.Result.Status;
import io.safecached.store.OffHeapStore;
import io.safecached.store.stats.Counter;
import io.safecached.command.Result.Rejection.Kind;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** stats: every general name in memcached's order, the server's part in its place, reset, and the groups. */
class StatsTest {
  /** The names the general stats must contain (memcached 1.6 names, in memcached's relative order). */
  private static final List<String> REQUIRED = List.of(
      "pid", "uptime", "time", "version", "pointer_size", "rusage_user", "rusage_system", "max_connections",
      "curr_connections", "total_connections", "rejected_connections", "cmd_get", "cmd_set", "cmd_flush",
      "cmd_touch", "get_hits", "get_misses", "get_expired", "get_flushed", "delete_misses", "delete_hits",
      "incr_misses", "incr_hits", "decr_misses", "decr_hits", "cas_misses", "cas_hits", "cas_badval", "touch_hits",
      "touch_misses", "bytes_read", "bytes_written", "limit_maxbytes", "threads", "bytes", "curr_items",
      "total_items", "expired_unfetched", "evicted_unfetched", "evictions");

  private final CommandFixture f = new CommandFixture();

  private List<Stat> stats(String group) {
    Result r = f.stats(group);
    assertThat(r).isInstanceOf(Result.Stats.class);
    return ((Result.Stats) r).stats();
  }

  private static Map<String, String> byName(List<Stat> stats) {
    Map<String, String> m = new LinkedHashMap<>();
    for (Stat s : stats) {
      assertThat(m.put(s.name(), s.value())).as("duplicate stat %s", s.name()).isNull();
    }
    return m;
  }

  @Test
  void generalStatsHaveEveryRequiredNameInMemcachedsOrder() {
    List<String> names = stats(null).stream().map(Stat::name).toList();
    assertThat(names).containsAll(REQUIRED);
    assertThat(names.stream().filter(REQUIRED::contains).toList()).isEqualTo(REQUIRED);
  }

  @Test
  void processStatsComeFirstAsTheServerSuppliesThem() {
    List<Stat> all = stats(null);
    assertThat(all.subList(0, f.context.processStats.size())).isEqualTo(f.context.processStats);
    Map<String, String> m = byName(all);
    assertThat(m).containsEntry("pid", "4242").containsEntry("version", "1.6.18-test")
        .containsEntry("curr_connections", "3").containsEntry("total_connections", "9")
        .containsEntry("rusage_user", "0.123456");
  }

  @Test
  void serverStatsFollowLimitMaxbytesAndPrecedeBytes() {
    List<String> names = stats(null).stream().map(Stat::name).toList();
    int limit = names.indexOf("limit_maxbytes");
    int bytes = names.indexOf("bytes");
    assertThat(names.subList(limit + 1, bytes)).containsExactly("accepting_conns", "threads");
    assertThat(byName(stats(null))).containsEntry("threads", "4");
  }

  @Test
  void valuesAreNumbersAndFollowTheStore() {
    f.set("a", "1234");
    f.get("a", "b");
    f.delete("b");
    Map<String, String> m = byName(stats(null));
    for (Map.Entry<String, String> e : m.entrySet()) {
      if (!e.getKey().equals("version") && !e.getKey().startsWith("rusage_")) {
        assertThat(e.getValue()).as(e.getKey()).matches("[0-9]+");
      }
    }
    assertThat(m).containsEntry("cmd_set", "1").containsEntry("cmd_get", "2").containsEntry("get_hits", "1")
        .containsEntry("get_misses", "1").containsEntry("delete_misses", "1").containsEntry("curr_items", "1")
        .containsEntry("total_items", "1")
        .containsEntry("bytes", Long.toString(OffHeapStore.footprint(1, 4)))
        .containsEntry("limit_maxbytes", Long.toString(64L * 1024 * 1024));
    f.counters.add(Counter.BYTES_READ, 77);
    assertThat(byName(stats(null))).containsEntry("bytes_read", "77");
  }

  @Test
  void resetClearsCountersButNotItems() {
    f.set("a", "1");
    f.get("a", "b");
    f.counters.increment(Counter.TOTAL_CONNECTIONS);
    assertThat(f.stats("reset")).isEqualTo(Status.RESET);
    assertThat(f.nonZeroCounters()).isEmpty();
    Map<String, String> m = byName(stats(null));
    assertThat(m).containsEntry("cmd_get", "0").containsEntry("get_hits", "0").containsEntry("total_items", "0")
        .containsEntry("curr_items", "1");
    assertThat(f.value("a")).isEqualTo("1");
  }

  @Test
  void itemsGroupIsEmptyWithoutItems() {
    assertThat(stats("items")).isEmpty();
    f.set("a", "1");
    Map<String, String> m = byName(stats("items"));
    assertThat(m).containsEntry("items:1:number", "1").containsKey("items:1:evicted_unfetched");
    f.delete("a");
    assertThat(stats("items")).isEmpty();
  }

  @Test
  void settingsAndConnsComeFromTheServer() {
    assertThat(stats("settings")).isEqualTo(f.context.settings);
    assertThat(stats("conns")).isEqualTo(f.context.connections);
  }

  @Test
  void slabsAndSizesAnswer() {
    assertThat(byName(stats("slabs"))).containsKeys("active_slabs", "total_malloced");
    assertThat(stats("sizes")).containsExactly(new Stat("sizes_status", "disabled"));
  }

  @Test
  void unknownGroupIsError() {
    for (String g : new String[] {"foo", "detailed", "cachedumps", "RESET", ""}) {
      assertThat(f.stats(g)).as(g).isEqualTo(new Result.Error(Kind.NOT_FOUND, "ERROR"));
    }
    assertThat(Result.Error.PLAIN.line()).isEqualTo("ERROR");
  }

  @Test
  void versionAndVerbosity() {
    assertThat(f.run(new Command.Version())).isEqualTo(new Result.Version("1.6.18-test"));
    assertThat(f.run(new Command.Verbosity(2, false))).isEqualTo(Status.OK);
    assertThat(f.context.verbosityCalls).containsExactly(2);
    assertThat(f.run(new Command.Quit())).isEqualTo(Result.Close.INSTANCE);
  }
}
