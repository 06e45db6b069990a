package io.safecached.functional;

import static org.assertj.core.api.Assertions.assertThat;

import io.safecached.testsupport.MetaClient;
import io.safecached.testsupport.MetaClient.Reply;
import io.safecached.testsupport.RawClient;
import io.safecached.testsupport.ServerSuite;
import io.safecached.testsupport.Target;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Meta-protocol behaviour that only raw meta requests reach: the anti-stampede tokens with two clients, base64
 * keys, opaque tokens in pipelines, quiet mode closed by mn, item introspection. Written once; a subclass picks
 * the server. Expected replies were observed on memcached 1.6.18.
 */
@Timeout(20)
abstract class MetaSuite extends ServerSuite {
  /** Two connections to the same fresh server, as two competing cache clients. */
  protected MetaClient a;
  protected MetaClient b;

  /** The suite against {@code target}. */
  MetaSuite(Target target) {
    super(target);
  }

  @Override
  protected void openClients() throws IOException {
    a = open(new MetaClient(address()));
    b = open(new MetaClient(address()));
  }

  /** The letters of the reply's flags in order, values dropped ("s0 c5 t30 W" -> "s c t W"). */
  private static String letters(Reply r) {
    return r.flags().stream().map(f -> f.substring(0, 1)).collect(Collectors.joining(" "));
  }

  private static void assertTtl(Reply r, long expected) {
    assertThat(r.number('t')).as("TTL in " + r).isBetween(expected - 1, expected);
  }

  @Test
  void vivifyOnMissLetsTheFirstClientWinAndTellsTheSecondSomeoneElseDid() throws IOException {
    Reply first = a.call("mg foo s c v N30 t");
    assertThat(first.code()).isEqualTo("VA");
    assertThat(first.value()).isEmpty();
    assertThat(letters(first)).isEqualTo("s c t W");
    assertThat(first.flag('s')).isEqualTo("0");
    assertTtl(first, 30);

    Reply second = b.call("mg foo s c v N30 t");
    assertThat(second.code()).isEqualTo("VA");
    assertThat(letters(second)).isEqualTo("s c t Z");
    assertThat(second.flag('c')).isEqualTo(first.flag('c'));

    // the winner fills the item with the CAS it was given; then nobody is told to recache
    assertThat(a.call("ms foo 5 T60 C" + first.flag('c'), "fresh").line()).isEqualTo("HD");
    Reply after = b.call("mg foo s v t");
    assertThat(after.text()).isEqualTo("fresh");
    assertThat(letters(after)).isEqualTo("s t");
    assertTtl(after, 60);
  }

  @Test
  void invalidatedItemIsServedStaleWithOneWinnerUntilRefreshed() throws IOException {
    assertThat(a.call("ms bar 3 T30", "old").line()).isEqualTo("HD");
    long before = a.call("mg bar c").number('c');
    assertThat(a.call("md bar I T30").line()).isEqualTo("HD");

    Reply winner = a.call("mg bar s c v t");
    assertThat(winner.text()).isEqualTo("old");
    assertThat(letters(winner)).isEqualTo("s c t X W");
    assertThat(winner.number('c')).as("md I gives the item a new CAS").isGreaterThan(before);
    Reply loser = b.call("mg bar s c v t");
    assertThat(loser.text()).isEqualTo("old");
    assertThat(letters(loser)).isEqualTo("s c t Z X");

    // an ms with the CAS from before the invalidation is refused; the winner's CAS goes through
    assertThat(b.call("ms bar 4 T30 C" + before, "late").line()).isEqualTo("EX");
    assertThat(a.call("ms bar 3 T30 C" + winner.flag('c'), "new").line()).isEqualTo("HD");
    Reply fresh = b.call("mg bar s c v t");
    assertThat(fresh.text()).isEqualTo("new");
    assertThat(letters(fresh)).isEqualTo("s c t");
  }

