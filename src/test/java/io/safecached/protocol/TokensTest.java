package io.safecached.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Splitting a command line in place: offsets into the caller's array, one instance reused line after line. */
class TokensTest {

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static List<String> all(Tokens t) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < t.count(); i++) {
      out.add(t.string(i));
    }
    return out;
  }

  @Test
  void runsOfSpacesSeparateAndNothingElseDoes() {
    assertThat(all(Tokens.split(ascii("  get  a\tb   c  ")))).containsExactly("get", "a\tb", "c");
    assertThat(all(Tokens.split(ascii("set a 0 0 1")))).containsExactly("set", "a", "0", "0", "1");
  }

  @Test
  void aLineOfSpacesOrNothingHasNoTokens() {
    assertThat(Tokens.split(ascii("      ")).count()).isZero();
    assertThat(Tokens.split(new byte[0]).count()).isZero();
  }

  @Test
  void aNulByteEndsTheLine() {
    assertThat(all(Tokens.split(ascii("get a\0b c")))).containsExactly("get", "a");
    assertThat(all(Tokens.split(ascii("get a \0b")))).containsExactly("get", "a");
    assertThat(Tokens.split(ascii("  \0get a")).count()).isZero();
  }

  @Test
  void offsetsPointIntoTheCallersArrayAndOnlyTheGivenRangeIsSplit() {
    byte[] buf = ascii("xxget key yy");
    Tokens t = new Tokens().split(buf, 2, 9);
    assertThat(t.line()).isSameAs(buf);
    assertThat(t.count()).isEqualTo(2);
    assertThat(t.start(0)).isEqualTo(2);
    assertThat(t.end(0)).isEqualTo(5);
    assertThat(t.start(1)).isEqualTo(6);
    assertThat(t.end(1)).isEqualTo(9);
    assertThat(t.length(1)).isEqualTo(3);
    assertThat(t.bytes(1)).isEqualTo(ascii("key"));
    assertThat(t.is(0, "get")).isTrue();
    assertThat(t.is(0, "ge")).isFalse();
    assertThat(t.is(1, "keyy")).isFalse();
    assertThat(t.startsWith(1, "ke")).isTrue();
    assertThat(t.startsWith(1, "key ")).isFalse();
  }

  @Test
  void aReusedInstanceHoldsOnlyTheLatestLine() {
    Tokens t = new Tokens();
    StringBuilder many = new StringBuilder("get");
    for (int i = 0; i < 1000; i++) {
      many.append(' ').append(i);
    }
    t.split(ascii(many.toString()), 0, many.length());
    assertThat(t.count()).isEqualTo(1001);
    assertThat(t.string(1000)).isEqualTo("999");
    byte[] next = ascii("mg a v");
    t.split(next, 0, next.length);
    assertThat(all(t)).containsExactly("mg", "a", "v");
    t.split(next, 0, 2);
    assertThat(all(t)).containsExactly("mg");
    t.split(next, 2, 2);
    assertThat(t.count()).isZero();
  }

  @Test
  void bytesAreACopy() {
    byte[] buf = ascii("get key");
    Tokens t = Tokens.split(buf);
    byte[] key = t.bytes(1);
    buf[4] = 'X';
    assertThat(key).isEqualTo(ascii("key"));
  }
}
