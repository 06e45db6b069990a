package io.safecached.differential;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The differential script format, its escapes, and the normalisation of replies. */
class ScriptFormatTest {

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  void parsesHeaderStepsOptionsAndDiffersMarkers() {
    Script s = Script.parse("t.txt", """
        # a comment
        # flags: -I 2k -F
        # stats-compare: cmd_get get_hits
        # volatile: bytes_read

        === first
        set k 0 0 1
        a

        === second | quiet=500 sleep=10 reconnect stats=curr_items+bytes mask=bytes
        # differs: on purpose
        get k\\c
        === third | close
        quit
        """);
    assertThat(s.flags()).containsExactly("-I", "2k", "-F");
    assertThat(s.statsCompare()).containsExactly("cmd_get", "get_hits");
    assertThat(s.volatileStats()).containsExactly("bytes_read");
    assertThat(s.steps()).hasSize(3);
    Script.Step first = s.steps().get(0);
    assertThat(first.name()).isEqualTo("first");
    assertThat(first.line()).isEqualTo(6);
    assertThat(first.mode()).isEqualTo(Script.Mode.SENTINEL);
    assertThat(first.bytes(Map.of())).isEqualTo(bytes("set k 0 0 1\r\na\r\n"));
    Script.Step second = s.steps().get(1);
    assertThat(second.mode()).isEqualTo(Script.Mode.QUIET);
    assertThat(second.quietMillis()).isEqualTo(500);
    assertThat(second.sleepMillis()).isEqualTo(10);
    assertThat(second.reconnect()).isTrue();
    assertThat(second.differs()).isEqualTo("on purpose");
    assertThat(second.effectiveStatsCompare(s)).containsExactly("curr_items", "bytes");
    assertThat(second.effectiveVolatile(s)).containsExactly("bytes_read", "bytes");
    assertThat(first.effectiveVolatile(s)).containsExactly("bytes_read");
    assertThat(second.bytes(Map.of())).isEqualTo(bytes("get k"));
    assertThat(s.steps().get(2).mode()).isEqualTo(Script.Mode.CLOSE);
    assertThat(s.steps().get(2).effectiveStatsCompare(s)).containsExactly("cmd_get", "get_hits");
  }

  @Test
  void decodesEscapesRepetitionsAndCasReferences() {
    Script s = Script.parse("t.txt", """
        === e
        a\\r\\n\\t\\0\\\\\\x7f\\xFF\\{b\\}\\c
        {ab*3}{\\r\\n*2}{x*1k}\\c
        cas k 0 0 1 {cas:k}
        """);
    Script.Step e = s.steps().get(0);
    byte[] expected = new byte[1024];
    java.util.Arrays.fill(expected, (byte) 'x');
    String prefix = "a\r\n\t\0\\\u007f\u00ff{b}ababab\r\n\r\n";
    String want = prefix + new String(expected, StandardCharsets.ISO_8859_1) + "cas k 0 0 1 42\r\n";
    assertThat(new String(e.bytes(Map.of("k", "42")), StandardCharsets.ISO_8859_1)).isEqualTo(want);
    assertThat(new String(e.bytes(Map.of()), StandardCharsets.ISO_8859_1)).endsWith("cas k 0 0 1 0\r\n");
    assertThat(e.describe()).contains("{cas:k}");
  }

  @Test
  void rejectsMistakes() {
    assertThatThrownBy(() -> Script.parse("t.txt", "get k\n")).hasMessageContaining("before the first");
    assertThatThrownBy(() -> Script.parse("t.txt", "=== x | loud\nget k\n")).hasMessageContaining("loud");
    assertThatThrownBy(() -> Script.parse("t.txt", "=== x\nget {k}\n")).hasMessageContaining("t.txt:2");
    assertThatThrownBy(() -> Script.parse("t.txt", "=== x\nget \\q\n")).hasMessageContaining("\\q");
    assertThatThrownBy(() -> Script.parse("t.txt", "=== x\n# differs:\nget k\n")).hasMessageContaining("reason");
    assertThatThrownBy(() -> Script.parse("t.txt", "# nothing\n")).hasMessageContaining("no steps");
    assertThatThrownBy(() -> ServerFlags.safecachedSettings(java.util.List.of("-U", "1")))
        .hasMessageContaining("-U");
  }

