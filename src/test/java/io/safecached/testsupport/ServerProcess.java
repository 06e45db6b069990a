package io.safecached.testsupport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * safecached in a JVM of its own, started from target/safecached.jar (built by {@code mvn package}, which runs
 * before the integration tests; the test is skipped without it), so that a test can give it its own heap, read
 * its resident memory from /proc, send it signals and see its exit code.
 */
public final class ServerProcess implements AutoCloseable {
  /** The packaged jar the process runs. */
  public static final Path JAR = Paths.get("target", "safecached.jar").toAbsolutePath();

  /** The launcher an operator runs. */
  public static final Path LAUNCHER = Paths.get("bin", "safecached").toAbsolutePath();

  private final Process process;
  private final int port;
  private final Path log;

  private ServerProcess(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /**
   * Starts {@code java <jvmArgs> -jar safecached.jar serve -l 127.0.0.1 -p <free port> <serveArgs>} and waits
   * until it listens.
   */
  public static ServerProcess start(List<String> jvmArgs, String... serveArgs) throws IOException {
    List<String> java = new ArrayList<>();
    java.add(ProcessHandle.current().info().command().orElse("java"));
    java.addAll(jvmArgs);
    java.addAll(List.of("-jar", JAR.toString()));
    return run(java, serveArgs);
  }

  /**
   * Starts {@code bin/safecached serve -l 127.0.0.1 -p <free port> <serveArgs>} without SAFECACHED_JAVA_OPTS, so
   * with the JDK, heap and flags the launcher picks, as an operator runs it (the launcher execs the JVM, so
   * {@link #pid()} is the JVM's), and waits until it listens.
   */
  public static ServerProcess launch(String... serveArgs) throws IOException {
    return run(List.of(LAUNCHER.toString()), serveArgs);
  }

  private static ServerProcess run(List<String> command, String... serveArgs) throws IOException {
    Assumptions.assumeTrue(Files.isRegularFile(JAR), "target/safecached.jar is not built; run mvn package first");
    int port = MemcachedProcess.freePort();
    List<String> cmd = new ArrayList<>(command);
    cmd.addAll(List.of("serve", "-l", "127.0.0.1", "-p", Integer.toString(port)));
    cmd.addAll(List.of(TestTransport.serveArgs()));
    cmd.addAll(TestUser.SERVE_FLAGS);
    cmd.addAll(List.of(serveArgs));
    Path log = Files.createTempFile("safecached", ".log");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().remove("SAFECACHED_JAVA_OPTS");
    Process p = pb.start();
    ServerProcess server = new ServerProcess(p, port, log);
    try {
      server.awaitListening(Duration.ofSeconds(30));
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e;
    }
    return server;
  }

  private void awaitListening(Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("safecached exited: " + log());
      }
      if (log().contains(" listening on tcp ")) {
        try (Socket s = new Socket()) {
          s.connect(address(), 500);
          return;
        } catch (IOException notYet) {
          // the line was logged just before the port answered
        }
      }
      Poll.sleep(50);
    }
    throw new IOException("safecached did not listen within " + timeout + ": " + log());
  }

  /** The loopback TCP address it listens on. */
  public InetSocketAddress address() {
    return new InetSocketAddress("127.0.0.1", port);
  }

  public long pid() {
    return process.pid();
  }

  public Process process() {
    return process;
  }

  /** What the server logged so far (stdout and stderr). */
  public String log() throws IOException {
    return Files.readString(log);
  }

  /** The general {@code stats}, asked on a new connection. */
  public Map<String, String> stats() throws IOException {
    return stats(address());
  }

  /** {@code stats group} ({@code settings}, {@code items}, …), asked on a new connection. */
  public Map<String, String> stats(String group) throws IOException {
    return stats(address(), "stats " + group);
  }

  /** The general {@code stats} of any memcached-compatible server at {@code address}. */
  public static Map<String, String> stats(InetSocketAddress address) throws IOException {
    return stats(address, "stats");
  }

  private static Map<String, String> stats(InetSocketAddress address, String command) throws IOException {
    try (RawClient c = new RawClient(address)) {
      // a cold server on a machine loaded by parallel builds has taken more than the default 2 s to answer
      c.readTimeout(10_000);
      Map<String, String> out = new LinkedHashMap<>();
      for (String line : c.send(command + "\r\n").readUntil("END\r\n").split("\r\n")) {
        String[] f = line.split(" ", 3);
        if (f.length == 3) {
          out.put(f[1], f[2]);
        }
      }
      return out;
    }
  }

  /** SIGTERM, then the exit code (or -1 when it did not exit within {@code timeout}). */
  public int terminate(Duration timeout) throws InterruptedException {
    process.destroy();
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
  }

  /** Kills the process (if it still runs) and deletes its log. */
  @Override
  public void close() {
    CommandProcess.kill(process, log);
  }
}
