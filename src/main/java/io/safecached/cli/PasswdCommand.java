package io.safecached.cli;

import io.safecached.security.Credentials;
import io.safecached.security.PasswordHash;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code safecached passwd USER}: reads a password and prints the user file line {@code USER:$pbkdf2-sha256$...}
 * for it.
 *
 * <p>On a terminal the password is read twice without echo (prompts go to the terminal or stderr, never to
 * stdout, so {@code safecached passwd alice >> users} works); otherwise the first line of standard input is the
 * password (a trailing CR is dropped). Exit codes: 0, 64 for a bad user name or flag, 65 (sysexits
 * EX_DATAERR) when no password was given or the two entries differ.
 */
@Command(name = "passwd", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
    description = {"Prints a user file line (for -Y/--auth-file) with a salted PBKDF2 hash of USER's password.",
        "On a terminal the password is asked twice without echo; otherwise it is the first line of standard "
            + "input. See docs/authentication.md."})
final class PasswdCommand implements Callable<Integer> {
  /** Exit code (sysexits EX_DATAERR): no password, an empty one, or the two entries differ. */
  static final int EX_DATAERR = 65;
  /** Longest password read from standard input, in characters. */
  static final int MAX_PASSWORD_CHARS = 4096;

  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "USER", description = "The user name: no ':', spaces or control characters.")
  String user;

  @Option(names = "--iterations", paramLabel = "N",
      description = "PBKDF2 iterations (default: ${DEFAULT-VALUE}; more makes every login slower).")
  int iterations = PasswordHash.ITERATIONS;

  private final Supplier<PasswordInput> input;

  /** Reads from the console, the terminal or standard input, whichever this process has. */
  PasswdCommand() {
    this(PasswdCommand::systemInput);
  }

  /** Reads the password from {@code input} (tests give standard input as a stream). */
  PasswdCommand(Supplier<PasswordInput> input) {
    this.input = input;
  }

  @Override
  public Integer call() {
    Optional<String> problem = Credentials.userNameProblem(user);
    if (problem.isPresent()) {
      throw new ParameterException(spec.commandLine(), problem.get());
    }
    if (iterations < PasswordHash.MIN_ITERATIONS || iterations > PasswordHash.MAX_ITERATIONS) {
      throw new ParameterException(spec.commandLine(), "iterations must be between "
          + PasswordHash.MIN_ITERATIONS + " and " + PasswordHash.MAX_ITERATIONS + " (--iterations " + iterations + ")");
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    char[] password = null;
    try {
      password = input.get().read(user, err);
      if (password.length == 0) {
        throw new PasswordException("empty password");
      }
      out.println(user + ":" + PasswordHash.hash(password, iterations));
      out.flush();
      return Main.EX_OK;
    } catch (PasswordException | IOException e) {
      err.println("safecached: " + Main.oneLine(e.getMessage()));
      err.flush();
      return EX_DATAERR;
    } finally {
      if (password != null) {
        Arrays.fill(password, '\0');
      }
    }
  }

  /** Where the password comes from. */
  interface PasswordInput {
    /** The password of {@code user}; prompts, if any, go to the terminal or {@code err}, never to stdout. */
    char[] read(String user, PrintWriter err) throws IOException, PasswordException;
  }

  /** No usable password: the message says why. */
  static final class PasswordException extends Exception {
    private static final long serialVersionUID = 1L;

    PasswordException(String message) {
      super(message);
    }
  }

  /** The console when there is one, else the terminal on stdin without echo, else the first line of stdin. */
  private static PasswordInput systemInput() {
    Console console = System.console();
    if (console != null) {
      return PasswdCommand::fromConsole;
    }
    if (stdinIsTerminal()) {
      return (user, err) -> fromTerminal(user, err, System.in);
    }
    return (user, err) -> firstLine(System.in);
  }

  private static char[] fromConsole(String user, PrintWriter err) throws PasswordException {
    Console console = System.console();
    char[] first = console.readPassword("Password for %s: ", user);
    if (first == null) {
      throw new PasswordException("no password given");
    }
    char[] second = console.readPassword("Again: ");
    return confirmed(first, second);
  }

  /**
   * Standard input is a terminal but standard output is not (so there is no {@link Console}, as when the output
   * goes to a file): turns echo off with {@code stty} for the two reads and on again afterwards, also when the
   * process is interrupted. Refuses to read when echo cannot be turned off.
   */
  private static char[] fromTerminal(String user, PrintWriter err, InputStream in)
      throws IOException, PasswordException {
    if (!stty("-echo")) {
      throw new PasswordException("cannot turn off echo on the terminal; pipe the password in instead: "
          + "safecached passwd " + user + " < file");
    }
    Thread restore = new Thread(() -> stty("echo"), "passwd-echo");
    Runtime.getRuntime().addShutdownHook(restore);
    try {
      Reader reader = utf8(in);
      err.print("Password for " + user + ": ");
      err.flush();
      char[] first = line(reader);
      err.println();
      if (first == null) {
        throw new PasswordException("no password given");
      }
      err.print("Again: ");
      err.flush();
      char[] second = line(reader);
      err.println();
      err.flush();
      return confirmed(first, second);
    } finally {
      stty("echo");
      try {
        Runtime.getRuntime().removeShutdownHook(restore);
      } catch (IllegalStateException e) {
        // shutting down: the hook runs anyway
      }
    }
  }

  private static char[] confirmed(char[] first, char[] second) throws PasswordException {
    try {
      if (second == null || !Arrays.equals(first, second)) {
        Arrays.fill(first, '\0');
        throw new PasswordException("the passwords do not match");
      }
      return first;
    } finally {
      if (second != null) {
        Arrays.fill(second, '\0');
      }
    }
  }

  /** The first line of {@code in} as UTF-8 (without CR LF); a missing line is an error. */
  static char[] firstLine(InputStream in) throws IOException, PasswordException {
    char[] line = line(utf8(in));
    if (line == null) {
      throw new PasswordException("no password on standard input");
    }
    return line;
  }

  /** A strict UTF-8 reader of {@code in}: the password is hashed as the UTF-8 bytes clients will send. */
  private static Reader utf8(InputStream in) {
    return new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT));
  }

  /** One line, or null at end of input; bytes that are not UTF-8 are an error. */
  private static char[] line(Reader reader) throws IOException, PasswordException {
    char[] buf = new char[64];
    int n = 0;
    int c;
    boolean any = false;
    while ((c = read(reader)) >= 0) {
      any = true;
      if (c == '\n') {
        break;
      }
      if (n == MAX_PASSWORD_CHARS) {
        Arrays.fill(buf, '\0');
        throw new PasswordException("password longer than " + MAX_PASSWORD_CHARS + " characters");
      }
      if (n == buf.length) {
        char[] bigger = Arrays.copyOf(buf, buf.length * 2);
        Arrays.fill(buf, '\0');
        buf = bigger;
      }
      buf[n++] = (char) c;
    }
    if (!any) {
      return null;
    }
    if (n > 0 && buf[n - 1] == '\r') {
      n--;
    }
    char[] line = Arrays.copyOf(buf, n);
    Arrays.fill(buf, '\0');
    return line;
  }

  private static int read(Reader reader) throws IOException, PasswordException {
    try {
      return reader.read();
    } catch (CharacterCodingException e) {
      throw new PasswordException("the password is not UTF-8 text");
    }
  }

  /** True when this process's standard input is a terminal (asks {@code test -t 0}; false where that fails). */
  private static boolean stdinIsTerminal() {
    return run("sh", "-c", "test -t 0");
  }

  private static boolean stty(String setting) {
    return run("stty", setting);
  }

  /** Runs {@code command} on this process's standard input; true when it exits 0 within five seconds. */
  private static boolean run(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.INHERIT)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return false;
      }
      return p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
