package io.safecached.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.safecached.testsupport.ServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import net.spy.memcached.CASValue;
import net.spy.memcached.MemcachedClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * memcached's {@code -e}: fill, stop with SIGTERM, start again with the same {@code -m} and file, and every
 * unexpired key is served as it was, CAS values included, while new CAS values keep increasing; a start with
 * another {@code -m} or a damaged state file starts empty instead.
 */
class WarmRestartIT {
  private static final List<String> JVM = List.of("-Xmx256m", "-XX:MaxDirectMemorySize=256m");

  @TempDir
  Path dir;

  private static byte[] value(int i, int length) {
    byte[] v = new byte[length];
    SplittableRandom r = new SplittableRandom(i);
    for (int j = 0; j < length; j++) {
      v[j] = (byte) ('a' + r.nextInt(26));
    }
    return v;
  }

  private record Saved(Map<String, byte[]> values, Map<String, Long> cas, long maxCas) {}

  private static Saved fill(ServerProcess server, int n) throws Exception {
    MemcachedClient c = new MemcachedClient(server.address());
    try {
      SplittableRandom r = new SplittableRandom(5);
      Map<String, byte[]> values = new HashMap<>();
      for (int i = 0; i < n; i++) {
        String key = "key:" + i;
        byte[] v = value(i, r.nextInt(4) == 0 ? r.nextInt(20_000) : r.nextInt(200));
        // a tenth expire in 1 second: gone after the restart; the others never
        assertThat(c.set(key, i % 10 == 0 ? 1 : 0, v).get(10, TimeUnit.SECONDS)).isTrue();
        values.put(key, v);
      }
      for (int i = 1; i < n; i += 7) {
        if (i % 10 != 0) { // not one that may have expired already
          assertThat(c.delete("key:" + i).get(10, TimeUnit.SECONDS)).as("delete key:%d", i).isTrue();
          values.remove("key:" + i);
        }
      }
      Map<String, Long> cas = new HashMap<>();
      long max = 0;
      for (String key : values.keySet()) {
        CASValue<Object> got = c.gets(key);
        if (got != null) {
          cas.put(key, got.getCas());
          max = Math.max(max, got.getCas());
        }
      }
      return new Saved(values, cas, max);
    } finally {
      c.shutdown(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void everyUnexpiredItemIsServedAgainAfterACleanStop() throws Exception {
    Path file = dir.resolve("cache");
    Saved saved;
    try (ServerProcess first = ServerProcess.start(JVM, "-m", "64", "-e", file.toString())) {
      saved = fill(first, 10_000);
      assertThat(first.terminate(Duration.ofSeconds(30))).isEqualTo(143);
    }
    assertThat(Files.exists(file.resolveSibling("cache.meta"))).as("state saved beside the file").isTrue();
    Thread.sleep(1_100); // the 1-second items expire while the server is down
    try (ServerProcess second = ServerProcess.start(JVM, "-m", "64", "-e", file.toString())) {
      assertThat(second.log()).contains("warm restart from " + file);
      assertThat(Files.exists(file.resolveSibling("cache.meta"))).as("state used up at start").isFalse();
      MemcachedClient c = new MemcachedClient(second.address());
      try {
        int served = 0;
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : saved.values().entrySet()) {
          int i = Integer.parseInt(e.getKey().substring(4));
          CASValue<Object> got = c.gets(e.getKey());
          if (i % 10 == 0) {
            if (got != null) {
              wrong.add(e.getKey() + " should have expired");
            }
            continue;
          }
          if (got == null || !java.util.Arrays.equals((byte[]) got.getValue(), e.getValue())
              || got.getCas() != saved.cas().get(e.getKey())) {
            wrong.add(e.getKey());
          }
          served++;
        }
        assertThat(wrong).isEmpty();
        assertThat(served).isGreaterThan(7_000);
        for (int i = 1; i < 10_000; i += 7) {
          assertThat(c.get("key:" + i)).as("deleted or expired before the stop").isNull();
        }
        assertThat(c.set("new", 0, "v").get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(c.gets("new").getCas()).as("CAS values keep increasing").isGreaterThan(saved.maxCas());
      } finally {
        c.shutdown(5, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void anotherMemoryLimitOrADamagedStateStartsEmpty() throws Exception {
    Path file = dir.resolve("cache");
    try (ServerProcess first = ServerProcess.start(JVM, "-m", "64", "-e", file.toString())) {
      fill(first, 500);
      first.terminate(Duration.ofSeconds(30));
    }
    try (ServerProcess other = ServerProcess.start(JVM, "-m", "32", "-e", file.toString())) {
      assertThat(other.log()).contains("starting empty").contains("-m 64");
      assertThat(other.stats().get("curr_items")).isEqualTo("0");
      fill(other, 500);
      other.terminate(Duration.ofSeconds(30));
    }
    Path meta = file.resolveSibling("cache.meta");
    byte[] state = Files.readAllBytes(meta);
    Files.write(meta, java.util.Arrays.copyOf(state, state.length / 2));
    try (ServerProcess torn = ServerProcess.start(JVM, "-m", "32", "-e", file.toString())) {
      assertThat(torn.log()).contains("starting empty");
      assertThat(torn.stats().get("curr_items")).isEqualTo("0");
    }
  }
}
