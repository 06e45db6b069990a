package io.safecached.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** JSON, CSV and HTML escaping, and the tolerant JSON parser. */
class TextFormatsTest {
  @Test
  void jsonEscapesAndRoundTrips() {
    String nasty = "a\"b\\c\nd\re\tf\u0001g\u2028h</script>";
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("s", nasty);
    m.put("n", 42L);
    m.put("d", 1.5);
    m.put("b", true);
    m.put("z", null);
    m.put("l", List.of("x", 2L));
    String json = Json.write(m);
    assertThat(json).doesNotContain("\n").doesNotContain("\u2028").contains("\\u0001");
    Map<String, Object> expected = new LinkedHashMap<>(m);
    expected.put("d", new BigDecimal("1.5"));
    assertThat(Json.parse(json)).isEqualTo(expected);
  }

  @Test
  void parserToleratesScannerQuirks() {
    // masscan -oJ: trailing comma before the closing bracket; JSON Lines; an unterminated array at the end
    assertThat(Json.parse("[{\"ip\": \"192.0.2.1\", \"ports\": [ {\"port\": 11211} ] },\n]"))
        .isEqualTo(List.of(Map.of("ip", "192.0.2.1", "ports", List.of(Map.of("port", 11211L)))));
    assertThat(Json.parseAll("{\"a\":1}\n{\"a\":2}\n")).hasSize(2);
    assertThat(Json.parse("[1, 2,")).isEqualTo(List.of(1L, 2L));
    assertThat(Json.parse("\"\\u0041\\n\"")).isEqualTo("A\n");
    assertThatThrownBy(() -> Json.parse("{\"a\" 1}")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Json.parse("[".repeat(100))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void csvQuotesOnlyWhenNeededAndDefusesFormulas() {
    assertThat(Csv.field("plain")).isEqualTo("plain");
    assertThat(Csv.field("a,b")).isEqualTo("\"a,b\"");
    assertThat(Csv.field("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
    assertThat(Csv.field("line\nbreak")).isEqualTo("\"line\nbreak\"");
    assertThat(Csv.field("=cmd()")).isEqualTo("'=cmd()");
    assertThat(Csv.field("-12")).isEqualTo("-12");
    assertThat(Csv.field(null)).isEmpty();
    List<String> fields = List.of("x", "a,b", "q\"q", "", "=1+1");
    assertThat(Csv.split(Csv.row(fields))).containsExactly("x", "a,b", "q\"q", "", "'=1+1");
  }

  @Test
  void htmlEscapesMarkup() {
    assertThat(Html.escape("<img src=x onerror='a'>&\"")).isEqualTo(
        "&lt;img src=x onerror=&#39;a&#39;&gt;&amp;&quot;");
    assertThat(Html.escape("\u0000")).isEqualTo("&#xfffd;");
    assertThat(Html.escape(null)).isEmpty();
  }
}
