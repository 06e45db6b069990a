package io.safecached.server.auth;

import io.safecached.config.ServerConfig;
import io.safecached.testsupport.MemcachedProcess;
import io.safecached.testsupport.TestServer;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * The servers the authentication ITs log in to: safecached with a user file, memcached with {@code -Y} (text
 * login) and memcached with {@code -S} (binary SASL PLAIN against a sasldb made with {@code saslpasswd2}), all on
 * free loopback ports and stopped by the test.
 */
final class AuthTargets {
  static final String USER = "alice";
  static final String PASSWORD = "s3cret";
  static final String OTHER_USER = "bob";
  static final String OTHER_PASSWORD = "hunter2";
  static final String ADMIN = "root";
  static final String ADMIN_PASSWORD = "toor";
  /** The user file's lines, in memcached's {@code user:password} form. */
  static final String USERS = USER + ":" + PASSWORD + "\n" + OTHER_USER + ":" + OTHER_PASSWORD + "\n"
      + ADMIN + ":" + ADMIN_PASSWORD + "\n";
  static final String SASLPASSWD2 = "/usr/sbin/saslpasswd2";

  private AuthTargets() {}

  /** A server under test: its address, and what stops it (files included). */
  interface Target extends AutoCloseable {
    InetSocketAddress address();

    /** True for safecached, false for the real memcached. */
    boolean safecached();

    @Override
    void close() throws IOException;
  }

  /** A fresh directory that memcached, which drops to user nobody, can read; deleted with the target. */
  static Path readableDirectory() throws IOException {
    Path dir = Files.createTempDirectory("safecached-auth");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    return dir;
  }

  static Path writeFile(Path dir, String name, String content, String permissions) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, content, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
    return file;
  }

  static void deleteTree(Path dir) throws IOException {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** safecached with the users of {@link #USERS}, SASL on, and {@code admins} as the admin users. */
  static Target safecached(Set<String> admins) throws IOException {
    Path dir = readableDirectory();
    try {
      Path users = writeFile(dir, "users", USERS, "rw-------");
      TestServer server = TestServer.start(b -> b.access(new ServerConfig.Access(users, true, List.of(), admins)));
      return new Target() {
        @Override
        public InetSocketAddress address() {
          return server.address();
        }

        @Override
        public boolean safecached() {
          return true;
        }

        @Override
        public void close() throws IOException {
          try {
            server.close();
          } finally {
            deleteTree(dir);
          }
        }

        @Override
        public String toString() {
          return "safecached";
        }
      };
    } catch (IOException | RuntimeException e) {
      deleteTree(dir);
      throw e;
    }
  }

  /** safecached with the users of {@link #USERS}, every user an admin. */
  static Target safecached() throws IOException {
    return safecached(Set.of());
  }

  /** memcached with {@code -Y} and the users of {@link #USERS} (text protocol only, as memcached makes it). */
  static Target memcachedAscii() throws IOException {
    Path dir = readableDirectory();
    try {
      Path users = writeFile(dir, "users", USERS, "rw-r--r--");
      MemcachedProcess mc = MemcachedProcess.start("-Y", users.toString());
      return process("memcached -Y", mc::address, () -> {
        try {
          mc.close();
        } finally {
          deleteTree(dir);
        }
      });
    } catch (IOException | RuntimeException e) {
      deleteTree(dir);
      throw e;
    }
  }

  /**
   * memcached with {@code -S -B binary}, PLAIN only, its users in a sasldb made by {@code saslpasswd2}; skips the
   * test when sasl2-bin is not installed.
   */
  static Target memcachedSasl() throws IOException {
    Assumptions.assumeTrue(MemcachedProcess.available(), "memcached is not installed");
    Assumptions.assumeTrue(new File(SASLPASSWD2).canExecute(),
        SASLPASSWD2 + " is missing (apt-get install sasl2-bin) -- skipping memcached -S");
    Path dir = readableDirectory();
    Process process = null;
    try {
      Path db = dir.resolve("users.sasldb");
      for (String line : USERS.split("\n")) {
        String[] up = line.split(":", 2);
        run(List.of(SASLPASSWD2, "-a", "memcached", "-c", "-p", "-f", db.toString(), up[0]), up[1]);
      }
      Files.setPosixFilePermissions(db, PosixFilePermissions.fromString("rw-r--r--"));
      writeFile(dir, "memcached.conf", "mech_list: plain\nsasldb_path: " + db + "\n", "rw-r--r--");
      int port = MemcachedProcess.freePort();
      List<String> cmd = new ArrayList<>(List.of(MemcachedProcess.BINARY, "-S", "-B", "binary", "-l", "127.0.0.1",
          "-p", Integer.toString(port), "-U", "0", "-t", "2"));
      if ("root".equals(System.getProperty("user.name"))) {
        cmd.addAll(List.of("-u", "nobody"));
      }
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(dir.resolve("memcached.log").toFile());
      pb.environment().put("SASL_CONF_PATH", dir.toString());
      Process p = pb.start();
      process = p;
      InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);
      awaitListening(p, address, Duration.ofSeconds(10));
      return process("memcached -S", () -> address, () -> {
        try {
          stop(p);
        } finally {
          deleteTree(dir);
        }
      });
    } catch (IOException | RuntimeException e) {
      if (process != null) {
        stop(process);
      }
      deleteTree(dir);
      throw e;
    }
  }

  private interface Closer {
    void close() throws IOException;
  }

  private interface AddressSource {
    InetSocketAddress address();
  }

  private static Target process(String name, AddressSource address, Closer closer) {
    return new Target() {
      @Override
      public InetSocketAddress address() {
        return address.address();
      }

      @Override
      public boolean safecached() {
        return false;
      }

      @Override
      public void close() throws IOException {
        closer.close();
      }

      @Override
      public String toString() {
        return name;
      }
    };
  }

  private static void run(List<String> cmd, String stdin) throws IOException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try (OutputStream in = p.getOutputStream()) {
      in.write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    try {
      if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IOException(cmd + " failed: " + new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private static void awaitListening(Process p, InetSocketAddress address, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IOException("memcached exited with " + p.exitValue());
      }
      try (Socket s = new Socket()) {
        s.connect(address, 200);
        return;
      } catch (IOException notYet) {
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted", e);
        }
      }
    }
    throw new IOException("memcached did not listen within " + timeout);
  }

  private static void stop(Process p) {
    p.destroyForcibly();
    try {
      p.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
