package io.safecached.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.safecached.testsupport.CommandProcess;
import io.safecached.testsupport.MemcachedProcess;
import io.safecached.testsupport.Poll;
import io.safecached.testsupport.RawClient;
import io.safecached.testsupport.ServerProcess;
import io.safecached.testsupport.TestUser;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve} as a service manager runs it, in a JVM of its own (after {@code mvn package}): SIGHUP reloads and
 * never stops it, SIGUSR1 stops it gracefully, {@code -P} writes and removes the pid file, root is refused without
 * {@code -u}, {@code -u USER} switches users (through bin/safecached and setpriv) and Debian's stock
 * memcached.conf runs unchanged through {@code --config}. The user tests run only as root.
 */
class ServiceIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

  @TempDir
  Path dir;

  @BeforeAll
  static void needsTheJar() {
    assumeTrue(Files.isRegularFile(ServerProcess.JAR), "target/safecached.jar is not built; run mvn package first");
  }

  private static List<String> java(int port, String... args) {
    List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-jar",
        ServerProcess.JAR.toString(), "serve", "-l", "127.0.0.1", "-p", Integer.toString(port)));
    cmd.addAll(List.of(args));
    return cmd;
  }

  private static String version(int port) throws IOException {
    try (RawClient c = new RawClient(new InetSocketAddress("127.0.0.1", port))) {
      return c.call("version");
    }
  }

  @Test
  @Timeout(90)
  void aPlainSighupKeepsADefaultServerServing() throws Exception {
    int port = MemcachedProcess.freePort();
    List<String> cmd = java(port);
    cmd.addAll(TestUser.SERVE_FLAGS);
    try (CommandProcess p = CommandProcess.start(null, cmd).awaitListening()) {
      p.signal("HUP");
      p.awaitOutput("INFO SIGHUP: nothing to reload (no users file, certificates or log file); still serving", WAIT);
      p.signal("HUP");
      assertThat(version(port)).startsWith("VERSION ");
      assertThat(p.isAlive()).isTrue();
      p.signal("TERM");
      assertThat(p.exitCode(WAIT)).isEqualTo(143);
    }
  }

  @Test
  @Timeout(90)
  void sighupReloadsTheUsersFileAndTheNewUserLogsIn() throws Exception {
    int port = MemcachedProcess.freePort();
    Path users = Files.writeString(dir.resolve("users"), "app:first-secret\n");
    List<String> cmd = java(port, "-Y", users.toString());
    cmd.addAll(TestUser.SERVE_FLAGS);
    try (CommandProcess p = CommandProcess.start(null, cmd).awaitListening()) {
      Files.writeString(users, "app:first-secret\nops:second-secret\n");
      p.signal("HUP");
      p.awaitOutput("INFO SIGHUP: users file reloaded", WAIT);
      try (RawClient c = new RawClient(new InetSocketAddress("127.0.0.1", port))) {
        assertThat(c.call("set auth 0 0 17\r\nops second-secret")).isEqualTo("STORED");
        assertThat(c.call("version")).startsWith("VERSION ");
      }
      assertThat(p.isAlive()).isTrue();
    }
  }

  @Test
  @Timeout(90)
  void sighupReopensTheLogFileAndSigusr1StopsGracefullyRemovingThePidFile() throws Exception {
    int port = MemcachedProcess.freePort();
    Path log = dir.resolve("safecached.log");
    Path pid = dir.resolve("safecached.pid");
    List<String> cmd = java(port, "--log-file", log.toString(), "-P", pid.toString());
    cmd.addAll(TestUser.SERVE_FLAGS);
    try (CommandProcess p = CommandProcess.start(null, cmd)) {
      assertThat(Poll.until(WAIT, () -> Files.exists(log) && Files.readString(log).contains(" listening on tcp ")))
          .as("start-up line in the log file; output: %s", p.output()).isTrue();
      assertThat(Poll.until(WAIT, () -> Files.exists(pid))).isTrue();
      assertThat(Files.readString(pid)).isEqualTo(p.pid() + "\n");
      Path rotated = dir.resolve("safecached.log.1");
      Files.move(log, rotated, StandardCopyOption.ATOMIC_MOVE); // as logrotate does, then it sends SIGHUP
      p.signal("HUP");
      assertThat(Poll.until(WAIT, () -> Files.exists(log)
          && Files.readString(log).contains("INFO SIGHUP: log file reopened"))).isTrue();
      assertThat(Files.readString(rotated)).contains(" listening on tcp ").doesNotContain("SIGHUP");
      assertThat(version(port)).startsWith("VERSION ");
      p.signal("USR1");
      assertThat(p.exitCode(WAIT)).as("exit code after SIGUSR1").isZero();
      assertThat(Files.readString(log)).contains("INFO SIGUSR1: graceful shutdown; stopping", "INFO stopped");
      assertThat(pid).doesNotExist();
      assertThat(p.output()).as("nothing on stdout or stderr: it all went to the log file").isEmpty();
    }
  }

  @Test
  @Timeout(90)
  void sigtermRemovesThePidFile() throws Exception {
    int port = MemcachedProcess.freePort();
    Path pid = dir.resolve("sc.pid");
    List<String> cmd = java(port, "-P", pid.toString());
    cmd.addAll(TestUser.SERVE_FLAGS);
    try (CommandProcess p = CommandProcess.start(null, cmd).awaitListening()) {
      assertThat(Files.readString(pid)).isEqualTo(p.pid() + "\n");
      p.signal("TERM");
      assertThat(p.exitCode(WAIT)).isEqualTo(143);
      assertThat(pid).doesNotExist();
    }
  }

  @Test
  @Timeout(60)
  void rootWithoutMinusUIsRefused() throws Exception {
    assumeTrue(ROOT, "runs only as root");
    try (CommandProcess p = CommandProcess.start(null, java(MemcachedProcess.freePort()))) {
      assertThat(p.exitCode(WAIT)).isEqualTo(Main.EX_USAGE);
      assertThat(p.output().lines().toList()).singleElement().asString()
          .startsWith("safecached: can't run as root without the -u switch");
    }
  }

  /** bin/safecached and the jar copied into a directory every user can read, in the tarball's layout. */
  private Path readableInstall() throws IOException {
    Path home = dir.resolve("app");
    Files.createDirectories(home.resolve("bin"));
    Files.createDirectories(home.resolve("lib"));
    Files.copy(Paths.get("bin", "safecached"), home.resolve("bin/safecached"));
    Files.copy(ServerProcess.JAR, home.resolve("lib/safecached.jar"));
    for (Path p : List.of(dir, home, home.resolve("bin"), home.resolve("lib"), home.resolve("bin/safecached"))) {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    Files.setPosixFilePermissions(home.resolve("lib/safecached.jar"), PosixFilePermissions.fromString("rw-r--r--"));
    return home;
  }

  /** The real user id of a running process, from /proc. */
  private static String uid(long pid) throws IOException {
    return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream().filter(l -> l.startsWith("Uid:"))
        .findFirst().orElseThrow().split("\\s+")[1];
  }

  private static String idOf(String user) throws IOException, InterruptedException {
    Process id = new ProcessBuilder("id", "-u", user).start();
    String out = new String(id.getInputStream().readAllBytes()).strip();
    return id.waitFor() == 0 ? out : null;
  }

  private static boolean hasSetpriv() {
    return Files.isExecutable(Path.of("/usr/bin/setpriv")) || Files.isExecutable(Path.of("/bin/setpriv"));
  }

  @Test
  @Timeout(90)
  void minusUSwitchesToThatUserBeforeTheJvmStarts() throws Exception {
    assumeTrue(ROOT, "runs only as root");
    assumeTrue(hasSetpriv(), "setpriv (util-linux) is not installed");
    String nobody = idOf("nobody");
    assumeTrue(nobody != null, "no user 'nobody' here");
    Path home = readableInstall();
    int port = MemcachedProcess.freePort();
    List<String> cmd = List.of(home.resolve("bin/safecached").toString(), "serve", "-u", "nobody", "-l",
        "127.0.0.1", "-p", Integer.toString(port));
    try (CommandProcess p = CommandProcess.start(dir, cmd).awaitListening()) {
      assertThat(uid(p.pid())).as("the JVM's user id").isEqualTo(nobody);
      assertThat(version(port)).startsWith("VERSION ");
      p.signal("TERM");
      assertThat(p.exitCode(WAIT)).isEqualTo(143);
    }
  }

  @Test
  @Timeout(90)
  void debiansStockMemcachedConfRunsThroughConfig() throws Exception {
    Path home = readableInstall();
    Path conf = Files.writeString(dir.resolve("memcached.conf"), ConfigFileTest.DEBIAN_STOCK);
    Path run = Files.createDirectories(dir.resolve("run"));
    Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path log = run.resolve("memcached.log");
    Path pid = run.resolve("memcached.pid");
    int port = MemcachedProcess.freePort();
    // the command line wins: a free port, and the pid and log files in a directory of the test
    List<String> cmd = List.of(home.resolve("bin/safecached").toString(), "serve", "--config", conf.toString(),
        "-p", Integer.toString(port), "-P", pid.toString(), "--log-file", log.toString());
    String memcache = idOf("memcache");
    boolean switches = ROOT && hasSetpriv() && memcache != null;
    assumeTrue(!ROOT || switches, "as root this needs setpriv and the memcache user (the memcached package)");
    try (CommandProcess p = CommandProcess.start(dir, cmd)) {
      assertThat(Poll.until(WAIT, () -> Files.exists(log) && Files.readString(log).contains(" listening on tcp ")))
          .as("start-up line; output: %s", p.output()).isTrue();
      assertThat(Files.readString(log)).contains("listening on tcp 127.0.0.1:" + port + " (loopback only)");
      assertThat(p.output()).contains("safecached: warning: ignoring -d in " + conf + " line 9");
      if (switches) {
        assertThat(uid(p.pid())).as("-u memcache from the file").isEqualTo(memcache);
      }
      assertThat(Files.readString(pid)).isEqualTo(p.pid() + "\n");
      assertThat(version(port)).startsWith("VERSION ");
      p.signal("TERM");
      assertThat(p.exitCode(WAIT)).isEqualTo(143);
      assertThat(pid).doesNotExist();
    }
  }
}
