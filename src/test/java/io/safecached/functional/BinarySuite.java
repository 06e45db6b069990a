package io.safecached.functional;

import static io.safecached.testsupport.BinaryClient.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.safecached.testsupport.BinaryClient;
import io.safecached.testsupport.BinaryClient.Response;
import io.safecached.testsupport.ServerSuite;
import io.safecached.testsupport.Target;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Binary-protocol behaviour beyond the shared suite: quiet reads and writes closed by NOOP, counters that create,
 * the STAT stream, opaque and CAS echo, and how protocol errors end a connection. Written once; a subclass picks
 * the server. Expected replies were observed on memcached 1.6.18.
 */
@Timeout(20)
abstract class BinarySuite extends ServerSuite {
  protected BinaryClient c;

  /** The suite against {@code target}. */
  BinarySuite(Target target) {
    super(target);
  }

  @Override
  protected void openClients() throws IOException {
    c = open(new BinaryClient(address()));
  }

  private Response set(String key, String value) throws IOException {
    Response r = c.call(request(BinaryClient.SET).key(key).value(value).extras(BinaryClient.storeExtras(0, 0)));
    assertThat(r.status()).as("SET %s", key).isEqualTo(BinaryClient.OK);
    return r;
  }

  @Test
  void quietReadsAnswerOnlyHitsAndNoopEndsThePipeline() throws IOException {
    set("a", "va");
    set("c", "vc");
    c.send(List.of(
        request(BinaryClient.GETQ).key("a").opaque(1),
        request(BinaryClient.GETQ).key("b").opaque(2),
        request(BinaryClient.GETKQ).key("c").opaque(3),
        request(BinaryClient.GATQ).key("a").extras(BinaryClient.exptimeExtras(100)).opaque(4),
        request(BinaryClient.GATKQ).key("b").extras(BinaryClient.exptimeExtras(100)).opaque(5),
        request(BinaryClient.GATK).key("nope").extras(BinaryClient.exptimeExtras(100)).opaque(6),
        request(BinaryClient.NOOP).opaque(7)));
    List<Response> replies = c.readUntilNoop();
    assertThat(replies).extracting(Response::opaque).containsExactly(1, 3, 4, 6, 7);
    assertThat(replies.get(0).key()).isEmpty();
    assertThat(replies.get(0).text()).isEqualTo("va");
    assertThat(replies.get(1).keyText()).isEqualTo("c");
    assertThat(replies.get(1).text()).isEqualTo("vc");
    assertThat(replies.get(2).opcode()).isEqualTo(BinaryClient.GATQ);
    assertThat(replies.get(2).text()).isEqualTo("va");
    assertThat(replies.get(3).status()).isEqualTo(BinaryClient.KEY_ENOENT);
    assertThat(replies.get(3).keyText()).isEqualTo("nope");
    assertThat(replies.get(4).opcode()).isEqualTo(BinaryClient.NOOP);
    assertThat(replies.get(4).status()).isEqualTo(BinaryClient.OK);
  }

  @Test
  void quietWritesAnswerOnlyFailures() throws IOException {
    set("exists", "x");
    c.send(List.of(
        request(BinaryClient.SETQ).key("s").value("1").extras(BinaryClient.storeExtras(0, 0)).opaque(1),
        request(BinaryClient.ADDQ).key("exists").value("2").extras(BinaryClient.storeExtras(0, 0)).opaque(2),
        request(BinaryClient.REPLACEQ).key("missing").value("3").extras(BinaryClient.storeExtras(0, 0))
            .opaque(3),
        request(BinaryClient.APPENDQ).key("s").value("0").opaque(4),
        request(BinaryClient.INCREMENTQ).key("s").extras(BinaryClient.counterExtras(5, 0, 0)).opaque(5),
        request(BinaryClient.DELETEQ).key("missing").opaque(6),
        request(BinaryClient.DELETEQ).key("exists").opaque(7),
        request(BinaryClient.NOOP).opaque(8)));
    List<Response> replies = c.readUntilNoop();
    assertThat(replies).extracting(Response::opaque).containsExactly(2, 3, 6, 8);
    assertThat(replies).extracting(Response::status)
        .containsExactly(BinaryClient.KEY_EEXISTS, BinaryClient.KEY_ENOENT, BinaryClient.KEY_ENOENT,
            BinaryClient.OK);
    Response s = c.call(request(BinaryClient.GET).key("s"));
    assertThat(s.text()).isEqualTo("15");
    assertThat(c.call(request(BinaryClient.GET).key("exists")).status()).isEqualTo(BinaryClient.KEY_ENOENT);
  }

