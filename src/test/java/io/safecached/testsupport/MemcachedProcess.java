package io.safecached.testsupport;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The real memcached binary, started by a test on a free loopback port and always stopped by it (or by the JVM's
 * exit).
 */
public final class MemcachedProcess implements AutoCloseable {
  /** Where Debian's package puts it; override with -Dmemcached.binary=... */
  public static final String BINARY = System.getProperty("memcached.binary", "/usr/bin/memcached");

  private final Process process;
  private final int port;
  private final Path log;
  /** Kills the process if the test JVM ends before {@link #close()} (a run stopped with SIGTERM, say). */
  private final Thread onExit;

  private MemcachedProcess(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
    this.onExit = new Thread(process::destroyForcibly, "memcached-" + port + "-on-exit");
    Runtime.getRuntime().addShutdownHook(onExit);
  }

  /** True when the memcached binary is installed. */
  public static boolean available() {
    return new File(BINARY).canExecute();
  }

  /**
   * Starts memcached on 127.0.0.1 with TCP on a free port and UDP off, plus {@code extraArgs}; skips the calling
   * test (JUnit assumption) when the binary is not installed.
   */
  public static MemcachedProcess start(String... extraArgs) throws IOException {
    Assumptions.assumeTrue(available(), "memcached is not installed at " + BINARY
        + " (apt-get install memcached; .ci/run installs it) -- skipping");
    // the free port can be taken by another process before memcached binds it: try another one then
    for (int attempt = 1; ; attempt++) {
      MemcachedProcess mc = launch(freePort(), extraArgs);
      try {
        mc.awaitListening(Duration.ofSeconds(10));
        return mc;
      } catch (IOException | RuntimeException e) {
        mc.close();
        if (attempt >= 5 || e.getMessage() == null || !e.getMessage().contains("Address already in use")) {
          throw e;
        }
      }
    }
  }

  private static MemcachedProcess launch(int port, String... extraArgs) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(BINARY, "-l", "127.0.0.1", "-p", Integer.toString(port),
        "-U", "0", "-t", "2"));
    if ("root".equals(System.getProperty("user.name"))) {
      cmd.addAll(List.of("-u", "nobody"));
    }
    cmd.addAll(List.of(extraArgs));
    Path log = Files.createTempFile("memcached", ".log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new MemcachedProcess(p, port, log);
  }

  /** The loopback TCP address it listens on. */
  public InetSocketAddress address() {
    return new InetSocketAddress("127.0.0.1", port);
  }

  public int port() {
    return port;
  }

  /** The memcached process's id (to read its memory from /proc). */
  public long pid() {
    return process.pid();
  }

  private void awaitListening(Duration timeout) throws IOException {
    Poll.untilListening("memcached", process, address(), timeout, () -> Files.readString(log));
  }

  /** A port that was free a moment ago on 127.0.0.1. */
  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }

  /** Kills the process at once (memcached takes up to a second to act on SIGTERM; nothing of it is kept). */
  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(onExit);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or about to: it kills the process too
    }
    process.destroyForcibly();
    try {
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      Files.deleteIfExists(log);
    } catch (IOException ignored) {
      // a temp file left behind is harmless
    }
  }
}