  @Test
  void setWithInvalidateAcceptsAnOlderCasAndMarksTheItemStale() throws IOException {
    assertThat(a.call("ms foo 2", "v1").line()).isEqualTo("HD");
    long older = a.call("mg foo c").number('c');
    assertThat(a.call("ms foo 2", "v2").line()).isEqualTo("HD");
    long current = a.call("mg foo c").number('c');
    assertThat(current).isGreaterThan(older);

    assertThat(b.call("ms foo 2 C" + older, "v3").line()).as("without I an older CAS is a conflict").isEqualTo("EX");
    assertThat(b.call("ms foo 2 C" + older + " I", "v3").line()).isEqualTo("HD");
    Reply winner = a.call("mg foo c v");
    assertThat(winner.text()).isEqualTo("v3");
    assertThat(letters(winner)).isEqualTo("c X W");
    Reply loser = b.call("mg foo c v");
    assertThat(letters(loser)).isEqualTo("c Z X");
    assertThat(loser.number('c')).isEqualTo(winner.number('c'));
  }

  @Test
  void recacheTokenGoesToTheFirstReaderBelowTheThreshold() throws IOException {
    assertThat(a.call("ms k1 2 T10", "v1").line()).isEqualTo("HD");
    Reply first = a.call("mg k1 R30 v c t");
    assertThat(letters(first)).isEqualTo("c t W");
    Reply second = b.call("mg k1 R30 v c t");
    assertThat(letters(second)).isEqualTo("c t Z");
    assertThat(b.call("mg k1 v").line()).as("Z stays until the item is replaced").isEqualTo("VA 2 Z");
    assertThat(a.call("ms k2 2 T100", "v2").line()).isEqualTo("HD");
    assertThat(a.call("mg k2 R30 v").line()).as("TTL above the threshold: no token").isEqualTo("VA 2");
  }

  @Test
  void base64KeysAreStoredRawAndReEncodedInReplies() throws IOException {
    assertThat(a.call("ms Zm9vYmFy 2 b", "hi").line()).isEqualTo("HD");
    try (RawClient text = new RawClient(address())) {
      text.send("get foobar\r\n");
      assertThat(text.readUntil("END\r\n")).isEqualTo("VALUE foobar 0 2\r\nhi\r\nEND\r\n");
    }
    Reply r = b.call("mg Zm9vYmFy b k v O123");
    assertThat(r.line()).isEqualTo("VA 2 kZm9vYmFy b O123");
    assertThat(r.text()).isEqualTo("hi");
    // a key set in plain text is returned in plain text even when asked for in base64
    assertThat(a.call("ms foo 1", "x").line()).isEqualTo("HD");
    assertThat(a.call("mg Zm9v b k O9").line()).isEqualTo("HD kfoo O9");

    a.send("md Zm9vYmFy b q").send("mg Zm9vYmFy b k v q").send("mn");
    assertThat(a.readUntilNoop()).extracting(Reply::line).containsExactly("MN");
    assertThat(a.call("mg foobar v").line()).isEqualTo("EN");
    assertThat(a.call("mg !!!! b v").line()).isEqualTo("CLIENT_ERROR error decoding key");
  }

  @Test
  void opaqueTokensIdentifyRepliesInAQuietPipeline() throws IOException {
    assertThat(a.call("ms k1 2", "v1").line()).isEqualTo("HD");
    assertThat(a.call("ms k3 2", "v3").line()).isEqualTo("HD");
    String pipeline = "mg k1 v q O1 k\r\n"
        + "mg k2 v q O2 k\r\n"
        + "mg k3 v q Oabc k\r\n"
        + "ms k4 2 q O4\r\nv4\r\n"
        + "ms k1 2 q C999999 O5\r\nzz\r\n"
        + "md nope q O6\r\n"
        + "md k3 q O7\r\n"
        + "ma nope q O8\r\n"
        + "mn\r\n";
    a.sendRaw(pipeline.getBytes(StandardCharsets.ISO_8859_1));
    List<Reply> replies = a.readUntilNoop();
    assertThat(replies).extracting(Reply::line)
        .containsExactly("VA 2 O1 kk1", "VA 2 Oabc kk3", "EX O5", "NF O6", "NF O8", "MN");
    assertThat(replies.get(0).text()).isEqualTo("v1");
    assertThat(replies.get(1).text()).isEqualTo("v3");
    assertThat(b.call("mg k4 v").text()).isEqualTo("v4");
    assertThat(b.call("mg k3 v").line()).isEqualTo("EN");
  }

