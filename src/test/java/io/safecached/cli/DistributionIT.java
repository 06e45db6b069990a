package io.safecached.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.safecached.testsupport.CommandProcess;
import io.safecached.testsupport.MemcachedProcess;
import io.safecached.testsupport.RawClient;
import io.safecached.testsupport.TestUser;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code mvn package} ships: the tarball unpacked in a temp directory runs from anywhere ({@code version},
 * then {@code serve} with a set and a get on loopback); its systemd unit passes {@code systemd-analyze verify}
 * (its security score is printed); and, as root with dpkg, the .deb installs with {@code dpkg -i}, its
 * {@code /usr/bin/safecached} serves once as an unprivileged user with the packaged /etc/safecached.conf, and
 * {@code dpkg --purge} removes it all. Skipped with a message where a tool is missing.
 */
class DistributionIT {
  private static final Path TARGET = Paths.get("target");
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String SAFE_UNIT = "safecached.service";

  @TempDir
  Path dir;

  /** The one file in target/ whose name matches {@code regex}; the test is skipped when there is none. */
  private static Path built(String regex) throws IOException {
    List<Path> found;
    try (Stream<Path> files = Files.list(TARGET)) {
      found = files.filter(p -> p.getFileName().toString().matches(regex)).toList();
    }
    assumeTrue(!found.isEmpty(), "nothing in target/ matches " + regex + "; run mvn package first");
    assertThat(found).as("built once").hasSize(1);
    return found.get(0).toAbsolutePath();
  }

  /** Runs a short command; its exit code and output (stdout and stderr). */
  private record Run(int code, String output) {}

