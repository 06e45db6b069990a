package io.safecached.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** bin/safecached running the packaged jar in a real JVM (after {@code mvn package}; skipped without the jar). */
class LauncherIT {
  private static final Path SCRIPT = Paths.get("bin", "safecached").toAbsolutePath();
  private static final Path JAR = Paths.get("target", "safecached.jar").toAbsolutePath();

  private static String jarVersion;

  @BeforeAll
  static void needsTheJar() throws Exception {
    assumeTrue(Files.isRegularFile(JAR), "target/safecached.jar is not built; run mvn package first");
    try (JarFile jar = new JarFile(JAR.toFile())) {
      jarVersion = jar.getManifest().getMainAttributes().getValue("Implementation-Version");
    }
    assertThat(jarVersion).as("Implementation-Version in the jar manifest").isNotBlank();
  }

  private static ProcessBuilder script(String... args) {
    List<String> cmd = new java.util.ArrayList<>(List.of(SCRIPT.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().remove("SAFECACHED_JAVA_OPTS");
    return pb;
  }

  private static List<String> read(java.io.InputStream in) throws java.io.IOException {
    return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
  }

  @Test
  @Timeout(60)
  void versionPrintsTheJarsVersion() throws Exception {
    Process p = script("version").start();
    try {
      assertThat(p.waitFor(45, TimeUnit.SECONDS)).isTrue();
      assertThat(read(p.getInputStream())).containsExactly("safecached " + jarVersion);
      assertThat(read(p.getErrorStream())).as("nothing on stderr, not even JVM warnings").isEmpty();
      assertThat(p.exitValue()).isZero();
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  @Timeout(60)
  void aBadFlagIsOneLineAndExit64FromTheRealProcess() throws Exception {
    Process p = script("serve", "-c", "0").start();
    try {
      assertThat(p.waitFor(45, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isEqualTo(64);
      assertThat(read(p.getErrorStream())).containsExactly("safecached: connection limit must be at least 1 (-c 0)");
      assertThat(read(p.getInputStream())).isEmpty();
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  @Timeout(90)
  void serveAnswersAndStopsOnSigterm() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      port = s.getLocalPort();
    }
    List<String> args = new java.util.ArrayList<>(List.of("serve", "-l", "127.0.0.1", "-p", Integer.toString(port)));
    args.addAll(io.safecached.testsupport.TestUser.SERVE_FLAGS);
    Process p = script(args.toArray(new String[0])).start();
    List<String> stderr = new CopyOnWriteArrayList<>();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
        for (String l; (l = r.readLine()) != null; ) {
          stderr.add(l);
          lines.add(l);
        }
      } catch (java.io.IOException e) {
        // the process went away
      }
    }, "stderr-reader");
    reader.setDaemon(true);
    reader.start();
    try {
      String first = lines.poll(45, TimeUnit.SECONDS);
      assertThat(first).as("stderr: %s", stderr).isNotNull()
          .matches("\\S+ INFO safecached " + java.util.regex.Pattern.quote(jarVersion)
              + " listening on tcp 127\\.0\\.0\\.1:" + port + " \\(loopback only\\).*");
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setSoTimeout(5000);
        OutputStream w = s.getOutputStream();
        w.write("version\r\n".getBytes(StandardCharsets.US_ASCII));
        w.flush();
        BufferedReader r = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
        assertThat(r.readLine()).startsWith("VERSION ").endsWith(jarVersion);
      }
      assertThat(p.toHandle().destroy()).as("SIGTERM sent").isTrue(); // Process.destroy() would close our pipes
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("stopped after SIGTERM").isTrue();
      assertThat(p.exitValue()).as("128 + SIGTERM, as any JVM").isEqualTo(143);
      reader.join(5000);
      assertThat(stderr).anyMatch(l -> l.matches("\\S+ INFO stopping on signal"));
    } finally {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
