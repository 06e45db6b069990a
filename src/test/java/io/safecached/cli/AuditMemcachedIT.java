package io.safecached.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.safecached.audit.Csv;
import io.safecached.audit.Json;
import io.safecached.testsupport.MemcachedProcess;
import io.safecached.testsupport.RawClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code safecached audit} against the real memcached binary, started here on loopback with UDP on, with
 * {@code -U 0}, with {@code -Y}, with SASL and with TLS (when the Debian build has them), plus a closed port
 * and a CIDR over 127.0.0.0/30. Every process is stopped by the test that started it.
 */
class AuditMemcachedIT {
  private static final String[] FAST = {"--timeout", "1500ms", "--retries", "0", "--rate", "1000"};

  /** A memcached process with full control of its arguments and environment. */
  static final class Mc implements AutoCloseable {
    final Process process;
    final String host;
    final int port;
    final Path log;

    Mc(String host, int port, Map<String, String> env, String... args) throws IOException {
      assumeThat(MemcachedProcess.available()).as("memcached installed").isTrue();
      this.host = host;
      this.port = port;
      List<String> cmd = new ArrayList<>(List.of(MemcachedProcess.BINARY, "-l", host, "-p", Integer.toString(port),
          "-t", "2"));
      if ("root".equals(System.getProperty("user.name"))) {
        cmd.addAll(List.of("-u", "nobody"));
      }
      cmd.addAll(List.of(args));
      log = Files.createTempFile("memcached", ".log");
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
      pb.environment().putAll(env);
      process = pb.start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (true) {
        try (Socket s = new Socket()) {
          s.connect(new InetSocketAddress(host, port), 200);
          return;
        } catch (IOException notYet) {
          if (!process.isAlive() || System.nanoTime() > deadline) {
            String out = Files.readString(log);
            close();
            throw new IOException("memcached did not start: " + out);
          }
          try {
            Thread.sleep(20);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
          }
        }
      }
    }

    String target() {
      return host + ":" + port;
    }

    @Override
    public void close() throws IOException {
      process.destroyForcibly();
      try {
        process.waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      Files.deleteIfExists(log);
    }
  }

