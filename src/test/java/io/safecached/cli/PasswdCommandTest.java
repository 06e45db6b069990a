package io.safecached.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.safecached.cli.CliFixture.Outcome;
import io.safecached.security.Credentials;
import io.safecached.security.PasswordHash;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** {@code safecached passwd USER} with the password on standard input (tests have no terminal). */
class PasswdCommandTest {
  private record Run(int exitCode, String out, String err) {}

  /** Runs {@code passwd args} with {@code stdin} as standard input, as Main sets the command up. */
  private static Run passwd(byte[] stdin, String... args) {
    InputStream in = new ByteArrayInputStream(stdin);
    PasswdCommand command = new PasswdCommand(() -> (user, err) -> PasswdCommand.firstLine(in));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Main.configure(new CommandLine(command));
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  private static Run passwd(String stdin, String... args) {
    return passwd(stdin.getBytes(StandardCharsets.UTF_8), args);
  }

  private static String hashOf(Run run, String user) {
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.err()).isEmpty();
    assertThat(run.out()).endsWith(System.lineSeparator());
    List<String> lines = run.out().lines().toList();
    assertThat(lines).singleElement().asString().startsWith(user + ":" + PasswordHash.PREFIX);
    return lines.get(0).substring(user.length() + 1);
  }

  @Test
  void printsAUserFileLineForThePasswordOnStandardInput() throws Exception {
    Run run = passwd("correct horse battery staple\n", "alice");
    String hash = hashOf(run, "alice");
    assertThat(hash).startsWith("$pbkdf2-sha256$" + PasswordHash.ITERATIONS + "$");
    assertThat(PasswordHash.matches(hash, "correct horse battery staple".getBytes(StandardCharsets.UTF_8))).isTrue();
    assertThat(run.out()).doesNotContain("correct horse");
    // and the printed line is one the user file reads
    Credentials c = Credentials.parse(run.out().lines().toList(), "test");
    assertThat(c.verify("alice", "correct horse battery staple".getBytes(StandardCharsets.UTF_8))).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "CRLF                | s3cret\\r\\n   | s3cret",
      "no final line feed  | s3cret         | s3cret",
      "only the first line | one\\ntwo\\n   | one",
      "colons and spaces   | \"a:b c \\n\"  | \"a:b c \"",
      "UTF-8               | pässwörd\\n   | pässwörd"})
  void theFirstLineIsThePassword(String what, String stdin, String password) {
    String in = stdin.replace("\\r", "\r").replace("\\n", "\n");
    String hash = hashOf(passwd(in, "--iterations", "1000", "bob"), "bob");
    assertThat(hash).startsWith("$pbkdf2-sha256$1000$");
    assertThat(PasswordHash.matches(hash, password.getBytes(StandardCharsets.UTF_8))).as(what).isTrue();
  }

  @Test
  void noOrAnEmptyOrANonUtf8PasswordExits65() {
    Run none = passwd("", "alice");
    assertThat(none.exitCode()).isEqualTo(PasswdCommand.EX_DATAERR);
    assertThat(none.out()).isEmpty();
    assertThat(none.err()).isEqualTo("safecached: no password on standard input" + System.lineSeparator());
    Run empty = passwd("\n", "alice");
    assertThat(empty.exitCode()).isEqualTo(65);
    assertThat(empty.err()).contains("safecached: empty password");
    Run binary = passwd(new byte[] {'a', (byte) 0xff, '\n'}, "alice");
    assertThat(binary.exitCode()).isEqualTo(65);
    assertThat(binary.err()).contains("safecached: the password is not UTF-8 text");
    Run huge = passwd("x".repeat(PasswdCommand.MAX_PASSWORD_CHARS + 1) + "\n", "alice");
    assertThat(huge.exitCode()).isEqualTo(65);
    assertThat(huge.err()).contains("password longer than 4096 characters");
    assertThat(huge.out()).isEmpty();
  }

  @ParameterizedTest(name = "passwd {0}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "''                  | Missing required parameter: 'USER'",
      "a:b                 | user name 'a:b' contains ':'",
      "--iterations 10 bob | iterations must be between 1000 and 5000000 (--iterations 10)",
      "--iterations x bob  | Invalid value for option '--iterations': 'x' is not an int",
      "bob carol           | Unmatched argument at index 2: 'carol'"})
  void usageErrorsExit64WithOneLine(String args, String problem) {
    String[] argv = args.equals("''") ? new String[] {"passwd"} : ("passwd " + args).split(" ");
    Outcome o = CliFixture.run(argv);
    assertThat(o.exitCode()).isEqualTo(Main.EX_USAGE);
    assertThat(o.errLines()).singleElement().asString().startsWith("safecached: ").contains(problem);
    assertThat(o.out()).isEmpty();
  }

  @Test
  void aUserNameWithASpaceIsAUsageError() {
    Outcome o = CliFixture.run("passwd", "al ice");
    assertThat(o.exitCode()).isEqualTo(Main.EX_USAGE);
    assertThat(o.errLines()).singleElement().asString().contains("contains a space or control character");
  }

  /** Through Main with the process's real standard input, as {@code echo pw | safecached passwd alice} runs. */
  @Test
  void mainReadsStandardInput() {
    InputStream saved = System.in;
    try {
      System.setIn(new ByteArrayInputStream("from-stdin\n".getBytes(StandardCharsets.UTF_8)));
      Outcome o = CliFixture.run("passwd", "--iterations", "1000", "alice");
      assertThat(o.exitCode()).as(o.err()).isZero();
      String hash = o.out().strip().substring("alice:".length());
      assertThat(PasswordHash.matches(hash, "from-stdin".getBytes(StandardCharsets.UTF_8))).isTrue();
    } finally {
      System.setIn(saved);
    }
  }

  @Test
  void helpListsPasswd() {
    assertThat(CliFixture.run("--help").out()).containsPattern("(?m)^\\s+passwd\\s+\\S");
    Outcome help = CliFixture.run("passwd", "--help");
    assertThat(help.exitCode()).isZero();
    assertThat(help.out()).contains("USER", "--iterations=N", "default: " + PasswordHash.ITERATIONS);
  }
}
