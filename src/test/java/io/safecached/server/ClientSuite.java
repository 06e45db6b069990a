package io.safecached.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.safecached.testsupport.RawClient;
import io.safecached.testsupport.SingleClientSuite;
import io.safecached.testsupport.Target;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The functional suite for real Java clients, written once: a subclass picks the server ({@link Target})
 * and the client ({@link ClientApi}). Every test gets a fresh server, so stats deltas are exact.
 */
@Timeout(20)
abstract class ClientSuite extends SingleClientSuite<ClientApi> {
  /**
   * The suite against {@code target}; {@code connector} connects the client under test (in its adapter's
   * protocol, short operation timeouts).
   */
  ClientSuite(Target target, Connector<ClientApi> connector) {
    super(target, connector);
  }

  @Test
  void setAndGetStrings() throws Exception {
    assertThat(client.set("greeting", 0, "hello, world")).isTrue();
    assertThat(client.get("greeting")).isEqualTo("hello, world");
    assertThat(client.set("greeting", 0, "grüße ☃")).isTrue();
    assertThat(client.get("greeting")).isEqualTo("grüße ☃");
    assertThat(client.set("empty", 0, "")).isTrue();
    assertThat(client.get("empty")).isEqualTo("");
    assertThat(client.get("never-set")).isNull();
  }

  @Test
  void byteArrayWithLineBreaksAndProtocolWordsInside() throws Exception {
    byte[] tricky = "line1\r\nEND\r\nVALUE x 0 3\r\n\r\n\u0000\u00ff\r".getBytes(StandardCharsets.ISO_8859_1);
    assertThat(client.set("tricky", 0, tricky)).isTrue();
    assertThat((byte[]) client.get("tricky")).containsExactly(tricky);
    // the next command on the same connection is still framed correctly
    assertThat(client.set("after", 0, "ok")).isTrue();
    assertThat(client.get("after")).isEqualTo("ok");
  }

  @Test
  void largeValueOfAbout500Kilobytes() throws Exception {
    byte[] big = new byte[500 * 1024];
    new Random(42).nextBytes(big); // incompressible, so the client sends it as is
    assertThat(client.set("big", 0, big)).isTrue();
    assertThat((byte[]) client.get("big")).containsExactly(big);
    try (RawClient raw = new RawClient(address())) {
      String header = raw.call("get big");
      assertThat(header).startsWith("VALUE big ").endsWith(" " + big.length);
    }
  }

  @Test
  void addOnlyWhenMissingReplaceOnlyWhenPresent() throws Exception {
    assertThat(client.add("k", 0, "first")).isTrue();
    assertThat(client.add("k", 0, "second")).isFalse();
    assertThat(client.get("k")).isEqualTo("first");
    assertThat(client.replace("missing", 0, "x")).isFalse();
    assertThat(client.get("missing")).isNull();
    assertThat(client.replace("k", 0, "third")).isTrue();
    assertThat(client.get("k")).isEqualTo("third");
  }

  @Test
  void appendAndPrepend() throws Exception {
    assertThat(client.set("s", 0, "mid")).isTrue();
    assertThat(client.append("s", "-end")).isTrue();
    assertThat(client.prepend("s", "start-")).isTrue();
    assertThat(client.get("s")).isEqualTo("start-mid-end");
    assertThat(client.append("missing", "x")).isFalse();
    assertThat(client.prepend("missing", "x")).isFalse();
    assertThat(client.get("missing")).isNull();
  }

  @Test
  void getsAndCasSucceedThenConflict() throws Exception {
    assertThat(client.set("c", 0, "v1")).isTrue();
    ClientApi.CasValue first = client.gets("c");
    assertThat(first).isNotNull();
    assertThat(first.value()).isEqualTo("v1");
    assertThat(client.cas("c", first.cas(), "v2")).isTrue();
    assertThat(client.get("c")).isEqualTo("v2");

    // the old unique no longer matches
    assertThat(client.cas("c", first.cas(), "v3")).isFalse();
    assertThat(client.get("c")).isEqualTo("v2");

    // someone else writes between gets and cas
    ClientApi.CasValue second = client.gets("c");
    assertThat(second.cas()).isNotEqualTo(first.cas());
    assertThat(client.set("c", 0, "other")).isTrue();
    assertThat(client.cas("c", second.cas(), "mine")).isFalse();
    assertThat(client.get("c")).isEqualTo("other");

    // a key that is gone
    ClientApi.CasValue third = client.gets("c");
    assertThat(client.delete("c")).isTrue();
    assertThat(client.cas("c", third.cas(), "late")).isFalse();
    assertThat(client.get("c")).isNull();
    assertThat(client.gets("c")).isNull();
  }