  private static String[] args(String... more) {
    String[] a = new String[FAST.length + more.length];
    System.arraycopy(FAST, 0, a, 0, FAST.length);
    System.arraycopy(more, 0, a, FAST.length, more.length);
    return a;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> byTarget(String jsonLines, String host, int port) {
    for (Object o : Json.parseAll(jsonLines)) {
      Map<String, Object> m = (Map<String, Object>) o;
      if (m.get("host").equals(host) && m.get("port").equals((long) port)) {
        return m;
      }
    }
    throw new AssertionError("no result for " + host + ":" + port + " in " + jsonLines);
  }

  private static Path readableByAll(Path p, String content) throws IOException {
    Files.writeString(p, content);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
    return p;
  }

  @Test
  void udpOnIsAnAmplifierAndUdpOffIsNot() throws Exception {
    int udpPort = MemcachedProcess.freePort();
    try (Mc udp = new Mc("127.0.0.1", udpPort, Map.of(), "-U", Integer.toString(udpPort));
         MemcachedProcess off = MemcachedProcess.start()) {
      AuditCommandTest.Run r = AuditCommandTest.run(args("--format", "json", udp.target(),
          "127.0.0.1:" + off.port()));
      assertThat(r.code()).as(r.err()).isZero();
      Map<String, Object> on = byTarget(r.out(), "127.0.0.1", udpPort);
      assertThat(on.get("tcp_unauthenticated")).isEqualTo(true);
      assertThat(on.get("udp_open")).isEqualTo(true);
      assertThat(((Number) on.get("udp_amplification")).doubleValue()).isGreaterThan(50);
      assertThat(((Number) on.get("udp_datagrams")).intValue()).isGreaterThanOrEqualTo(2);
      assertThat(on.get("version")).isEqualTo("1.6.18");
      assertThat(on.get("pid")).isEqualTo(udp.process.pid());
      assertThat(on.get("binary_protocol")).isEqualTo(true);
      assertThat(on.get("findings").toString()).contains("MC-UDP-AMPLIFICATION", "MC-TCP-UNAUTHENTICATED",
          "MC-VERSION-CVE");
      assertThat(on.get("exposed")).as("loopback only: reported, not exposed").isEqualTo(false);
      Map<String, Object> closedUdp = byTarget(r.out(), "127.0.0.1", off.port());
      assertThat(closedUdp.get("udp")).isEqualTo("closed");
      assertThat(closedUdp.get("udp_amplification")).isNull();
      assertThat(closedUdp.get("findings").toString()).doesNotContain("MC-UDP-AMPLIFICATION");

      // the same servers judged as if reached on a public address (e.g. through a port forward)
      AuditCommandTest.Run pub = AuditCommandTest.run(args("--scope", "public", "--format", "csv", udp.target(),
          "127.0.0.1:" + off.port()));
      assertThat(pub.code()).isEqualTo(1);
      String[] rows = pub.out().split("\r\n");
      assertThat(rows).hasSize(3);
      List<String> header = Csv.split(rows[0]);
      Map<String, Map<String, String>> byPort = new HashMap<>();
      for (int i = 1; i < rows.length; i++) {
        List<String> f = Csv.split(rows[i]);
        assertThat(f).hasSameSizeAs(header);
        Map<String, String> row = new HashMap<>();
        for (int j = 0; j < f.size(); j++) {
          row.put(header.get(j), f.get(j));
        }
        byPort.put(row.get("port"), row);
      }
      Map<String, String> amp = byPort.get(Integer.toString(udpPort));
      assertThat(amp.get("protocol")).isEqualTo("tcp+udp");
      assertThat(Double.parseDouble(amp.get("amplification"))).isGreaterThan(50);
      assertThat(Long.parseLong(amp.get("response_size"))).isGreaterThan(1500);
      assertThat(amp.get("severity")).isEqualTo("critical");
      assertThat(amp.get("exposed")).isEqualTo("true");
      assertThat(amp.get("pid")).isEqualTo(Long.toString(udp.process.pid()));
      assertThat(byPort.get(Integer.toString(off.port())).get("protocol")).isEqualTo("tcp");
      assertThat(byPort.get(Integer.toString(off.port())).get("severity")).isEqualTo("high");

      AuditCommandTest.Run html = AuditCommandTest.run(args("--scope", "public", "--format", "html", udp.target(),
          "127.0.0.1:" + off.port()));
      assertThat(html.code()).isEqualTo(1);
      assertThat(html.out()).contains("data-count=\"targets\"><b>2</b>", "data-count=\"exposed\"><b>2</b>",
          "data-count=\"udp\"><b>1</b>", "data-id=\"MC-UDP-AMPLIFICATION\"", "Remedy: Turn UDP off with -U 0")
          .doesNotContainPattern("(?i)<script[^>]+src=").doesNotContainPattern("(?i)<link");
    }
  }

  @Test
  void asciiAuthRequiresCredentials() throws Exception {
    Path auth = readableByAll(Files.createTempFile("audit-auth", ".txt"), "user:pass\n");
    try (MemcachedProcess y = MemcachedProcess.start("-Y", auth.toString())) {
      AuditCommandTest.Run r = AuditCommandTest.run(args("--scope", "public", "--format", "json",
          "127.0.0.1:" + y.port()));
      assertThat(r.code()).as("auth required: nothing exposed").isZero();
      Map<String, Object> m = byTarget(r.out(), "127.0.0.1", y.port());
      assertThat(m.get("tcp_unauthenticated")).isEqualTo(false);
      assertThat(m.get("auth_required")).isEqualTo(true);
      assertThat(m.get("auth_methods")).isEqualTo(List.of("ascii"));
      assertThat(m.get("findings").toString()).contains("MC-AUTH-REQUIRED", "MC-AUTH-CLEARTEXT");
    } finally {
      Files.deleteIfExists(auth);
    }
  }

  static boolean memcachedHas(String feature) throws Exception {
    if (!MemcachedProcess.available()) {
      return false;
    }
    Process p = new ProcessBuilder(MemcachedProcess.BINARY, "-h").redirectErrorStream(true).start();
    String help = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(5, TimeUnit.SECONDS);
    return help.toLowerCase(java.util.Locale.ROOT).contains(feature);
  }

  @Test
  void saslServerTellsItsVersionAndMechanismsButNothingElse() throws Exception {
    assumeThat(memcachedHas("enable-sasl")).as("memcached built with SASL").isTrue();
    Path dir = Files.createTempDirectory("audit-sasl");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    readableByAll(dir.resolve("memcached.conf"), "mech_list: plain\n");
    Path pwdb = readableByAll(dir.resolve("users"), "user:pass\n");
    int port = MemcachedProcess.freePort();
    try (Mc sasl = new Mc("127.0.0.1", port, Map.of("SASL_CONF_PATH", dir.toString(), "MEMCACHED_SASL_PWDB",
        pwdb.toString()), "-U", "0", "-S")) {
      AuditCommandTest.Run r = AuditCommandTest.run(args("--scope", "public", "--format", "json", sasl.target()));
      assertThat(r.code()).as(r.err()).isZero();
      Map<String, Object> m = byTarget(r.out(), "127.0.0.1", port);
      assertThat(m.get("auth_required")).isEqualTo(true);
      assertThat(m.get("tcp_unauthenticated")).isEqualTo(false);
      assertThat(m.get("auth_methods")).isEqualTo(List.of("sasl"));
      assertThat(m.get("sasl_mechanisms")).isEqualTo(List.of("PLAIN"));
      assertThat(m.get("version")).as("binary VERSION works before auth").isEqualTo("1.6.18");
      assertThat(m.get("findings").toString()).contains("MC-AUTH-REQUIRED", "MC-VERSION-CVE")
          .doesNotContain("MC-TCP-UNAUTHENTICATED", "MC-NOT-MEMCACHED");
    } finally {
      Files.deleteIfExists(dir.resolve("memcached.conf"));
      Files.deleteIfExists(pwdb);
      Files.deleteIfExists(dir);
    }
  }

  @Test
  void tlsPortIsDetected() throws Exception {
    assumeThat(memcachedHas("enable-ssl")).as("memcached built with TLS").isTrue();
    assumeThat(Files.isExecutable(Path.of("/usr/bin/openssl"))).as("openssl installed").isTrue();
    Path dir = Files.createTempDirectory("audit-tls");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path key = dir.resolve("key.pem");
    Path cert = dir.resolve("cert.pem");
    Process gen = new ProcessBuilder("/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
        "-keyout", key.toString(), "-out", cert.toString(), "-days", "1", "-subj", "/CN=localhost")
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    assertThat(gen.waitFor(30, TimeUnit.SECONDS)).isTrue();
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
    int port = MemcachedProcess.freePort();
    try (Mc tls = new Mc("127.0.0.1", port, Map.of(), "-U", "0", "-Z", "-o",
        "ssl_chain_cert=" + cert + ",ssl_key=" + key)) {
      AuditCommandTest.Run r = AuditCommandTest.run(args("--format", "json", tls.target()));
      Map<String, Object> m = byTarget(r.out(), "127.0.0.1", port);
      assertThat(m.get("tls")).isEqualTo(true);
      assertThat(m.get("tcp_unauthenticated")).as("TLS without client certificates").isEqualTo(true);
      assertThat(m.get("version")).isEqualTo("1.6.18");
      assertThat(m.get("findings").toString()).contains("MC-TLS", "MC-TCP-UNAUTHENTICATED")
          .doesNotContain("MC-NOT-MEMCACHED");
    } finally {
      Files.deleteIfExists(key);
      Files.deleteIfExists(cert);
      Files.deleteIfExists(dir);
    }
  }

  @Test
  void writeCheckProvesWriteAccessAndLeavesNothingBehind() throws Exception {
    try (MemcachedProcess mc = MemcachedProcess.start()) {
      AuditCommandTest.Run plain = AuditCommandTest.run(args("--format", "json", "--no-udp",
          "127.0.0.1:" + mc.port()));
      assertThat(byTarget(plain.out(), "127.0.0.1", mc.port()).get("write_access")).as("off by default").isNull();
      AuditCommandTest.Run r = AuditCommandTest.run(args("--write-check", "--format", "json", "--no-udp",
          "127.0.0.1:" + mc.port()));
      Map<String, Object> m = byTarget(r.out(), "127.0.0.1", mc.port());
      assertThat(m.get("write_access")).isEqualTo(true);
      assertThat(m.get("findings").toString()).contains("MC-WRITE-ACCESS");
      assertThat(r.out()).contains("set STORED, get returned the value, delete DELETED");
      try (RawClient c = new RawClient(mc.address())) {
        String stats = c.send("stats\r\n").readUntil("END\r\n");
        assertThat(stats).contains("STAT curr_items 0\r\n", "STAT cmd_set 1\r\n", "STAT delete_hits 1\r\n");
      }
    }
  }

  @Test
  void cidrOverLoopbackFindsEachServer() throws Exception {
    int p1 = MemcachedProcess.freePort();
    int p2 = MemcachedProcess.freePort();
    try (Mc a = new Mc("127.0.0.1", p1, Map.of(), "-U", "0");
         Mc b = new Mc("127.0.0.2", p2, Map.of(), "-U", Integer.toString(p2))) {
      assertThat(a.process.isAlive() && b.process.isAlive()).isTrue();
      AuditCommandTest.Run r = AuditCommandTest.run(args("--format", "json", "--ports", p1 + "," + p2,
          "127.0.0.0/30"));
      assertThat(r.code()).as(r.err()).isZero();
      List<Object> lines = Json.parseAll(r.out());
      assertThat(lines).hasSize(8);
      int open = 0;
      for (Object o : lines) {
        Map<?, ?> m = (Map<?, ?>) o;
        assertThat(m.get("ip").toString()).startsWith("127.0.0.");
        boolean isA = m.get("ip").equals("127.0.0.1") && m.get("port").equals((long) p1);
        boolean isB = m.get("ip").equals("127.0.0.2") && m.get("port").equals((long) p2);
        assertThat(m.get("tcp_unauthenticated")).as(m.toString()).isEqualTo(isA || isB);
        assertThat(m.get("udp_open")).as(m.toString()).isEqualTo(isB);
        open += isA || isB ? 1 : 0;
      }
      assertThat(open).isEqualTo(2);
      AuditCommandTest.Run table = AuditCommandTest.run(args("--ports", p1 + "," + p2, "127.0.0.0/30"));
      assertThat(table.out()).contains("127.0.0.1:" + p1, "127.0.0.2:" + p2, "Summary: 8 of 8 targets audited, 2 answered");
    }
  }
}