  @Test
  void countersCreateWithTheInitialValueUnlessTheExptimeSaysNot() throws IOException {
    Response none = c.call(request(BinaryClient.INCREMENT).key("n").extras(BinaryClient.counterExtras(1, 7, -1)));
    assertThat(none.status()).isEqualTo(BinaryClient.KEY_ENOENT);
    Response created = c.call(request(BinaryClient.INCREMENT).key("n").extras(BinaryClient.counterExtras(1, 7, 0)));
    assertThat(created.status()).isEqualTo(BinaryClient.OK);
    assertThat(created.counter()).as("a created counter starts at the initial value").isEqualTo(7);
    assertThat(created.cas()).isNotZero();
    Response up = c.call(request(BinaryClient.INCREMENT).key("n").extras(BinaryClient.counterExtras(5, 7, 0)));
    assertThat(up.counter()).isEqualTo(12);
    assertThat(up.cas()).isNotEqualTo(created.cas());
    Response down = c.call(request(BinaryClient.DECREMENT).key("n").extras(BinaryClient.counterExtras(20, 0, 0)));
    assertThat(down.counter()).isZero();
    Response value = c.call(request(BinaryClient.GET).key("n"));
    assertThat(value.text()).isEqualTo("0 ");
    assertThat(value.flags()).isZero();
    set("word", "abc");
    Response bad = c.call(request(BinaryClient.INCREMENT).key("word").extras(BinaryClient.counterExtras(1, 0, 0)));
    assertThat(bad.status()).isEqualTo(BinaryClient.DELTA_BADVAL);
  }

  @Test
  void repliesEchoOpaqueAndCarryTheCas() throws IOException {
    Response stored = c.call(request(BinaryClient.SET).key("k").value("v").extras(BinaryClient.storeExtras(3, 0))
        .opaque(0xdeadbeef));
    assertThat(stored.opaque()).isEqualTo(0xdeadbeef);
    Response got = c.call(request(BinaryClient.GETK).key("k").opaque(42));
    assertThat(got.opaque()).isEqualTo(42);
    assertThat(got.cas()).isEqualTo(stored.cas());
    assertThat(got.flags()).isEqualTo(3);
    Response stale = c.call(request(BinaryClient.REPLACE).key("k").value("w").extras(BinaryClient.storeExtras(0, 0))
        .cas(stored.cas() + 1000));
    assertThat(stale.status()).as("REPLACE with a stale CAS").isEqualTo(BinaryClient.KEY_EEXISTS);
    Response deleted = c.call(request(BinaryClient.DELETE).key("k").cas(stored.cas() + 1000));
    assertThat(deleted.status()).as("DELETE with a stale CAS").isEqualTo(BinaryClient.KEY_EEXISTS);
    assertThat(c.call(request(BinaryClient.DELETE).key("k").cas(stored.cas())).status()).isEqualTo(BinaryClient.OK);
  }

  @Test
  void statsComeAsOnePacketEachEndedByAnEmptyOne() throws IOException {
    set("a", "1");
    c.send(request(BinaryClient.STAT).opaque(9));
    int count = 0;
    boolean sawCurrItems = false;
    while (true) {
      Response r = c.read();
      assertThat(r.opcode()).isEqualTo(BinaryClient.STAT);
      assertThat(r.opaque()).isEqualTo(9);
      assertThat(r.status()).isEqualTo(BinaryClient.OK);
      if (r.key().length == 0) {
        assertThat(r.value()).isEmpty();
        break;
      }
      if (r.keyText().equals("curr_items")) {
        assertThat(r.text()).isEqualTo("1");
        sawCurrItems = true;
      }
      count++;
    }
    assertThat(count).isGreaterThan(20);
    assertThat(sawCurrItems).isTrue();
    assertThat(c.call(request(BinaryClient.VERSION)).text()).matches("[0-9A-Za-z.+_-]+");
  }

  @Test
  void flushQuietAndQuitQuiet() throws IOException {
    set("a", "1");
    c.send(List.of(request(BinaryClient.FLUSHQ).opaque(1), request(BinaryClient.NOOP).opaque(2)));
    assertThat(c.readUntilNoop()).extracting(Response::opaque).containsExactly(2);
    assertThat(c.call(request(BinaryClient.GET).key("a")).status()).isEqualTo(BinaryClient.KEY_ENOENT);
    Response quit = c.call(request(BinaryClient.QUIT).opaque(3));
    assertThat(quit.status()).isEqualTo(BinaryClient.OK);
    assertThat(quit.opaque()).isEqualTo(3);
    assertThat(c.closedByPeer()).isTrue();
  }

  @Test
  void unknownOpcodeIsAnsweredAndTheConnectionGoesOn() throws IOException {
    Response r = c.call(request(0x7f).opaque(5));
    assertThat(r.status()).isEqualTo(BinaryClient.UNKNOWN_COMMAND);
    assertThat(r.opaque()).isEqualTo(5);
    assertThat(c.call(request(BinaryClient.NOOP)).status()).isEqualTo(BinaryClient.OK);
  }

  @Test
  void keyOver250BytesIsRefusedAndTheConnectionClosed() throws IOException {
    Response r = c.call(request(BinaryClient.GET).key("k".repeat(251)));
    assertThat(r.status()).isIn(BinaryClient.EINVAL, BinaryClient.UNKNOWN_COMMAND);
    assertThat(c.closedByPeer()).isTrue();
  }
}