  @Test
  void quietSuccessesAreSilentUntilNoopButErrorsAreNot() throws IOException {
    a.send("ms q1 1 q", "a".getBytes(StandardCharsets.ISO_8859_1))
        .send("ms q2 1 q", "b".getBytes(StandardCharsets.ISO_8859_1))
        .send("ms q3 1 q", "5".getBytes(StandardCharsets.ISO_8859_1))
        .send("ma q3 q")
        .send("md q1 q")
        .send("mg q1 v q")
        .send("mg q2 v q")
        .send("mg q2 v v q")
        .send("mn");
    List<Reply> replies = a.readUntilNoop();
    assertThat(replies).extracting(Reply::line).containsExactly("VA 1", "CLIENT_ERROR duplicate flag", "MN");
    assertThat(replies.get(0).text()).isEqualTo("b");
    assertThat(b.call("mg q3 v").text()).isEqualTo("6");
    assertThat(b.call("mn").line()).isEqualTo("MN");
    assertThat(b.call("mz foo").line()).isEqualTo("ERROR");
  }

  @Test
  void arithmeticCreatesCountsAndReturnsFlagsInRequestOrder() throws IOException {
    assertThat(a.call("ms n 2", "10").line()).isEqualTo("HD");
    Reply up = a.call("ma n v");
    assertThat(up.line()).isEqualTo("VA 2");
    assertThat(up.text()).isEqualTo("11");
    Reply down = a.call("ma n MD D20 v c t");
    assertThat(letters(down)).isEqualTo("c t");
    assertThat(down.flag('t')).isEqualTo("-1");
    assertThat(down.text()).isEqualTo("0");
    assertThat(a.call("mg n v").text()).as("decr keeps the stored length").isEqualTo("0 ");
    assertThat(a.call("ma x v").line()).isEqualTo("NF");
    assertThat(a.call("ma x N0 J10 v").text()).isEqualTo("10");
    assertThat(a.call("ma x MI D5 v").text()).isEqualTo("15");
    assertThat(a.call("ma x MD v").text()).isEqualTo("14");
    assertThat(a.call("ms w 3", "abc").line()).isEqualTo("HD");
    assertThat(a.call("ma w v").line()).isEqualTo("CLIENT_ERROR cannot increment or decrement non-numeric value");
  }

  @Test
  void metaGetReturnsFlagsInRequestOrderAndTracksFetches() throws IOException {
    assertThat(a.call("ms n 2 F7", "ab").line()).isEqualTo("HD");
    Reply first = a.call("mg n s v f t c k h l O99");
    assertThat(letters(first)).isEqualTo("s f t c k h l O");
    assertThat(first.line()).matches("VA 2 s2 f7 t-1 c[0-9]+ kn h0 l[0-9]+ O99");
    assertThat(a.call("mg n h l").line()).matches("HD h1 l[0-9]+");
    assertThat(a.call("mg n k c").line()).isEqualTo("HD kn c" + first.flag('c'));
    assertThat(a.call("mg missing k O5 v").line()).as("a miss still echoes k and O").isEqualTo("EN kmissing O5");
  }

  @Test
  void metaDebugShowsExpiryCasAndFetchState() throws IOException {
    Reply set = a.call("ms d 2 T0 c", "ab");
    assertThat(set.code()).isEqualTo("HD");
    long cas = set.number('c');
    assertThat(a.call("me d").line())
        .matches("ME d exp=-1 la=[0-9]+ cas=" + cas + " fetch=no cls=[0-9]+ size=[0-9]+");
    assertThat(a.call("mg d v").text()).isEqualTo("ab");
    assertThat(a.call("me d").line()).matches("ME d exp=-1 la=[0-9]+ cas=" + cas + " fetch=yes cls=[0-9]+ size=[0-9]+");
    assertThat(a.call("ms e 1 T100", "x").line()).isEqualTo("HD");
    // 1.6.18 prints the seconds left negated (exp=-100; fixed in later releases): the magnitude is what counts here
    assertThat(a.call("me e").line()).matches("ME e exp=-?(99|100) la=[0-9]+ cas=[0-9]+ fetch=no cls=[0-9]+ size=[0-9]+");
    assertThat(a.call("me nope").line()).isEqualTo("EN");
  }
}