  @Test
  void showIsTheInverseNotationOfTheEscapes() {
    byte[] b = bytes("VALUE k 0 3\r\n\u0000\u00ff\t" + "a".repeat(40) + "{");
    String shown = Escapes.show(b, 1000);
    assertThat(shown).isEqualTo("VALUE k 0 3\\r\\n\\x00\\xff\\t{a*40}\\{");
    Script s = Script.parse("t.txt", "=== x\n" + shown + "\\c\n");
    assertThat(s.steps().get(0).bytes(Map.of())).isEqualTo(b);
  }

  @Test
  void normalisesCasVersionAndVolatileStatsButNotData() {
    Normaliser n = new Normaliser();
    String reply = "VALUE a 0 12 77\r\nVERSION 1.0\r\n\r\nVALUE b 1 1 78\r\nx\r\nVALUE a 0 1 77\r\ny\r\nEND\r\n"
        + "VERSION 1.6.18\r\nSTAT pid 123\r\nSTAT rusage_user 0.1\r\nSTAT bytes_read 10\r\n"
        + "STAT cmd_get 3\r\nSTAT other 1\r\nEND\r\n";
    Normaliser.Normalised out = n.normalise(bytes(reply), Set.of("pid", "rusage_user", "bytes_read", "cmd_get"),
        Set.of("bytes_read"));
    assertThat(out.text()).isEqualTo("VALUE a 0 12 <cas#1>\r\nVERSION 1.0\r\n\r\nVALUE b 1 1 <cas#2>\r\nx\r\n"
        + "VALUE a 0 1 <cas#1>\r\ny\r\nEND\r\nVERSION <version>\r\nSTAT pid <volatile>\r\n"
        + "STAT rusage_user <volatile>\r\nSTAT bytes_read <volatile>\r\nSTAT cmd_get 3\r\nEND\r\n");
    assertThat(out.statNames()).containsExactly("pid", "rusage_user", "bytes_read", "cmd_get", "other");
    assertThat(n.lastCasByKey()).containsEntry("a", "77").containsEntry("b", "78");
    // numbering goes on across replies of one run
    assertThat(n.normalise(bytes("VALUE c 0 0 99\r\n\r\nEND\r\n"), null, Set.of()).text())
        .isEqualTo("VALUE c 0 0 <cas#3>\r\n\r\nEND\r\n");
  }

  @Test
  void differentRawRepliesStayDifferent() {
    String a = new Normaliser().normalise(bytes("VALUE a 0 1 5\r\nx\r\nVALUE a 0 1 5\r\nx\r\n"), null, Set.of())
        .text();
    String b = new Normaliser().normalise(bytes("VALUE a 0 1 5\r\nx\r\nVALUE a 0 1 6\r\nx\r\n"), null, Set.of())
        .text();
    assertThat(a).isNotEqualTo(b);
    String c = new Normaliser().normalise(bytes("STAT cmd_get 1\r\n"), null, Set.of()).text();
    String d = new Normaliser().normalise(bytes("STAT cmd_get 2\r\n"), null, Set.of()).text();
    assertThat(c).isNotEqualTo(d);
  }

  @Test
  void countsVersionCommandsOnlyAtLineStarts() {
    assertThat(ScriptRunner.countVersionLines(
        bytes("version\r\nget version\r\nversion\nversions\r\n  version extra\r\nversion\textra\r\n")))
        .isEqualTo(3);
  }

