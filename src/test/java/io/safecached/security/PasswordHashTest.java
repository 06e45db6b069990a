package io.safecached.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** PBKDF2-SHA256 hashes: format, round trip, published test vectors, and every malformed form. */
class PasswordHashTest {
  private static final String AB64 = "[A-Za-z0-9./]";
  /** A valid 16-byte salt and 32-byte hash, for building malformed variants. */
  private static final String SALT = "0ZrzXitFSGltTQnBWOsdAw";
  private static final String HASH = "Y11AchqV4b0sUisdZd0Xr97KWoymNE0LNNrnEgY4H9M";

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void newHashesHaveThePasslibFormWithTheDefaultIterations() {
    String hash = PasswordHash.hash("correct horse".toCharArray());
    // 16 bytes are 22 base64 characters, 32 bytes 43, without padding
    assertThat(hash).matches("\\$pbkdf2-sha256\\$150000\\$" + AB64 + "{22}\\$" + AB64 + "{43}");
    assertThat(PasswordHash.ITERATIONS).isBetween(100_000, 210_000);
    assertThat(PasswordHash.matches(hash, utf8("correct horse"))).isTrue();
    assertThat(PasswordHash.matches(hash, utf8("correct horse "))).isFalse();
    assertThat(PasswordHash.matches(hash, utf8("Correct horse"))).isFalse();
    assertThat(PasswordHash.matches(hash, new byte[0])).isFalse();
  }

  @Test
  void everyHashHasItsOwnSalt() {
    String a = PasswordHash.hash("same".toCharArray(), PasswordHash.MIN_ITERATIONS);
    String b = PasswordHash.hash("same".toCharArray(), PasswordHash.MIN_ITERATIONS);
    assertThat(a).isNotEqualTo(b).startsWith("$pbkdf2-sha256$1000$");
    assertThat(PasswordHash.matches(a, utf8("same"))).isTrue();
    assertThat(PasswordHash.matches(b, utf8("same"))).isTrue();
  }

  @Test
  void nonAsciiPasswordsAreHashedAsUtf8() {
    String hash = PasswordHash.hash("pässwörd €".toCharArray(), PasswordHash.MIN_ITERATIONS);
    assertThat(PasswordHash.matches(hash, utf8("pässwörd €"))).isTrue();
    assertThat(PasswordHash.matches(hash, "pässwörd ?".getBytes(StandardCharsets.ISO_8859_1))).isFalse();
  }

  @Test
  void bytesThatAreNotUtf8NeverMatch() {
    String hash = PasswordHash.hash("\uFFFD".toCharArray(), PasswordHash.MIN_ITERATIONS);
    assertThat(PasswordHash.matches(hash, utf8("\uFFFD"))).isTrue();
    // a lone continuation byte is what a lenient decoder would have turned into U+FFFD
    assertThat(PasswordHash.matches(hash, new byte[] {(byte) 0x80})).isFalse();
  }

  /** Hashes made by Python's passlib (its documentation's examples), so files made with passlib work too. */
  @ParameterizedTest
  @CsvSource({
      "$pbkdf2-sha256$6400$0ZrzXitFSGltTQnBWOsdAw$Y11AchqV4b0sUisdZd0Xr97KWoymNE0LNNrnEgY4H9M",
      "$pbkdf2-sha256$8000$XAuBMIYQQogxRg$tRRlz8hYn63B9LYiCd6PRo6FMiunY9ozmMMI3srxeRE"})
  void passlibHashesVerify(String passlib) {
    assertThat(PasswordHash.matches(passlib, utf8("password"))).isTrue();
    assertThat(PasswordHash.matches(passlib, utf8("Password"))).isFalse();
    // the same hash in standard base64 with '+' and padding reads the same
    String standard = passlib.replace('.', '+');
    assertThat(PasswordHash.matches(standard, utf8("password"))).isTrue();
  }

  /** PBKDF2-HMAC-SHA256 test vectors of RFC 7914 section 11 (their 4-byte salts are below our minimum). */
  @Test
  void rfc7914Vectors() {
    HexFormat hex = HexFormat.of();
    assertThat(new PasswordHash.Hashed(1, utf8("salt"), hex.parseHex(
        "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
        + "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783")).matches(utf8("passwd"))).isTrue();
    PasswordHash.Hashed nacl = new PasswordHash.Hashed(80_000, utf8("NaCl"), hex.parseHex(
        "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"
        + "a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d"));
    assertThat(nacl.matches(utf8("Password"))).isTrue();
    assertThat(nacl.matches(utf8("password"))).isFalse();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "$pbkdf2-sha1$6400$" + SALT + "$" + HASH + "     | does not start with $pbkdf2-sha256$",
      "$pbkdf2-sha256$" + SALT + "$" + HASH + "        | is not $pbkdf2-sha256$<iterations>$<salt>$<hash>",
      "$pbkdf2-sha256$x$" + SALT + "$" + HASH + "      | is not $pbkdf2-sha256$<iterations>$<salt>$<hash>",
      "$pbkdf2-sha256$6400$" + SALT + "$" + HASH + "$  | is not $pbkdf2-sha256$<iterations>$<salt>$<hash>",
      "$pbkdf2-sha256$6400$" + SALT + "$" + HASH + "!  | is not $pbkdf2-sha256$<iterations>$<salt>$<hash>",
      "$pbkdf2-sha256$999$" + SALT + "$" + HASH + "    | has 999 iterations; allowed are 1000 to 5000000",
      "$pbkdf2-sha256$5000001$" + SALT + "$" + HASH + "| has 5000001 iterations; allowed are 1000 to 5000000",
      "$pbkdf2-sha256$9999999999$" + SALT + "$" + HASH + "| has 9999999999 iterations",
      "$pbkdf2-sha256$6400$A$" + HASH + "              | has a salt that is not base64",
      "$pbkdf2-sha256$6400$AAAAAAA$" + HASH + "        | has a salt of 5 bytes; allowed are 8 to 64",
      "$pbkdf2-sha256$6400$" + SALT + "$AAAAAAAAAAAAAAAAAAA | has a hash of 14 bytes; allowed are 16 to 64"})
  void malformedHashesSayWhatIsWrong(String encoded, String problem) {
    assertThatThrownBy(() -> PasswordHash.matches(encoded, utf8("password")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(problem);
  }

  @Test
  void hashingRefusesEmptyPasswordsAndIterationsOutOfBounds() {
    assertThatThrownBy(() -> PasswordHash.hash(new char[0])).hasMessage("empty password");
    assertThatThrownBy(() -> PasswordHash.hash("x".toCharArray(), 999)).hasMessageContaining("between 1000");
    assertThatThrownBy(() -> PasswordHash.hash("x".toCharArray(), 5_000_001)).hasMessageContaining("5000000");
  }

  @Test
  void otherSchemesAreRecognisedAsHashesButPlainPasswordsAreNot() {
    assertThat(PasswordHash.foreignScheme("$2b$12$abcdefghijklmnopqrstuv")).isEqualTo("2b");
    assertThat(PasswordHash.foreignScheme("$argon2id$v=19$m=65536")).isEqualTo("argon2id");
    assertThat(PasswordHash.foreignScheme("$pbkdf2-sha256$1$x$y")).isNull();
    assertThat(PasswordHash.foreignScheme("s3cret$")).isNull();
    assertThat(PasswordHash.foreignScheme("$ only a dollar")).isNull();
    assertThat(PasswordHash.foreignScheme("$$")).isNull();
  }
}