  @Test
  void delete() throws Exception {
    assertThat(client.set("d", 0, "x")).isTrue();
    assertThat(client.delete("d")).isTrue();
    assertThat(client.get("d")).isNull();
    assertThat(client.delete("d")).isFalse();
  }

  @Test
  void incrAndDecr() throws Exception {
    assertThat(client.set("n", 0, "10")).isTrue();
    assertThat(client.incr("n", 5)).isEqualTo(15);
    assertThat(client.incr("n", 1)).isEqualTo(16);
    assertThat(client.decr("n", 6)).isEqualTo(10);
    assertThat(client.decr("n", 100)).isZero(); // decr stops at 0
    assertThat(client.incr("n", 7)).isEqualTo(7);
    assertThat(client.set("big", 0, "18446744073709551615")).isTrue();
    assertThat(client.incr("big", 2)).isEqualTo(1); // unsigned 64-bit wrap
  }

  @Test
  void incrAndDecrCreateWithDefault() throws Exception {
    assertThat(client.incrOrCreate("hits", 1, 100)).isEqualTo(100);
    assertThat(client.incrOrCreate("hits", 1, 100)).isEqualTo(101);
    assertThat(String.valueOf(client.get("hits")).trim()).isEqualTo("101");
    assertThat(client.decrOrCreate("left", 2, 7)).isEqualTo(7);
    assertThat(client.decrOrCreate("left", 2, 7)).isEqualTo(5);
  }

  @Test
  void touch() throws Exception {
    assertThat(client.set("t", 0, "x")).isTrue();
    assertThat(client.touch("t", 100)).isTrue();
    assertThat(client.get("t")).isEqualTo("x");
    assertThat(client.touch("missing", 100)).isFalse();
  }

  @Test
  void getAndTouch() throws Exception {
    assertThat(client.set("g", 0, "x")).isTrue();
    assertThat(getAndTouch("g", 100)).isEqualTo("x");
    assertThat(getAndTouch("missing", 100)).isNull();
    assertThat(client.get("g")).isEqualTo("x");
  }

  /**
   * The client's get-and-touch; where the client has none over text (spymemcached and xmemcached both refuse),
   * a raw {@code gat} on a second connection, checked to return the client's bytes.
   */
  private Object getAndTouch(String key, int exptime) throws Exception {
    if (client.supportsGetAndTouch()) {
      return client.getAndTouch(key, exptime);
    }
    try (RawClient raw = new RawClient(address())) {
      raw.send("gat " + exptime + " " + key + "\r\n");
      String header = raw.readLine();
      if (header.equals("END")) {
        return null;
      }
      assertThat(header).startsWith("VALUE " + key + " 0 ");
      String value = raw.readLine();
      assertThat(raw.readLine()).isEqualTo("END");
      return value;
    }
  }

  @Test
  void multiGetOf100KeysWithMisses() throws Exception {
    List<String> keys = new ArrayList<>();
    Map<String, Object> expected = new LinkedHashMap<>();
    for (int i = 0; i < 100; i++) {
      String key = "multi:" + i;
      keys.add(key);
      if (i % 3 != 0) {
        assertThat(client.set(key, 0, "value-" + i)).isTrue();
        expected.put(key, "value-" + i);
      }
    }
    assertThat(client.getMulti(keys)).containsExactlyInAnyOrderEntriesOf(expected);
  }