  @Test
  void everyShippedScriptParsesAndUsesOnlyKnownFlags() throws Exception {
    var files = DifferentialSuite.scriptFiles();
    assertThat(files).isNotEmpty();
    for (Path f : files) {
      Script s = Script.parse(f.getFileName().toString(), Files.readString(f));
      assertThat(ServerFlags.memcachedArgs(s.flags())).isNotNull();
      assertThat(s.binary()).as(s.name() + " says '# protocol: binary' exactly when it is binary-*.txt")
          .isEqualTo(DifferentialSuite.Kind.of(s.name()) == DifferentialSuite.Kind.BINARY);
    }
  }

  @Test
  void normalisesMetaCasFlagsAndMeCasButNotDataOrOtherFlags() {
    Normaliser n = new Normaliser();
    String reply = "HD c77 kfoo\r\nVA 3 kfoo c77 t-1\r\nc99\r\nEX\r\nEN kbar Oc5\r\n"
        + "ME foo exp=-1 la=0 cas=78 fetch=no cls=1 size=68\r\nVA 2 c78 b kZm9v\r\nHD\r\nMN\r\n";
    assertThat(n.normalise(bytes(reply), null, Set.of()).text()).isEqualTo(
        "HD c<cas#1> kfoo\r\nVA 3 kfoo c<cas#1> t-1\r\nc99\r\nEX\r\nEN kbar Oc5\r\n"
        + "ME foo exp=-1 la=0 cas=<cas#2> fetch=no cls=1 size=68\r\nVA 2 c<cas#2> b kZm9v\r\nHD\r\nMN\r\n");
    assertThat(n.lastCasByKey()).containsEntry("foo", "78").containsEntry("Zm9v", "78");
    // a different cas stays different, and a VA length is not a cas
    assertThat(new Normaliser().normalise(bytes("HD c1\r\nHD c2\r\n"), null, Set.of()).text())
        .isEqualTo("HD c<cas#1>\r\nHD c<cas#2>\r\n");
    assertThat(new Normaliser().normalise(bytes("VA 12 c1\r\nVERSION 1.0\r\n\r\n"), null, Set.of()).text())
        .isEqualTo("VA 12 c<cas#1>\r\nVERSION 1.0\r\n\r\n");
  }

  @Test
  void parsesBinaryRequestLinesIntoPackets() {
    Script s = Script.parse("b.txt", """
        # protocol: binary
        === b
        set key=k value=v\\x20w flags=0xdeadbeef exp=100 opaque=7
        incr key=n delta=2 initial=5 exp=0xffffffff
        get key={k*3} cas={cas:k} opaque=0x10
        0x1f extras=00.01 keylen=300 bodylen=1 magic=0x81
        raw 80 0a
        """);
    assertThat(s.binary()).isTrue();
    Script.Step step = s.steps().get(0);
    assertThat(step.requests()).hasSize(4);
    byte[] b = step.bytes(Map.of("k", "4294967297"));
    String hex = BinaryPackets.hex(b);
    assertThat(hex).startsWith("8001000108000000" + "0000000c" + "00000007" + "0000000000000000"
        + "deadbeef00000064" + "6b" + "762077");
    int incr = 24 + 12;
    assertThat(hex.substring(2 * incr)).startsWith("8005000114000000" + "00000015" + "00000000" + "0000000000000000"
        + "0000000000000002" + "0000000000000005" + "ffffffff" + "6e");
    int get = incr + 24 + 21;
    assertThat(hex.substring(2 * get)).startsWith("8000000300000000" + "00000003" + "00000010" + "0000000100000001"
        + "6b6b6b");
    int odd = get + 24 + 3;
    assertThat(hex.substring(2 * odd)).isEqualTo("811f012c02000000" + "00000001" + "00000000" + "0000000000000000"
        + "0001" + "800a");
    assertThat(step.describe()).contains("set extras=deadbeef00000064 key=k value=v w opaque=0x7;")
        .contains("cas={cas:k}");
  }

