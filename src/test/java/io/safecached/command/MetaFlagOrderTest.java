package io.safecached.command;

import static io.safecached.command.CommandFixture.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.safecached.command.Result.Meta;
import io.safecached.command.Result.MetaCode;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * mg's and ma's T, N, R and t act in the order the line gives them, as in memcached 1.6.18 (the differential
 * fuzzer found safecached ignoring the order); {@code steps} is what MetaParser makes of the line.
 */
class MetaFlagOrderTest {
  private final CommandFixture f = new CommandFixture();

  private Meta mg(String key, Long touch, Long vivify, Long recache, String steps) {
    return (Meta) f.run(new Command.MetaGet(bytes(key), true, 0, 0, touch, vivify, recache, false, false, false,
        steps));
  }

  private Meta ma(String key, Long vivify, Long ttl, String steps) {
    return (Meta) f.run(new Command.MetaArithmetic(bytes(key), true, 1, 0, vivify, ttl, 0, 0, false, steps));
  }

  @Test
  void mgTBeforeCapitalTReportsTheOldTtl() {
    f.set("a", 0, 0, "1");
    // mg a t T1000
    assertThat(mg("a", 1000L, null, null, "tT").item().ttl()).isEqualTo(-1);
    assertThat(mg("a", null, null, null, "t").item().ttl()).isEqualTo(1000);
    // mg a T2000 t
    assertThat(mg("a", 2000L, null, null, "Tt").item().ttl()).isEqualTo(2000);
  }

  @Test
  void mgNAfterTGivesAVivifiedItemTheTtlOfN() {
    // mg b T-1 N1000 v: T expires the new item at once, then N gives it 1000 s
    Meta created = mg("b", -1L, 1000L, null, "TN");
    assertThat(created.won()).isTrue();
    assertThat(f.value("b")).as("mg b v afterwards").isEqualTo("");
    // the other way round the item is expired by the time the request ends
    mg("c", -1L, 1000L, null, "NT");
    assertThat(f.value("c")).isNull();
  }

  @Test
  void mgRBeforeTComparesTheOldTtl() {
    f.set("c", 0, 0, "1");
    // mg c R30 T10: the item has no TTL when R looks, so no win; T then sets 10 s
    Meta m = mg("c", 10L, null, 30L, "RT");
    assertThat(m.won()).isFalse();
    // mg c T10 R30: T first, and 10 s left is below the recache threshold
    f.set("d", 0, 0, "1");
    assertThat(mg("d", 10L, null, 30L, "TR").won()).isTrue();
  }

  @Test
  void mgWithAnOverLongOpaqueAfterNHasCreatedTheItemWithoutHandingOutTheToken() {
    // mg a N1000 O<33 bytes>: memcached creates the item, gives it N's TTL, and answers the opaque error
    mg("a", null, 1000L, null, "NO");
    assertThat(f.value("a")).isEqualTo("");
    assertThat(f.item("a").tokenSent()).isFalse();
    assertThat(mg("a", null, null, null, "").tokenSent()).isFalse();
    // mg b O<33 bytes> N1000: created before the walk, which stops before N gives it a TTL
    mg("b", null, 1000L, null, "O");
    f.clock.advance(2000, TimeUnit.SECONDS);
    assertThat(f.value("b")).isEqualTo("");
  }

  @Test
  void maTBeforeNReportsNoTtlForTheItemItCreates() {
    // ma a t N1000
    assertThat(ma("a", 1000L, null, "tN").item().ttl()).isEqualTo(-1);
    assertThat(f.item("a").expiresAt()).isNotZero();
    // ma b N1000 t
    assertThat(ma("b", 1000L, null, "Nt").item().ttl()).isEqualTo(1000);
    // ma c N100000 t T1000: t sees N's TTL, T then sets its own
    assertThat(ma("c", 100000L, 1000L, "NtT").item().ttl()).isEqualTo(100000);
    assertThat(mg("c", null, null, null, "t").item().ttl()).isEqualTo(1000);
  }

  @Test
  void maOnAHitAppliesTOnlyWhenItsTurnComes() {
    f.set("n", 0, 0, "1");
    assertThat(ma("n", null, 1000L, "tT").item().ttl()).isEqualTo(-1);
    assertThat(ma("n", null, 2000L, "Tt").item().ttl()).isEqualTo(2000);
    assertThat(ma("n", null, null, "t").code()).isEqualTo(MetaCode.HD);
  }

  @Test
  void maTOnANumberThatGrowsLeavesTheTtlAsItWas() {
    // set a 1 100000 1 / 5, ma a D5 T1000: memcached's T changes the old item, the new "10" keeps 100000 s
    f.set("a", 1, 100000, "5");
    Meta m = (Meta) f.run(new Command.MetaArithmetic(bytes("a"), true, 5, 0, null, 1000L, 0, 0, false, "Tt"));
    assertThat(m.item().ttl()).as("t after T reports what T set on the old item").isEqualTo(1000);
    assertThat(mg("a", null, null, null, "t").item().ttl()).isEqualTo(100000);
    // in place ("10" to "15") T applies
    f.run(new Command.MetaArithmetic(bytes("a"), true, 5, 0, null, 1000L, 0, 0, false, null));
    assertThat(mg("a", null, null, null, "t").item().ttl()).isEqualTo(1000);
  }
}
