package io.safecached.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.safecached.config.ServerConfig;
import io.safecached.testsupport.BinaryClient;
import io.safecached.testsupport.Poll;
import io.safecached.testsupport.RawClient;
import io.safecached.testsupport.TestCertificates;
import io.safecached.testsupport.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code -v} and {@code -vv} on a running server: connections opened and closed with peer, protocol, TLS and
 * user; commands and replies; never a value or a password.
 */
class VerboseLoggingIT {
  private static final String SECRET = "S3CR3TVALUE";
  private static final String PASSWORD = "pa55word-not-logged";

  private final Logger logger = Logger.getLogger("io.safecached.server.connections");
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord r) {
      lines.add(r.getLevel() + " " + r.getMessage());
    }

    @Override
    public void flush() { }

    @Override
    public void close() { }
  };
  private Level previous;

  @BeforeEach
  void capture() {
    previous = logger.getLevel();
    logger.addHandler(capture);
  }

  @AfterEach
  void release() {
    logger.removeHandler(capture);
    logger.setLevel(previous);
  }

  private String all() {
    return String.join("\n", lines);
  }

  private void awaitClosed(int n) throws IOException {
    Poll.until(Duration.ofSeconds(5), () -> lines.stream().filter(l -> l.contains(" closed: ")).count() >= n);
  }

  @Test
  void dashVvLogsConnectionsCommandsAndRepliesButNoValues() throws Exception {
    logger.setLevel(Level.FINEST);
    try (TestServer server = TestServer.start()) {
      try (RawClient c = new RawClient(server.address())) {
        c.send("set k:1 0 0 " + SECRET.length() + "\r\n" + SECRET + "\r\n");
        assertThat(c.readLine()).isEqualTo("STORED");
        c.send("get k:1 none\r\n");
        c.readUntil("END\r\n");
        c.send("incr k:1 1\r\n");
        c.readLine();
      }
      try (BinaryClient b = new BinaryClient(server.address())) {
        b.call(BinaryClient.request(BinaryClient.SET).key("bin:1").value(SECRET)
            .extras(BinaryClient.storeExtras(0, 0)));
        b.call(BinaryClient.request(BinaryClient.GET).key("bin:1"));
      }
      awaitClosed(2);
    }
    String log = all();
    assertThat(log).contains("FINE conn ", " opened: from 127.0.0.1:", " to 127.0.0.1:" )
        .containsPattern("FINE conn \\d+ closed: from 127\\.0\\.0\\.1:\\d+, protocol text, tls no, user -")
        .containsPattern("FINE conn \\d+ closed: from 127\\.0\\.0\\.1:\\d+, protocol binary, tls no, user -")
        .containsPattern("FINER <\\d+ set k:1 0 0 11")
        .containsPattern("FINER >\\d+ STORED")
        .containsPattern("FINER <\\d+ get k:1 none")
        .containsPattern("FINER >\\d+ 1 hit k:1 END")
        .containsPattern("FINER <\\d+ ms bin:1 11 \\(set\\)")
        .containsPattern("FINER >\\d+ VA 11 bytes")
        .doesNotContain(SECRET);
  }

  @Test
  void dashVLogsConnectionsOnly() throws Exception {
    logger.setLevel(Level.FINE);
    try (TestServer server = TestServer.start()) {
      try (RawClient c = new RawClient(server.address())) {
        assertThat(c.call("version")).startsWith("VERSION ");
      }
      awaitClosed(1);
    }
    assertThat(lines).anyMatch(l -> l.contains(" opened: ")).noneMatch(l -> l.startsWith("FINER"));
  }

  @Test
  void withoutVerbosityNothingIsLogged() throws Exception {
    logger.setLevel(Level.INFO);
    try (TestServer server = TestServer.start(); RawClient c = new RawClient(server.address())) {
      assertThat(c.call("version")).startsWith("VERSION ");
    }
    assertThat(lines).isEmpty();
  }

  @Test
  void theUserIsNamedAndThePasswordNever(@TempDir Path dir) throws Exception {
    logger.setLevel(Level.FINEST);
    Path users = dir.resolve("users");
    Files.writeString(users, "alice:" + PASSWORD + "\n", StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(users, PosixFilePermissions.fromString("rw-------"));
    try (TestServer server = TestServer.start(b -> b.access(new ServerConfig.Access(users, true, List.of(),
        Set.of())))) {
      try (RawClient c = new RawClient(server.address())) {
        String login = "alice " + PASSWORD;
        c.send("set login 0 0 " + login.length() + "\r\n" + login + "\r\n");
        assertThat(c.readLine()).isEqualTo("STORED");
        assertThat(c.call("version")).startsWith("VERSION ");
      }
      awaitClosed(1);
    }
    assertThat(all()).containsPattern("closed: from 127\\.0\\.0\\.1:\\d+, protocol text, tls no, user \"alice\"")
        .doesNotContain(PASSWORD);
  }

  @Test
  void tlsIsNamed(@TempDir Path dir) throws Exception {
    logger.setLevel(Level.FINE);
    TestCertificates certs = TestCertificates.generate(dir);
    ServerConfig.Tls tls = new ServerConfig.Tls(certs.server().cert(), certs.server().key(), null, 0, null, null,
        Set.of());
    try (TestServer server = TestServer.start(b -> b.tls(tls))) {
      try (SSLSocket s = (SSLSocket) certs.clientContext(null).getSocketFactory().createSocket(
          server.address().getAddress(), server.port())) {
        s.setSoTimeout(5_000);
        s.getOutputStream().write("version\r\n".getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        assertThat(s.getInputStream().read()).isEqualTo('V');
      }
      awaitClosed(1);
    }
    assertThat(all()).contains("(TLS listener)").containsPattern("protocol text, tls TLSv1\\.[23] TLS_\\w+, user -");
  }
}