  @Test
  void oneSecondTtlExpiresWhileTouchedItemsStay() throws Exception {
    assertThat(client.set("short", 1, "gone soon")).isTrue();
    assertThat(client.set("touched", 1, "kept")).isTrue();
    assertThat(client.set("forever", 0, "kept")).isTrue();
    assertThat(client.touch("touched", 60)).isTrue();
    assertThat(client.set("gat", 1, "kept")).isTrue();
    assertThat(getAndTouch("gat", 60)).isEqualTo("kept");
    assertThat(client.get("short")).isEqualTo("gone soon");

    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(3500);
    while (client.get("short") != null && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(client.get("short")).as("an item with a 1 s TTL after up to 3.5 s").isNull();
    assertThat(client.get("touched")).isEqualTo("kept");
    assertThat(client.get("forever")).isEqualTo("kept");
    assertThat(client.get("gat")).isEqualTo("kept");
  }

  @Test
  void flushRemovesEverythingAndLaterSetsWork() throws Exception {
    for (int i = 0; i < 3; i++) {
      assertThat(client.set("f" + i, 0, "x")).isTrue();
    }
    client.flush();
    for (int i = 0; i < 3; i++) {
      assertThat(client.get("f" + i)).isNull();
    }
    assertThat(client.set("f0", 0, "after")).isTrue();
    assertThat(client.get("f0")).isEqualTo("after");
  }

  @Test
  void statsCountGetsHitsMissesAndItems() throws Exception {
    Map<String, String> before = client.stats();
    assertThat(before).containsKeys("cmd_get", "get_hits", "get_misses", "curr_items", "cmd_set", "pid",
        "uptime", "version", "curr_connections");
    assertThat(client.set("a", 0, "1")).isTrue();
    assertThat(client.set("b", 0, "2")).isTrue();
    assertThat(client.get("a")).isEqualTo("1");
    assertThat(client.get("nope")).isNull();
    Map<String, String> after = client.stats();
    assertThat(delta(before, after, "cmd_get")).isEqualTo(2);
    assertThat(delta(before, after, "get_hits")).isEqualTo(1);
    assertThat(delta(before, after, "get_misses")).isEqualTo(1);
    assertThat(delta(before, after, "cmd_set")).isEqualTo(2);
    assertThat(delta(before, after, "curr_items")).isEqualTo(2);
    assertThat(Long.parseLong(after.get("curr_connections"))).isPositive();

    assertThat(client.delete("a")).isTrue();
    assertThat(delta(after, client.stats(), "curr_items")).isEqualTo(-1);
  }

  private static long delta(Map<String, String> before, Map<String, String> after, String stat) {
    assertThat(after).containsKey(stat);
    return Long.parseLong(after.get(stat)) - Long.parseLong(before.get(stat));
  }

  @Test
  void versionMatchesTheRawReply() throws Exception {
    String version = client.version();
    assertThat(version).isNotBlank().doesNotContain(" ").doesNotContain("\r");
    try (RawClient raw = new RawClient(address())) {
      assertThat(raw.call("version")).isEqualTo("VERSION " + version);
    }
  }

  @Test
  void burstOf1000AsyncSetsThenGetsFrom4Threads() throws Exception {
    long start = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        results.add(pool.submit(() -> {
          Map<String, Object> values = new LinkedHashMap<>();
          Random random = new Random(thread);
          for (int i = 0; i < 250; i++) {
            byte[] value = new byte[1 + random.nextInt(300)];
            random.nextBytes(value);
            values.put("burst:" + thread + ":" + i, value);
          }
          client.setAllAsync(values, 0);
          int verified = 0;
          for (Map.Entry<String, Object> e : values.entrySet()) {
            assertThat((byte[]) client.get(e.getKey())).as(e.getKey()).containsExactly((byte[]) e.getValue());
            verified++;
          }
          return verified;
        }));
      }
      int total = 0;
      for (Future<Integer> f : results) {
        total += f.get(10, TimeUnit.SECONDS);
      }
      assertThat(total).isEqualTo(1000);
    } finally {
      pool.shutdownNow();
      pool.awaitTermination(5, TimeUnit.SECONDS);
    }
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(5000);
    assertThat(Long.parseLong(client.stats().get("curr_items"))).isEqualTo(1000);
  }
}
