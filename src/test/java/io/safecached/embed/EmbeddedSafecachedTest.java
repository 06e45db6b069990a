package io.safecached.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.safecached.config.ConfigException;
import io.safecached.config.ServerConfig;
import io.safecached.testsupport.Poll;
import io.safecached.testsupport.RawClient;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Safecached}: start on a free loopback port, serve, flush, and stop everything it started. */
class EmbeddedSafecachedTest {

  @Test
  void startsOnAFreeLoopbackPortAndServes() throws Exception {
    try (Safecached cache = Safecached.builder().port(0).memoryMegabytes(8).start()) {
      assertThat(cache.isRunning()).isTrue();
      assertThat(cache.address().getAddress()).isEqualTo(InetAddress.getByName("127.0.0.1"));
      assertThat(cache.port()).isPositive().isEqualTo(cache.address().getPort());
      assertThat(cache.hostAndPort()).isEqualTo("127.0.0.1:" + cache.port());
      assertThat(cache.toString()).contains("(loopback only)", "udp: off", "authentication: off");
      try (RawClient c = new RawClient(cache.address())) {
        assertThat(c.send("set a 0 0 1\r\nx\r\n").readLine()).isEqualTo("STORED");
        assertThat(c.send("get a\r\n").readUntil("END\r\n")).isEqualTo("VALUE a 0 1\r\nx\r\nEND\r\n");
        assertThat(c.send("stats settings\r\n").readUntil("END\r\n"))
            .contains("STAT maxbytes " + 8 * 1024 * 1024 + "\r\n", "STAT num_threads 2\r\n",
                "STAT item_size_max 1048576\r\n", "STAT udpport 0\r\n", "STAT shutdown_command no\r\n");
      }
    }
  }

  @Test
  void flushAllEmptiesTheCacheAndLaterItemsLive() throws Exception {
    try (Safecached cache = Safecached.builder().memoryMegabytes(8).start();
         RawClient c = new RawClient(cache.address())) {
      assertThat(c.send("set a 0 0 1\r\nx\r\n").readLine()).isEqualTo("STORED");
      cache.flushAll();
      assertThat(c.send("get a\r\n").readUntil("END\r\n")).isEqualTo("END\r\n");
      assertThat(c.send("set b 0 0 1\r\ny\r\n").readLine()).isEqualTo("STORED");
      assertThat(c.send("get b\r\n").readUntil("END\r\n")).isEqualTo("VALUE b 0 1\r\ny\r\nEND\r\n");
      assertThat(c.send("stats\r\n").readUntil("END\r\n")).as("not a command: not counted")
          .contains("STAT cmd_flush 0\r\n");
    }
  }

  @Test
  void closeStopsEveryThreadItStartedAndTheListener() throws Exception {
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    Safecached cache = Safecached.builder().threads(3).memoryMegabytes(8).start();
    try (RawClient c = new RawClient(cache.address())) {
      assertThat(c.call("version")).startsWith("VERSION ");
    }
    assertThat(startedSince(before)).as("event loops and the crawler run").isNotEmpty();
    cache.close();
    assertThat(cache.isRunning()).isFalse();
    assertThatThrownBy(() -> new Socket(cache.address().getAddress(), cache.port()).close())
        .isInstanceOf(ConnectException.class);
    assertThat(Poll.until(Duration.ofSeconds(10), () -> startedSince(before).isEmpty()))
        .as("threads still alive: %s", startedSince(before)).isTrue();
    cache.close(); // a second close is harmless
  }

  /** Live threads that were not there before, except the JDK's and Netty's shared ones. */
  private static Set<String> startedSince(Set<Thread> before) {
    Set<Thread> now = new HashSet<>(Thread.getAllStackTraces().keySet());
    now.removeAll(before);
    return now.stream().filter(Thread::isAlive).map(Thread::getName)
        .filter(n -> !n.startsWith("ForkJoinPool.commonPool") && !n.startsWith("globalEventExecutor"))
        .collect(Collectors.toSet());
  }

  @Test
  void aNetworkAddressWithoutUsersIsRefusedAsServeRefusesIt() {
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    assertThatThrownBy(() -> Safecached.builder().bindAddress("0.0.0.0").start())
        .isInstanceOf(ConfigException.class).hasMessageStartingWith(ServerConfig.UNSAFE_BIND_PREFIX);
    assertThat(startedSince(before)).isEmpty();
  }

  @Test
  void badSettingsAreRefusedWithServesMessages() {
    assertThatThrownBy(() -> Safecached.builder().memoryMegabytes(0).start())
        .isInstanceOf(ConfigException.class).hasMessageContaining("at least 1 megabyte");
    assertThatThrownBy(() -> Safecached.builder().maxItemSize(100).start())
        .isInstanceOf(ConfigException.class).hasMessageContaining("at least 1k");
    assertThatThrownBy(() -> Safecached.builder().port(70000).start())
        .isInstanceOf(ConfigException.class).hasMessageContaining("between 0 and 65535");
    assertThatThrownBy(() -> Safecached.builder().bindAddress("no-such-host.invalid").start())
        .isInstanceOf(ConfigException.class).hasMessageContaining("no-such-host.invalid");
  }

  @Test
  void aTakenPortIsAnIOExceptionAndLeavesNothingRunning() throws Exception {
    try (Safecached first = Safecached.builder().memoryMegabytes(8).start()) {
      Set<Thread> before = Thread.getAllStackTraces().keySet();
      assertThatThrownBy(() -> Safecached.builder().port(first.port()).memoryMegabytes(8).start())
          .isInstanceOf(IOException.class).hasMessageContaining("failed to listen on 127.0.0.1:" + first.port());
      assertThat(Poll.until(Duration.ofSeconds(10), () -> startedSince(before).isEmpty()))
          .as("threads still alive: %s", startedSince(before)).isTrue();
    }
  }

  @Test
  void aUsersFileMakesEveryConnectionLogIn(@TempDir Path dir) throws Exception {
    Path users = Files.writeString(dir.resolve("users"), "alice:secret\n");
    Files.setPosixFilePermissions(users, PosixFilePermissions.fromString("rw-------"));
    try (Safecached cache = Safecached.builder().usersFile(users).memoryMegabytes(8).start();
         RawClient c = new RawClient(cache.address())) {
      assertThat(cache.toString()).contains("authentication: required");
      assertThat(c.call("get a")).startsWith("CLIENT_ERROR");
    }
    try (Safecached cache = Safecached.builder().usersFile(users).memoryMegabytes(8).start();
         RawClient c = new RawClient(cache.address())) {
      assertThat(c.send("set auth 0 0 12\r\nalice secret\r\n").readLine()).isEqualTo("STORED");
      assertThat(c.call("get a")).isEqualTo("END");
    }
  }

  @Test
  void listensOnTheIpv6LoopbackWhenAsked() throws Exception {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("::1"))) {
      assumeThat(probe.isBound()).isTrue();
    } catch (IOException e) {
      assumeThat(e).as("this host has no IPv6 loopback").isNull();
    }
    try (Safecached cache = Safecached.builder().bindAddress("::1").memoryMegabytes(8).start();
         RawClient c = new RawClient(cache.address())) {
      assertThat(cache.hostAndPort()).isEqualTo("[0:0:0:0:0:0:0:1]:" + cache.port());
      assertThat(c.call("version")).startsWith("VERSION ");
    }
  }
}
