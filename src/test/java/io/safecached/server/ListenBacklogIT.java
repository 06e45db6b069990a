package io.safecached.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.safecached.testsupport.MemcachedProcess;
import io.safecached.testsupport.RawClient;
import io.safecached.testsupport.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code -b}: the kernel's accept queue of the listener has the length asked for, as memcached's (ss shows it as
 * the Send-Q of a listening socket), and {@code stats settings} shows it as {@code tcp_backlog}.
 */
class ListenBacklogIT {
  /** The backlog of the socket listening on {@code port} on 127.0.0.1, as {@code ss} reports it. */
  private static int backlog(int port) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("ss", "-ltnH", "sport = :" + port).redirectErrorStream(true).start();
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
    String[] fields = out.split("\\s+"); // State Recv-Q Send-Q Local Peer
    assertThat(fields).as(out).hasSizeGreaterThanOrEqualTo(5);
    return Integer.parseInt(fields[2]);
  }

  @Test
  void theBacklogIsTheOneAskedFor() throws Exception {
    try (TestServer server = TestServer.start(b -> b.backlog(77)); RawClient c = new RawClient(server.address())) {
      assertThat(backlog(server.port())).isEqualTo(77);
      c.send("stats settings\r\n");
      assertThat(c.readUntil("END\r\n")).contains("STAT tcp_backlog 77\r\n").contains("STAT cas_enabled yes\r\n");
    }
    try (TestServer server = TestServer.start()) {
      assertThat(backlog(server.port())).as("memcached's default").isEqualTo(1024);
    }
  }

  @Test
  void memcachedReportsItTheSameWay() throws Exception {
    try (MemcachedProcess memcached = MemcachedProcess.start("-b", "77")) {
      assertThat(backlog(memcached.port())).isEqualTo(77);
    }
  }
}
