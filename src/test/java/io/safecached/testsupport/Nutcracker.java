package io.safecached.testsupport;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * twemproxy ({@code nutcracker}, Debian's package of that name) in front of memcached-protocol servers: its
 * config written to a directory the test owns, listening and serving its stats on free 127.0.0.1 ports,
 * and always stopped by the test.
 */
public final class Nutcracker implements AutoCloseable {
  private final Process process;
  private final int port;
  private final Path log;

  private Nutcracker(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** The nutcracker binary on PATH or in the sbin directories Debian uses (not on a normal user's PATH). */
  public static Optional<Path> binary() {
    String path = System.getenv().getOrDefault("PATH", "");
    return Stream.concat(Stream.of(path.split(File.pathSeparator)), Stream.of("/usr/sbin", "/usr/local/sbin", "/sbin"))
        .filter(d -> !d.isEmpty())
        .map(d -> Path.of(d, "nutcracker"))
        .filter(Files::isExecutable)
        .findFirst();
  }

  /**
   * The YAML of one memcached pool: ketama distribution with md5 key hashes, and {@code auto_eject_hosts} after one
   * failure ({@code server_failure_limit: 1}) for {@code retry} before the server is tried again. Not fnv1a_64,
   * twemproxy's usual example: with it, 3,000 keys {@code user:0}..{@code user:2999} fell 670/1700/630 on three
   * nodes, with md5 935/1057/1008 (docs/scale-out.md).
   */
  public static String ketamaPool(int listenPort, List<InetSocketAddress> servers, Duration retry) {
    StringBuilder y = new StringBuilder()
        .append("safecached:\n")
        .append("  listen: 127.0.0.1:").append(listenPort).append('\n')
        .append("  hash: md5\n")
        .append("  distribution: ketama\n")
        .append("  auto_eject_hosts: true\n")
        .append("  server_failure_limit: 1\n")
        .append("  server_retry_timeout: ").append(retry.toMillis()).append('\n')
        .append("  timeout: 2000\n")
        .append("  servers:\n");
    for (int i = 0; i < servers.size(); i++) {
      InetSocketAddress s = servers.get(i);
      y.append("   - ").append(s.getAddress().getHostAddress()).append(':').append(s.getPort())
          .append(":1 node").append(i + 1).append('\n');
    }
    return y.toString();
  }

  /**
   * Writes {@code yaml} (made by {@code config} from a free listen port) to {@code dir}, checks it with
   * {@code nutcracker -t}, starts nutcracker with its stats on another free 127.0.0.1 port, and returns once the
   * pool's port accepts connections. The caller has checked {@link #binary()}.
   */
  public static Nutcracker start(Path dir, java.util.function.IntFunction<String> config) throws IOException {
    Path bin = binary().orElseThrow(() -> new IOException("nutcracker is not installed"));
    for (int attempt = 1; ; attempt++) {
      int port = MemcachedProcess.freePort();
      Path conf = Files.writeString(dir.resolve("nutcracker.yml"), config.apply(port));
      Path log = dir.resolve("nutcracker-" + attempt + ".log");
      check(bin, conf, dir);
      Process p = new ProcessBuilder(bin.toString(), "-c", conf.toString(), "-o", log.toString(),
          "-a", "127.0.0.1", "-s", Integer.toString(MemcachedProcess.freePort()),
          "-p", dir.resolve("nutcracker.pid").toString(), "-v", "5")
          .redirectErrorStream(true).redirectOutput(dir.resolve("nutcracker.out").toFile()).start();
      Nutcracker n = new Nutcracker(p, port, log);
      try {
        n.awaitListening(Duration.ofSeconds(10));
        return n;
      } catch (IOException e) {
        n.close();
        if (attempt >= 5 || !n.logText().contains("Address already in use")) {
          throw new IOException(e.getMessage() + ": " + n.logText(), e);
        }
      }
    }
  }

  private static void check(Path bin, Path conf, Path dir) throws IOException {
    Path out = dir.resolve("nutcracker-check.out");
    Process t = new ProcessBuilder(bin.toString(), "-t", "-c", conf.toString())
        .redirectErrorStream(true).redirectOutput(out.toFile()).start();
    try {
      if (!t.waitFor(10, TimeUnit.SECONDS) || t.exitValue() != 0) {
        t.destroyForcibly();
        throw new IOException("nutcracker -t rejected " + conf + ": " + Files.readString(out));
      }
    } catch (InterruptedException e) {
      t.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /** The proxy's address on loopback. */
  public InetSocketAddress address() {
    return new InetSocketAddress("127.0.0.1", port);
  }

  /** What nutcracker logged so far (empty when it logged nothing). */
  public String logText() {
    try {
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
    }
  }

  private void awaitListening(Duration timeout) throws IOException {
    Poll.untilListening("nutcracker", process, address(), timeout, () -> "code " + process.exitValue());
  }

  /** Stops nutcracker (SIGTERM, then SIGKILL after five seconds) and waits for it. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