  @Test
  void rejectsBinaryMistakes() {
    assertThatThrownBy(() -> Script.parse("b.txt", "# protocol: binary\n=== x\nfrob key=a\n"))
        .hasMessageContaining("b.txt:3").hasMessageContaining("frob");
    assertThatThrownBy(() -> Script.parse("b.txt", "# protocol: binary\n=== x\nget key=a key=b\n"))
        .hasMessageContaining("twice");
    assertThatThrownBy(() -> Script.parse("b.txt", "# protocol: binary\n=== x\nget flags=1\n"))
        .hasMessageContaining("not used by get");
    assertThatThrownBy(() -> Script.parse("b.txt", "# protocol: binary\n=== x\nset extras=0 flags=1\n"))
        .hasMessageContaining("excludes");
    assertThatThrownBy(() -> Script.parse("b.txt", "# protocol: binary\n=== x\nget nokey\n"))
        .hasMessageContaining("field=value");
    assertThatThrownBy(() -> Script.parse("b.txt", "# protocol: binary\n=== x\nraw 8\n"))
        .hasMessageContaining("bad hex");
    assertThatThrownBy(() -> Script.parse("b.txt", "# protocol: udp\n=== x\nget k\n"))
        .hasMessageContaining("text or binary");
  }

  @Test
  void rendersBinaryResponsesReadablyAndNormalisesCasStatsAndVersion() {
    Normaliser n = new Normaliser();
    var reqs = java.util.List.of(
        (BinaryPackets.Request) BinaryPackets.parse("get key=a opaque=1"),
        (BinaryPackets.Request) BinaryPackets.parse("incr key=n opaque=2"),
        (BinaryPackets.Request) BinaryPackets.parse("stat opaque=3"));
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.writeBytes(BinaryPackets.header(0x81, 0x00, 0, 4, 0, 0, 7, 1, 99));
    out.writeBytes(new byte[] {0, 0, 0, 5, 'x', '\r', '\n'});
    out.writeBytes(BinaryPackets.header(0x81, 0x05, 0, 0, 0, 0, 8, 2, 100));
    out.writeBytes(new byte[] {0, 0, 0, 0, 0, 0, 0, 42});
    out.writeBytes(BinaryPackets.header(0x81, 0x10, 3, 0, 0, 0, 7, 3, 0));
    out.writeBytes(bytes("pid1234"));
    out.writeBytes(BinaryPackets.header(0x81, 0x10, 3, 0, 0, 0, 7, 3, 0));
    out.writeBytes(bytes("foo1234"));
    out.writeBytes(BinaryPackets.header(0x81, 0x10, 0, 0, 0, 0, 0, 3, 0));
    out.writeBytes(BinaryPackets.header(0x81, 0x0b, 0, 0, 0, 0x81, 3, 4, 0));
    out.writeBytes(bytes("1.0"));
    out.writeBytes(new byte[] {(byte) 0x81, 1, 2});
    Set<String> names = new java.util.LinkedHashSet<>();
    String text = BinaryPackets.render(out.toByteArray(), reqs, n, Set.of("pid"), Set.of(), names);
    assertThat(text).isEqualTo("get status=ok opaque=0x1 cas=<cas#1> extras=00000005 value=x\\r\\n\n"
        + "incr status=ok opaque=0x2 cas=<cas#2> value=u64:42\n"
        + "stat status=ok opaque=0x3 cas=0 key=pid value=<volatile>\n"
        + "stat status=ok opaque=0x3 cas=0\n"
        + "version status=unknown-command opaque=0x4 cas=0 value=1.0\n"
        + "<not a whole response packet: \\x81\\x01\\x02>\n");
    assertThat(names).containsExactly("pid", "foo");
    assertThat(n.lastCasByKey()).containsEntry("a", "99").containsEntry("n", "100");
  }

  @Test
  void scriptsAreSortedIntoTheirSuitesByName() {
    assertThat(DifferentialSuite.Kind.of("meta-get.txt")).isEqualTo(DifferentialSuite.Kind.META);
    assertThat(DifferentialSuite.Kind.of("binary-misc.txt")).isEqualTo(DifferentialSuite.Kind.BINARY);
    assertThat(DifferentialSuite.Kind.of("storage.txt")).isEqualTo(DifferentialSuite.Kind.TEXT);
  }
}