  private static Run run(Path cwd, List<String> cmd) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    if (cwd != null) {
      pb.directory(cwd.toFile());
    }
    pb.environment().remove("SAFECACHED_JAVA_OPTS");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("timed out: " + cmd);
    }
    return new Run(p.exitValue(), out);
  }

  private static boolean onPath(String tool) {
    return Stream.of(System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":"))
        .anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
  }

  /** Starts {@code launcher serve} on a free loopback port, stores and reads one item, then stops it. */
  private static void serveOnce(Path cwd, List<String> launcher, List<String> flags, String uid) throws Exception {
    int port = MemcachedProcess.freePort();
    List<String> cmd = new ArrayList<>(launcher);
    cmd.addAll(List.of("serve", "-l", "127.0.0.1", "-p", Integer.toString(port)));
    cmd.addAll(flags);
    try (CommandProcess p = CommandProcess.start(cwd, cmd).awaitListening()) {
      try (RawClient c = new RawClient(new InetSocketAddress("127.0.0.1", port))) {
        assertThat(c.call("set dist 0 0 5\r\nhello")).isEqualTo("STORED");
        assertThat(c.send("get dist\r\n").readUntil("END\r\n")).isEqualTo("VALUE dist 0 5\r\nhello\r\nEND\r\n");
      }
      if (uid != null) {
        String status = Files.readString(Path.of("/proc/" + p.pid() + "/status"));
        assertThat(status).containsPattern("(?m)^Uid:\\s+" + uid + "\\s");
      }
      p.signal("TERM");
      assertThat(p.exitCode(WAIT)).as("output: %s", p.output()).isEqualTo(143);
    }
  }

  private static String version(Path tarball) {
    Matcher m = Pattern.compile("safecached-(.+)\\.tar\\.gz").matcher(tarball.getFileName().toString());
    assertThat(m.matches()).isTrue();
    return m.group(1);
  }

  @Test
  @Timeout(180)
  void theTarballRunsFromAnyDirectory() throws Exception {
    Path tarball = built("safecached-.+\\.tar\\.gz");
    String version = version(tarball);
    Run untar = run(dir, List.of("tar", "-xzf", tarball.toString()));
    assertThat(untar.code()).as(untar.output()).isZero();
    Path home = dir.resolve("safecached-" + version);
    for (String f : List.of("bin/safecached", "lib/safecached.jar", "etc/safecached.conf",
        "systemd/safecached.service", "LICENSE", "CHANGELOG.md", "README.md", "docs/cli.md")) {
      assertThat(home.resolve(f)).as(f).isRegularFile();
    }
    assertThat(Files.isExecutable(home.resolve("bin/safecached"))).isTrue();
    assertThat(Files.readString(home.resolve("LICENSE"))).contains("Apache License", "Version 2.0");

    Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
    Run v = run(elsewhere, List.of(home.resolve("bin/safecached").toString(), "version"));
    assertThat(v).isEqualTo(new Run(0, "safecached " + version + "\n"));
    Run relative = run(home.resolve("docs"), List.of("../bin/safecached", "version"));
    assertThat(relative.output()).isEqualTo("safecached " + version + "\n");
    serveOnce(elsewhere, List.of(home.resolve("bin/safecached").toString()), TestUser.SERVE_FLAGS, null);
  }

  @Test
  @Timeout(120)
  void theSystemdUnitVerifiesAndItsSecurityScoreIsReported() throws Exception {
    Path tarball = built("safecached-.+\\.tar\\.gz");
    assumeTrue(onPath("systemd-analyze"), "systemd-analyze is not installed (package systemd): unit not checked");
    assertThat(run(dir, List.of("tar", "-xzf", tarball.toString())).code()).isZero();
    Path home = dir.resolve("safecached-" + version(tarball));
    String unit = Files.readString(home.resolve("systemd/" + SAFE_UNIT));
    assertThat(unit).contains("ExecStart=/usr/bin/safecached serve --config /etc/safecached.conf",
        "ExecReload=kill -HUP $MAINPID", "SuccessExitStatus=143", "DynamicUser=yes", "NoNewPrivileges=yes",
        "ProtectSystem=strict", "\nCapabilityBoundingSet=\n");
    // verify checks that ExecStart exists: point it at the unpacked launcher, the rest stays as shipped
    Path copy = Files.createDirectories(dir.resolve("unit")).resolve(SAFE_UNIT);
    Files.writeString(copy, unit.replace("/usr/bin/safecached", home.resolve("bin/safecached").toString()));
    Run verify = run(dir, List.of("systemd-analyze", "verify", copy.toString()));
    assertThat(verify.code()).as("systemd-analyze verify: %s", verify.output()).isZero();
    Run security = run(dir, List.of("systemd-analyze", "security", "--offline=true", "--no-pager", copy.toString()));
    String score = security.output().lines().filter(l -> l.contains("Overall exposure level")).findFirst()
        .orElse("(no score: " + security.output() + ")");
    System.out.println("DistributionIT: systemd-analyze security --offline=true: " + score.strip());
    Matcher m = Pattern.compile("level for \\S+: (\\d+\\.\\d+)").matcher(score);
    assertThat(m.find()).as(score).isTrue();
    assertThat(Double.parseDouble(m.group(1))).as("exposure (0 best, 10 worst)").isLessThan(2.0);
  }

  @Test
  @Timeout(300)
  void theDebInstallsServesAsAnUnprivilegedUserAndPurges() throws Exception {
    Path deb = built("safecached_.+_all\\.deb");
    assumeTrue("root".equals(System.getProperty("user.name")), "dpkg -i needs root: .deb not installed");
    assumeTrue(onPath("dpkg") && onPath("setpriv"), "dpkg or setpriv missing: .deb not installed");
    assumeTrue(run(null, List.of("dpkg", "-s", "safecached")).code() != 0,
        "a safecached package is already installed here: left alone");
    Run install = run(null, List.of("dpkg", "-i", deb.toString()));
    boolean unpacked = install.code() == 0 || install.output().contains("dependency problems");
    assumeTrue(unpacked || !install.output().contains("lock"),
        "dpkg is busy (another install holds its lock): " + install.output());
    assertThat(unpacked).as("dpkg -i: %s", install.output()).isTrue();
    try {
      assumeTrue(install.code() == 0, "the .deb's dependencies are not installed here: " + install.output());
      assertThat(Path.of("/etc/safecached.conf")).isRegularFile();
      Path unit = Path.of("/usr/lib/systemd/system/" + SAFE_UNIT);
      assertThat(unit).isRegularFile();
      if (onPath("systemd-analyze")) {
        Run verify = run(null, List.of("systemd-analyze", "verify", unit.toString()));
        assertThat(verify.code()).as("systemd-analyze verify of the installed unit: %s", verify.output()).isZero();
      }
      Run v = run(dir, List.of("/usr/bin/safecached", "version"));
      assertThat(v.output()).startsWith("safecached ");
      assertThat(v.code()).isZero();
      // the packaged config (its -l and -p replaced), as nobody: what the service user can do, it does
      Run nobody = run(null, List.of("id", "-u", "nobody"));
      assumeTrue(nobody.code() == 0, "no user 'nobody'");
      serveOnce(Path.of("/"), List.of("/usr/bin/safecached"),
          List.of("--config", "/etc/safecached.conf", "-u", "nobody"), nobody.output().strip());
    } finally {
      Run purge = run(null, List.of("dpkg", "--purge", "safecached"));
      assertThat(purge.code()).as("dpkg --purge: %s", purge.output()).isZero();
    }
    assertThat(Path.of("/usr/bin/safecached")).doesNotExist();
    assertThat(Path.of("/usr/share/safecached")).doesNotExist();
    assertThat(Path.of("/etc/safecached.conf")).doesNotExist();
  }
}
