package io.safecached.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Any command (bin/safecached from a checkout, an unpacked tarball or the installed package) run with stdout and
 * stderr in a temp file, so that a test can wait for a line, send it signals and read its exit code.
 */
public final class CommandProcess implements AutoCloseable {
  private final Process process;
  private final Path log;

  private CommandProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** Starts {@code command} in {@code dir} (null: this directory). */
  public static CommandProcess start(Path dir, List<String> command) throws IOException {
    Path log = Files.createTempFile("safecached-cmd", ".log");
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    if (dir != null) {
      pb.directory(dir.toFile());
    }
    pb.environment().remove("SAFECACHED_JAVA_OPTS");
    return new CommandProcess(pb.start(), log);
  }

  /** Waits until the output holds {@code text}; throws with the output when the process exits or time runs out. */
  public CommandProcess awaitOutput(String text, Duration timeout) throws IOException {
    boolean seen = Poll.until(timeout, () -> {
      if (output().contains(text)) {
        return true;
      }
      if (!process.isAlive()) {
        throw new IOException("exited with " + process.exitValue() + " before printing '" + text + "': " + output());
      }
      return false;
    });
    if (!seen) {
      throw new IOException("no '" + text + "' within " + timeout + ": " + output());
    }
    return this;
  }

  /** Waits for the start-up line of {@code serve}. */
  public CommandProcess awaitListening() throws IOException {
    return awaitOutput(" listening on tcp ", Duration.ofSeconds(45));
  }

  /** What it printed so far. */
  public String output() throws IOException {
    return Files.readString(log);
  }

  /** The process id (the JVM's, since the launcher execs it). */
  public long pid() {
    return process.pid();
  }

  /** Sends {@code signal} (HUP, USR1, TERM) with kill(1). */
  public void signal(String signal) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IOException("kill -" + signal + " failed");
    }
  }

  /** The exit code, or -1 when it is still running after {@code timeout}. */
  public int exitCode(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Kills the process if it still runs and deletes its output. */
  @Override
  public void close() {
    kill(process, log);
  }

  /** Kills {@code process} if it still runs, waits for it (10 s at most) and deletes its output file. */
  static void kill(Process process, Path log) {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      Files.deleteIfExists(log);
    } catch (IOException ignored) {
      // a temp file
    }
  }
}
