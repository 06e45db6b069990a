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
    var files = TextProtocolDifferentialIT.scriptFiles();
    assertThat(files).isNotEmpty();
    for (Path f : files) {
      Script s = Script.parse(f.getFileName().toString(), Files.readString(f));
      assertThat(ServerFlags.memcachedArgs(s.flags())).isNotNull();
    }
  }
}
