package io.safecached.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The user table: parsing every line form and error, and verification of plaintext and hashed users. */
class CredentialsTest {
  private static final String SOURCE = "auth file /x";
  private static final String PASSLIB =
      "$pbkdf2-sha256$6400$0ZrzXitFSGltTQnBWOsdAw$Y11AchqV4b0sUisdZd0Xr97KWoymNE0LNNrnEgY4H9M"; // "password"

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static Credentials parse(String... lines) throws AuthFileException {
    return Credentials.parse(Arrays.asList(lines), SOURCE);
  }

  @Test
  void plaintextUsersAsMemcachedWritesThem() throws Exception {
    Credentials c = parse("alice:s3cret", "bob:pa:ss:word", "carol:two words ", "dave:crlf\r");
    assertThat(c.size()).isEqualTo(4);
    assertThat(c.isEmpty()).isFalse();
    assertThat(c.users()).containsExactly("alice", "bob", "carol", "dave");
    assertThat(c.expensive()).isFalse();
    assertThat(c.verify("alice", utf8("s3cret"))).isTrue();
    assertThat(c.verify("bob", utf8("pa:ss:word"))).as("everything after the first ':'").isTrue();
    assertThat(c.verify("bob", utf8("pa"))).isFalse();
    assertThat(c.verify("carol", utf8("two words "))).as("spaces are part of the password").isTrue();
    assertThat(c.verify("carol", utf8("two words"))).isFalse();
    assertThat(c.verify("dave", utf8("crlf"))).as("a CRLF file's CR is not part of the password").isTrue();
  }

  @Test
  void wrongPasswordsAndUnknownUsersFail() throws Exception {
    Credentials c = parse("alice:s3cret");
    assertThat(c.verify("alice", utf8("s3cre"))).isFalse();
    assertThat(c.verify("alice", utf8("s3crett"))).isFalse();
    assertThat(c.verify("alice", utf8("S3cret"))).isFalse();
    assertThat(c.verify("alice", new byte[0])).isFalse();
    assertThat(c.verify("Alice", utf8("s3cret"))).isFalse();
    assertThat(c.verify("bob", utf8("s3cret"))).isFalse();
    assertThat(c.verify("", utf8("s3cret"))).isFalse();
    assertThat(c.verify(null, utf8("s3cret"))).isFalse();
  }

  @Test
  void commentsAndBlankLinesAreSkipped() throws Exception {
    Credentials c = parse("# users of the cache", "", "   ", "\t# indented comment", "alice:x", "\r",
        "#bob:y");
    assertThat(c.users()).containsExactly("alice");
    assertThat(c.verify("bob", utf8("y"))).isFalse();
  }

  @Test
  void noLinesIsAnEmptyTable() throws Exception {
    Credentials c = parse("# nobody yet");
    assertThat(c.isEmpty()).isTrue();
    assertThat(c.size()).isZero();
    assertThat(c.verify("alice", utf8("x"))).isFalse();
  }

  @Test
  void hashedUsers() throws Exception {
    String hash = PasswordHash.hash("hunter2".toCharArray(), PasswordHash.MIN_ITERATIONS);
    Credentials c = parse("alice:" + hash, "passlib:" + PASSLIB, "plain:text");
    assertThat(c.expensive()).isTrue();
    assertThat(c.verify("alice", utf8("hunter2"))).isTrue();
    assertThat(c.verify("alice", utf8("hunter3"))).isFalse();
    assertThat(c.verify("alice", utf8(hash))).as("the hash is not the password").isFalse();
    assertThat(c.verify("passlib", utf8("password"))).isTrue();
    assertThat(c.verify("plain", utf8("text"))).isTrue();
    assertThat(c.verify("plain", utf8("password"))).isFalse();
    assertThat(c.verify("nobody", utf8("password"))).isFalse();
  }

  @Test
  void aSuccessfulHashedLoginIsCachedButAWrongPasswordStillFails() throws Exception {
    Credentials c = parse("alice:" + PasswordHash.hash("hunter2".toCharArray(), PasswordHash.MIN_ITERATIONS),
        "bob:plain");
    assertThat(c.verify("alice", utf8("hunter3"))).isFalse();
    assertThat(c.cachedLogins()).as("failures are never cached").isZero();
    assertThat(c.verify("alice", utf8("hunter2"))).isTrue();
    assertThat(c.cachedLogins()).isOne();
    assertThat(c.verify("alice", utf8("hunter2"))).isTrue();
    assertThat(c.verify("alice", utf8("hunter3"))).isFalse();
    assertThat(c.verify("alice", utf8("hunter22"))).isFalse();
    assertThat(c.verify("bob", utf8("plain"))).isTrue();
    assertThat(c.cachedLogins()).as("plaintext users need no cache").isOne();
  }

