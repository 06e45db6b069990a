package io.safecached.command;

import static io.safecached.command.CommandFixture.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.safecached.command.Command.StoreMode;
import io.safecached.command.Result.Meta;
import io.safecached.command.Result.MetaCode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** memcached's anti-stampede tokens: exactly one client wins (W) a vivified, recache-due or stale item. */
class StampedeTest {
  private final CommandFixture f = new CommandFixture();

  private Meta mg(Long vivify, Long recache) {
    return (Meta) f.run(new Command.MetaGet(bytes("k"), true, 0, 0, null, vivify, recache, false, false));
  }

  @Test
  void vivifyOnMissCreatesAnEmptyItemAndTheCreatorWins() {
    Meta first = mg(30L, null);
    assertThat(first.code()).isEqualTo(MetaCode.VA);
    assertThat(first.item().value()).isEmpty();
    assertThat(first.won()).isTrue();
    assertThat(first.tokenSent()).isFalse();
    assertThat(first.item().ttl()).isEqualTo(30);
    Meta second = mg(30L, null);
    assertThat(second.won()).isFalse();
    assertThat(second.tokenSent()).isTrue();
  }

  @Test
  void recacheWinsOnceWhenTheTtlIsBelowTheThreshold() {
    f.set("k", 0, 10, "v");
    assertThat(mg(null, 5L).won()).as("10 s left is above a 5 s threshold").isFalse();
    Meta first = mg(null, 30L);
    assertThat(first.won()).isTrue();
    assertThat(first.tokenSent()).isFalse();
    Meta second = mg(null, 30L);
    assertThat(second.won()).isFalse();
    assertThat(second.tokenSent()).isTrue();
  }

  @Test
  void recacheNeverWinsForAnItemWithoutTtl() {
    f.set("k", "v");
    assertThat(mg(null, 30L).won()).isFalse();
  }

  @Test
  void invalidatedItemIsStaleAndWonOnce() {
    f.set("k", "v");
    long cas = f.cas("k");
    Meta del = (Meta) f.run(new Command.MetaDelete(bytes("k"), 0, 0, true, 30L, false, false));
    assertThat(del.code()).isEqualTo(MetaCode.HD);
    assertThat(f.cas("k")).isNotEqualTo(cas);
    Meta first = mg(null, null);
    assertThat(first.stale()).isTrue();
    assertThat(first.won()).isTrue();
    assertThat(first.tokenSent()).isFalse();
    assertThat(first.item().ttl()).isEqualTo(30);
    Meta second = mg(null, null);
    assertThat(second.stale()).isTrue();
    assertThat(second.won()).isFalse();
    assertThat(second.tokenSent()).isTrue();
  }

  @Test
  void getGatAndTheBinaryGetOfAStaleItemLeaveTheTokenToTheNextMg() {
    f.set("k", "v");
    f.run(new Command.MetaDelete(bytes("k"), 0, 0, true, null, false, false));
    Result.Values text = (Result.Values) f.run(new Command.Get(List.of(bytes("k")), false, null));
    assertThat(text.hits()).as("a stale item is still served to get").hasSize(1);
    f.run(new Command.Get(List.of(bytes("k")), false, 30L));
    Meta binary = (Meta) f.run(Command.MetaGet.value(bytes("k"), false));
    assertThat(binary.won()).isFalse();
    assertThat(binary.tokenSent()).as("no token went out to the plain gets").isFalse();
    Meta first = mg(null, null);
    assertThat(first.won()).as("memcached hands the token only to mg").isTrue();
  }

  @Test
  void setWithOlderCasAndInvalidateStoresStaleAndKeepsTheToken() {
    f.set("k", "v1");
    long old = f.cas("k");
    f.set("k", "v2");
    mg(null, null);
    Meta r = (Meta) f.run(new Command.MetaSet(bytes("k"), StoreMode.SET, bytes("v3"), 0, 0, old, 0, true, null,
        false, false));
    assertThat(r.code()).isEqualTo(MetaCode.HD);
    assertThat(f.value("k")).isEqualTo("v3");
    assertThat(f.item("k").stale()).isTrue();
    Meta without = (Meta) f.run(new Command.MetaSet(bytes("k"), StoreMode.SET, bytes("v4"), 0, 0, old, 0, false,
        null, false, false));
    assertThat(without.code()).as("an older CAS without I").isEqualTo(MetaCode.EX);
  }

  @Test
  void storingWithTheCurrentCasClearsStale() {
    f.set("k", "v");
    f.run(new Command.MetaDelete(bytes("k"), 0, 0, true, null, false, false));
    long cas = f.cas("k");
    f.run(new Command.MetaSet(bytes("k"), StoreMode.SET, bytes("fresh"), 0, 0, cas, 0, true, null, false, false));
    Meta after = mg(null, null);
    assertThat(after.stale()).isFalse();
    assertThat(after.won()).isFalse();
    assertThat(after.tokenSent()).isFalse();
  }

  @Test
  void concurrentClientsProduceExactlyOneWinner() throws Exception {
    f.set("k", 0, 10, "v");
    int clients = 8;
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Boolean>> wins = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        wins.add(pool.submit(() -> {
          start.await();
          return mg(null, 60L).won();
        }));
      }
      start.countDown();
      int winners = 0;
      for (Future<Boolean> w : wins) {
        winners += w.get(10, TimeUnit.SECONDS) ? 1 : 0;
      }
      assertThat(winners).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }
}
