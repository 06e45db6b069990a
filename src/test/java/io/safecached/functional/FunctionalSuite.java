package io.safecached.functional;

import static org.assertj.core.api.Assertions.assertThat;

import io.safecached.functional.ProtocolClient.Counter;
import io.safecached.functional.ProtocolClient.Item;
import io.safecached.functional.ProtocolClient.Stored;
import io.safecached.testsupport.SingleClientSuite;
import io.safecached.testsupport.Target;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The functional suite, written once over {@link ProtocolClient}: a subclass picks the protocol (text, meta,
 * binary) and the server ({@link Target}). Every test gets a fresh server with default settings (1 MB items).
 * The same assertions run against the real memcached, so a test that passes there and fails on safecached is a
 * compatibility bug.
 */
@Timeout(20)
abstract class FunctionalSuite extends SingleClientSuite<ProtocolClient> {
  /** memcached's default item size limit (-I 1m); an item counts its key and about 50 bytes of header too. */
  static final int ITEM_LIMIT = 1024 * 1024;

  /** The suite against {@code target}, its protocol client opened by {@code connector}. */
  FunctionalSuite(Target target, Connector<ProtocolClient> connector) {
    super(target, connector);
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  static byte[] random(int length, long seed) {
    byte[] b = new byte[length];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void setGetOverwriteAndMiss() throws IOException {
    assertThat(client.set("k", 42, 0, bytes("v1"))).isEqualTo(Stored.STORED);
    Item item = client.get("k");
    assertThat(item.text()).isEqualTo("v1");
    assertThat(item.flags()).isEqualTo(42);
    assertThat(client.set("k", 7, 0, bytes("second value"))).isEqualTo(Stored.STORED);
    assertThat(client.get("k").text()).isEqualTo("second value");
    assertThat(client.get("k").flags()).isEqualTo(7);
    assertThat(client.set("empty", 0, 0, new byte[0])).isEqualTo(Stored.STORED);
    assertThat(client.get("empty").value()).isEmpty();
    assertThat(client.get("never-set")).isNull();
    assertThat(client.gets("never-set")).isNull();
  }

  @Test
  void flagsUseAll32Bits() throws IOException {
    assertThat(client.set("f", 0xFFFFFFFF, 0, bytes("x"))).isEqualTo(Stored.STORED);
    assertThat(client.get("f").flags()).isEqualTo(0xFFFFFFFF);
    assertThat(client.set("f", 0x80000000, 0, bytes("x"))).isEqualTo(Stored.STORED);
    assertThat(client.gets("f").flags()).isEqualTo(0x80000000);
  }

  @Test
  void addOnlyWhenMissingReplaceOnlyWhenPresent() throws IOException {
    assertThat(client.add("k", 1, 0, bytes("first"))).isEqualTo(Stored.STORED);
    assertThat(client.add("k", 2, 0, bytes("second"))).isEqualTo(Stored.NOT_STORED);
    assertThat(client.get("k").text()).isEqualTo("first");
    assertThat(client.replace("missing", 0, 0, bytes("x"))).isEqualTo(Stored.NOT_STORED);
    assertThat(client.get("missing")).isNull();
    assertThat(client.replace("k", 3, 0, bytes("third"))).isEqualTo(Stored.STORED);
    Item item = client.get("k");
    assertThat(item.text()).isEqualTo("third");
    assertThat(item.flags()).isEqualTo(3);
  }

  @Test
  void appendAndPrependKeepFlagsAndNeedTheItem() throws IOException {
    assertThat(client.set("s", 5, 0, bytes("mid"))).isEqualTo(Stored.STORED);
    assertThat(client.append("s", bytes("-end"))).isEqualTo(Stored.STORED);
    assertThat(client.prepend("s", bytes("start-"))).isEqualTo(Stored.STORED);
    Item item = client.get("s");
    assertThat(item.text()).isEqualTo("start-mid-end");
    assertThat(item.flags()).isEqualTo(5);
    assertThat(client.append("missing", bytes("x"))).isEqualTo(Stored.NOT_STORED);
    assertThat(client.prepend("missing", bytes("x"))).isEqualTo(Stored.NOT_STORED);
    assertThat(client.get("missing")).isNull();
  }

  @Test
  void casSucceedsThenMismatchesThenFindsNothing() throws IOException {
    assertThat(client.set("c", 0, 0, bytes("v1"))).isEqualTo(Stored.STORED);
    Item first = client.gets("c");
    assertThat(first.cas()).isNotZero();
    assertThat(client.cas("c", 9, 0, bytes("v2"), first.cas())).isEqualTo(Stored.STORED);
    Item second = client.gets("c");
    assertThat(second.text()).isEqualTo("v2");
    assertThat(second.flags()).isEqualTo(9);
    assertThat(second.cas()).isNotEqualTo(first.cas());

    assertThat(client.cas("c", 0, 0, bytes("v3"), first.cas())).isEqualTo(Stored.EXISTS);
    assertThat(client.get("c").text()).isEqualTo("v2");

    assertThat(client.delete("c")).isTrue();
    assertThat(client.cas("c", 0, 0, bytes("late"), second.cas())).isEqualTo(Stored.NOT_FOUND);
    assertThat(client.get("c")).isNull();
  }

  @Test
  void everyMutationGivesANewCasButTouchKeepsIt() throws IOException {
    assertThat(client.set("m", 0, 0, bytes("1"))).isEqualTo(Stored.STORED);
    long set = client.gets("m").cas();
    assertThat(client.append("m", bytes("0"))).isEqualTo(Stored.STORED);
    long appended = client.gets("m").cas();
    assertThat(client.incr("m", 1)).isEqualTo(Counter.ok(11));
    long incremented = client.gets("m").cas();
    assertThat(List.of(set, appended, incremented)).doesNotHaveDuplicates();
    assertThat(appended).isGreaterThan(set);
    assertThat(incremented).isGreaterThan(appended);
    assertThat(client.touch("m", 100)).isTrue();
    assertThat(client.gets("m").cas()).isEqualTo(incremented);
    assertThat(client.gat("m", 200).cas()).isEqualTo(incremented);
  }

  @Test
  void deleteHitThenMiss() throws IOException {
    assertThat(client.set("d", 0, 0, bytes("x"))).isEqualTo(Stored.STORED);
    assertThat(client.delete("d")).isTrue();
    assertThat(client.get("d")).isNull();
    assertThat(client.delete("d")).isFalse();
  }

  @Test
  void incrAndDecrWrapFloorPadAndRejectNonNumbers() throws IOException {
    assertThat(client.set("n", 3, 0, bytes("10"))).isEqualTo(Stored.STORED);
    assertThat(client.incr("n", 5)).isEqualTo(Counter.ok(15));
    assertThat(client.decr("n", 6)).isEqualTo(Counter.ok(9));
    assertThat(client.decr("n", 100)).isEqualTo(Counter.ok(0));
    assertThat(client.get("n").flags()).isEqualTo(3);

    assertThat(client.set("max", 0, 0, bytes("18446744073709551615"))).isEqualTo(Stored.STORED);
    assertThat(client.incr("max", 2)).isEqualTo(Counter.ok(1)); // unsigned 64-bit wrap
    assertThat(client.get("max").text()).isEqualTo("1" + " ".repeat(19)); // a shorter result keeps the length
    assertThat(client.incr("max", -1L)).isEqualTo(Counter.ok(0)); // a delta of 2^64-1 wraps too

    // decr keeps the old length, padding with spaces
    assertThat(client.set("pad", 0, 0, bytes("100"))).isEqualTo(Stored.STORED);
    assertThat(client.decr("pad", 1)).isEqualTo(Counter.ok(99));
    assertThat(client.get("pad").text()).isEqualTo("99 ");
    assertThat(client.incr("pad", 1)).isEqualTo(Counter.ok(100));
    assertThat(client.get("pad").text()).isEqualTo("100");

    assertThat(client.incr("missing", 1)).isEqualTo(Counter.NOT_FOUND);
    assertThat(client.decr("missing", 1)).isEqualTo(Counter.NOT_FOUND);
    assertThat(client.get("missing")).isNull();
    assertThat(client.set("word", 0, 0, bytes("abc"))).isEqualTo(Stored.STORED);
    assertThat(client.incr("word", 1)).isEqualTo(Counter.NON_NUMERIC);
    assertThat(client.decr("word", 1)).isEqualTo(Counter.NON_NUMERIC);
    assertThat(client.get("word").text()).isEqualTo("abc");
  }

  @Test
  void touchAndGetAndTouch() throws IOException {
    assertThat(client.set("t", 11, 0, bytes("x"))).isEqualTo(Stored.STORED);
    assertThat(client.touch("t", 100)).isTrue();
    assertThat(client.touch("missing", 100)).isFalse();
    Item touched = client.gat("t", 100);
    assertThat(touched.text()).isEqualTo("x");
    assertThat(touched.flags()).isEqualTo(11);
    assertThat(touched.cas()).isEqualTo(client.gets("t").cas());
    assertThat(client.gat("missing", 100)).isNull();
  }

  @Test
  void exptimesInThePastExpireAtOnce() throws IOException {
    // above 30 days an exptime is an absolute Unix time: 2592001 is in 1970
    assertThat(client.set("past", 0, 2592001, bytes("x"))).isEqualTo(Stored.STORED);
    assertThat(client.get("past")).isNull();
    assertThat(client.set("touched", 0, 0, bytes("x"))).isEqualTo(Stored.STORED);
    assertThat(client.touch("touched", 2592001)).isTrue();
    assertThat(client.get("touched")).isNull();
    assertThat(client.set("far", 0, 2592000, bytes("x"))).isEqualTo(Stored.STORED); // 30 days, relative
    assertThat(client.get("far").text()).isEqualTo("x");
  }

  @Test
  void oneSecondTtlExpiresWhileTouchedItemsStay() throws Exception {
    assertThat(client.set("short", 0, 1, bytes("gone soon"))).isEqualTo(Stored.STORED);
    assertThat(client.set("touched", 0, 1, bytes("kept"))).isEqualTo(Stored.STORED);
    assertThat(client.set("gat", 0, 1, bytes("kept"))).isEqualTo(Stored.STORED);
    assertThat(client.set("forever", 0, 0, bytes("kept"))).isEqualTo(Stored.STORED);
    assertThat(client.touch("touched", 60)).isTrue();
    assertThat(client.gat("gat", 60).text()).isEqualTo("kept");
    assertThat(client.get("short").text()).isEqualTo("gone soon");

    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(3500);
    while (client.get("short") != null && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(client.get("short")).as("an item with a 1 s TTL after up to 3.5 s").isNull();
    assertThat(client.get("touched").text()).isEqualTo("kept");
    assertThat(client.get("gat").text()).isEqualTo("kept");
    assertThat(client.get("forever").text()).isEqualTo("kept");
  }

  @Test
  void flushRemovesEverythingAndLaterStoresWork() throws IOException {
    for (int i = 0; i < 5; i++) {
      assertThat(client.set("f" + i, 0, 0, bytes("x"))).isEqualTo(Stored.STORED);
    }
    client.flush();
    for (int i = 0; i < 5; i++) {
      assertThat(client.get("f" + i)).isNull();
    }
    assertThat(client.add("f0", 0, 0, bytes("after"))).isEqualTo(Stored.STORED);
    assertThat(client.get("f0").text()).isEqualTo("after");
  }

  @Test
  void valueJustUnderTheItemLimitIsKept() throws IOException {
    byte[] big = random(ITEM_LIMIT - 1024, 1);
    assertThat(client.set("big", 0, 0, big)).isEqualTo(Stored.STORED);
    assertThat(client.get("big").value()).isEqualTo(big);
    byte[] tail = random(512, 2);
    assertThat(client.append("big", tail)).isEqualTo(Stored.STORED);
    assertThat(client.get("big").value()).hasSize(big.length + tail.length);
  }

  @Test
  void valueOverTheItemLimitIsRefusedRemovesTheOldItemAndIsSwallowed() throws IOException {
    assertThat(client.set("big", 0, 0, bytes("old"))).isEqualTo(Stored.STORED);
    assertThat(client.set("big", 0, 0, random(ITEM_LIMIT, 3))).isEqualTo(Stored.TOO_LARGE);
    assertThat(client.get("big")).as("a failed set leaves no stale value").isNull();
    // the refused data did not end up parsed as commands: the connection is in step
    assertThat(client.set("after", 0, 0, bytes("ok"))).isEqualTo(Stored.STORED);
    assertThat(client.get("after").text()).isEqualTo("ok");
    assertThat(client.set("big", 0, 0, bytes("small"))).isEqualTo(Stored.STORED);
    assertThat(client.append("big", random(ITEM_LIMIT, 4))).isEqualTo(Stored.TOO_LARGE);
    assertThat(client.get("after").text()).isEqualTo("ok");
  }

  @Test
  void valuesAreBinarySafe() throws IOException {
    byte[] all = new byte[256 * 2];
    for (int i = 0; i < all.length; i++) {
      all[i] = (byte) i;
    }
    byte[] tricky = bytes("line1\r\nEND\r\nVALUE x 0 3\r\nVA 2 f0\r\nHD\r\nMN\r\n\u0000\u0080\u00ff\r");
    assertThat(client.set("all", 0, 0, all)).isEqualTo(Stored.STORED);
    assertThat(client.set("tricky", 0, 0, tricky)).isEqualTo(Stored.STORED);
    assertThat(client.get("all").value()).isEqualTo(all);
    assertThat(client.get("tricky").value()).isEqualTo(tricky);
    assertThat(client.append("tricky", bytes("\r\n"))).isEqualTo(Stored.STORED);
    assertThat(client.getMulti(List.of("all", "tricky"))).hasSize(2);
    assertThat(client.set("after", 0, 0, bytes("ok"))).isEqualTo(Stored.STORED);
    assertThat(client.get("after").text()).isEqualTo("ok");
  }

  @Test
  void keysOfUpTo250Bytes() throws IOException {
    String longest = "k".repeat(249) + "z";
    assertThat(client.set(longest, 0, 0, bytes("long"))).isEqualTo(Stored.STORED);
    assertThat(client.get(longest).text()).isEqualTo("long");
    assertThat(client.getMulti(List.of(longest, "k"))).containsOnlyKeys(longest);
  }

  @Test
  void manyKeysStoredQuietlyThenReadInOneMultiGet() throws IOException {
    Map<String, byte[]> values = new LinkedHashMap<>();
    Random random = new Random(5);
    for (int i = 0; i < 500; i++) {
      byte[] value = new byte[random.nextInt(200)];
      random.nextBytes(value);
      values.put("many:" + i, value);
    }
    assertThat(client.quietStores(values, false)).isEmpty();
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      keys.add("many:" + i);
    }
    Map<String, Item> got = client.getMulti(keys);
    assertThat(got).containsOnlyKeys(values.keySet());
    values.forEach((k, v) -> assertThat(got.get(k).value()).as(k).isEqualTo(v));
  }

  @Test
  void quietAddsReportFailuresOnlyWhereTheProtocolDoes() throws IOException {
    assertThat(client.set("a", 0, 0, bytes("old-a"))).isEqualTo(Stored.STORED);
    assertThat(client.set("b", 0, 0, bytes("old-b"))).isEqualTo(Stored.STORED);
    Map<String, byte[]> adds = new LinkedHashMap<>();
    for (String k : List.of("a", "c", "b", "d")) {
      adds.put(k, bytes("new-" + k));
    }
    List<String> reported = client.quietStores(adds, true);
    if (client.reportsQuietFailures()) {
      assertThat(reported).containsExactly("a", "b");
    } else {
      assertThat(reported).isEmpty();
    }
    assertThat(client.get("a").text()).isEqualTo("old-a");
    assertThat(client.get("b").text()).isEqualTo("old-b");
    assertThat(client.get("c").text()).isEqualTo("new-c");
    assertThat(client.get("d").text()).isEqualTo("new-d");
  }

  @Test
  void pipelinedSetsAreAnsweredInOrder() throws IOException {
    Map<String, byte[]> values = new LinkedHashMap<>();
    for (int i = 0; i < 100; i++) {
      values.put("p" + i, bytes("value-" + i + "\r\n"));
    }
    assertThat(client.pipelinedSets(values)).hasSize(100).containsOnly(Stored.STORED);
    Map<String, Item> got = client.getMulti(new ArrayList<>(values.keySet()));
    assertThat(got).hasSize(100);
    assertThat(got.get("p42").text()).isEqualTo("value-42\r\n");
  }

  @Test
  void versionIsOneToken() throws IOException {
    assertThat(client.version()).isNotBlank().doesNotContain(" ").matches("[0-9A-Za-z.+_-]+");
  }
}
