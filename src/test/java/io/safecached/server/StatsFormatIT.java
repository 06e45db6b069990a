package io.safecached.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.safecached.testsupport.RawClient;
import io.safecached.testsupport.TestServer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The {@code stats} replies parse the way prometheus/memcached_exporter parses them: every value of the
 * general stats is a number (rusage as {@code sec.usec}), the counters it needs exist, and every
 * {@code stats settings} line has three or four fields.
 */
class StatsFormatIT {
  private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?");
  private static final List<String> REQUIRED = List.of("pid", "uptime", "time", "version", "pointer_size",
      "rusage_user", "rusage_system", "max_connections", "curr_connections", "total_connections",
      "rejected_connections", "cmd_get", "cmd_set", "cmd_flush", "cmd_touch", "get_hits", "get_misses",
      "get_expired", "get_flushed", "delete_hits", "delete_misses", "incr_hits", "incr_misses", "decr_hits",
      "decr_misses", "cas_hits", "cas_misses", "cas_badval", "touch_hits", "touch_misses", "bytes_read",
      "bytes_written", "limit_maxbytes", "threads", "bytes", "curr_items", "total_items", "evictions",
      "expired_unfetched", "evicted_unfetched");

  private static List<String> lines(RawClient c, String command) throws Exception {
    String reply = c.send(command + "\r\n").readUntil("END\r\n");
    List<String> out = new ArrayList<>(List.of(reply.split("\r\n")));
    assertThat(out.remove(out.size() - 1)).isEqualTo("END");
    return out;
  }

  private static Map<String, String> stats(List<String> lines) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String line : lines) {
      String[] f = line.split(" ");
      assertThat(f).as("line %s", line).hasSize(3);
      assertThat(f[0]).isEqualTo("STAT");
      m.put(f[1], f[2]);
    }
    return m;
  }

  @Test
  void generalStatsAreNumbersAndComplete() throws Exception {
    try (TestServer server = TestServer.start(); RawClient c = new RawClient(server.address())) {
      assertThat(c.send("set a 0 0 1\r\nx\r\n").readLine()).isEqualTo("STORED");
      c.send("get a b\r\n").readUntil("END\r\n");
      Map<String, String> s = stats(lines(c, "stats"));
      assertThat(s.keySet()).containsAll(REQUIRED);
      s.forEach((k, v) -> {
        if (!k.equals("version")) {
          assertThat(v).as("stat %s", k).matches(NUMBER);
        }
      });
      assertThat(s.get("rusage_user")).matches("\\d+\\.\\d{6}");
      assertThat(s.get("rusage_system")).matches("\\d+\\.\\d{6}");
      assertThat(s.get("version")).matches("\\d+\\.\\d+\\.\\d+.*");
      assertThat(s.get("cmd_get")).isEqualTo("2");
      assertThat(s.get("get_hits")).isEqualTo("1");
      assertThat(s.get("get_misses")).isEqualTo("1");
      assertThat(s.get("cmd_set")).isEqualTo("1");
      assertThat(s.get("curr_items")).isEqualTo("1");
      assertThat(Long.parseLong(s.get("bytes_read"))).isPositive();
    }
  }

  @Test
  void settingsLinesHaveThreeOrFourFields() throws Exception {
    try (TestServer server = TestServer.start(b -> b.maxConnections(77));
         RawClient c = new RawClient(server.address())) {
      List<String> lines = lines(c, "stats settings");
      for (String line : lines) {
        assertThat(line.split(" ").length).as("line %s", line).isBetween(3, 4);
      }
      Map<String, String> s = stats(lines);
      assertThat(s).containsEntry("maxconns", "77").containsEntry("udpport", "0")
          .containsEntry("auth_enabled_sasl", "no").containsEntry("flush_enabled", "yes");
    }
  }

  @Test
  void itemsAndSlabsParse() throws Exception {
    try (TestServer server = TestServer.start(); RawClient c = new RawClient(server.address())) {
      assertThat(lines(c, "stats items")).isEmpty();
      assertThat(c.send("set a 0 0 1\r\nx\r\n").readLine()).isEqualTo("STORED");
      Map<String, String> items = stats(lines(c, "stats items"));
      assertThat(items).containsEntry("items:1:number", "1");
      items.values().forEach(v -> assertThat(v).matches(NUMBER));
      Map<String, String> slabs = stats(lines(c, "stats slabs"));
      assertThat(slabs).containsKeys("active_slabs", "total_malloced");
      slabs.values().forEach(v -> assertThat(v).matches(NUMBER));
    }
  }
}