  @Test
  void theLoginCacheIsBounded() throws Exception {
    int cacheSize = 8;
    int users = cacheSize + 4;
    List<String> lines = new ArrayList<>();
    String hash = PasswordHash.hash("pw".toCharArray(), PasswordHash.MIN_ITERATIONS);
    for (int i = 0; i < users; i++) {
      lines.add("user" + i + ":" + hash);
    }
    Credentials c = Credentials.parse(lines, SOURCE, cacheSize);
    for (int i = 0; i < users; i++) {
      assertThat(c.verify("user" + i, utf8("pw"))).isTrue();
    }
    assertThat(c.cachedLogins()).isEqualTo(cacheSize);
    assertThat(Credentials.VERIFIED_CACHE_SIZE).isEqualTo(1024);
    assertThat(c.verify("user0", utf8("pw"))).as("an evicted login verifies again").isTrue();
  }

  /**
   * With a hashed user in the table, an unknown user and a plaintext user cost a PBKDF2 derivation too, so the
   * time does not tell which users exist. Without the equalising work they would take microseconds instead of
   * tens of milliseconds; the bound of a quarter leaves ample room for a busy machine. Each side is the fastest
   * of five runs: load on the machine only ever adds time, so the minimum is what the code itself costs.
   */
  @Test
  void unknownAndPlaintextUsersCostAsMuchAsHashedOnes() throws Exception {
    Credentials c = parse("alice:" + PasswordHash.hash("hunter2".toCharArray(), 30_000), "bob:plain");
    // interleaved, the fastest of several rounds each: a loaded machine slows all three alike
    long[] fastest = fastestNanos(() -> c.verify("alice", utf8("wrong")), () -> c.verify("mallory", utf8("wrong")),
        () -> c.verify("bob", utf8("wrong")));
    long hashed = fastest[0];
    assertThat(fastest[1]).as("unknown user").isGreaterThan(hashed / 4);
    assertThat(fastest[2]).as("plaintext user").isGreaterThan(hashed / 4);
  }

  /** The fastest time of each of {@code verifies} over rounds that run them one after the other. */
  private static long[] fastestNanos(BooleanSupplier... verifies) {
    long[] fastest = new long[verifies.length];
    Arrays.fill(fastest, Long.MAX_VALUE);
    for (int round = 0; round < 9; round++) {
      for (int i = 0; i < verifies.length; i++) {
        long start = System.nanoTime();
        assertThat(verifies[i].getAsBoolean()).isFalse();
        fastest[i] = Math.min(fastest[i], System.nanoTime() - start);
      }
    }
    return fastest;
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "alice                      | line 1: no ':' between user and password",
      ":s3cret                    | line 1: empty user name",
      "alice:                     | line 1: empty password for user 'alice'",
      "al ice:s3cret              | line 1: user name 'al ice' contains a space or control character",
      "alice\u0001:s3cret         | contains a space or control character",
      "alice\u00a0:s3cret         | contains a space or control character",
      "\ufeffalice:s3cret         | contains a space or control character",
      "alice:$pbkdf2-sha256$x     | line 1: the password hash of user 'alice' is not $pbkdf2-sha256$",
      "alice:$pbkdf2-sha256$10$0ZrzXitFSGltTQnBWOsdAw$Y11AchqV4b0sUisdZd0Xr97KWoymNE0LNNrnEgY4H9M"
          + " | line 1: the password hash of user 'alice' has 10 iterations",
      "alice:$2b$12$R9h/cIPz0gi.URNNX3kh2O | line 1: the password of user 'alice' looks like a $2b$ hash, which "
          + "safecached cannot read; 'safecached passwd alice' prints a $pbkdf2-sha256$ line"})
  void badLinesAreErrorsNamingSourceAndLine(String line, String problem) {
    assertThatThrownBy(() -> parse(line)).isInstanceOf(AuthFileException.class)
        .hasMessageStartingWith(SOURCE + " line 1: ").hasMessageContaining(problem)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cret"));
  }

  @Test
  void aUserListedTwiceIsAnError() {
    assertThatThrownBy(() -> parse("alice:a", "# comment", "", "bob:b", "alice:c"))
        .isInstanceOf(AuthFileException.class)
        .hasMessage("auth file /x line 5: user 'alice' is listed twice (lines 1 and 5)");
  }

  @Test
  void lineNumbersCountCommentsAndBlankLines() {
    assertThatThrownBy(() -> parse("# header", "", "alice:x", "oops"))
        .hasMessage("auth file /x line 4: no ':' between user and password");
  }

  @Test
  void userNamesForThePasswdCommand() {
    assertThat(Credentials.userNameProblem("alice")).isEmpty();
    assertThat(Credentials.userNameProblem("svc-app.01@example")).isEmpty();
    assertThat(Credentials.userNameProblem("jürgen")).isEmpty();
    assertThat(Credentials.userNameProblem("")).contains("empty user name");
    assertThat(Credentials.userNameProblem("a:b")).contains("user name 'a:b' contains ':'");
    assertThat(Credentials.userNameProblem("a\tb")).get().asString().contains("space or control");
  }

  @Test
  void toStringShowsNoSecrets() throws Exception {
    assertThat(parse("alice:s3cret").toString()).isEqualTo("Credentials[users=1]").doesNotContain("s3cret");
  }
}
