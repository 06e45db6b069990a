package io.safecached.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.safecached.audit.Json;
import io.safecached.testsupport.TestServer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code safecached audit} against safecached itself, in-process on loopback: the default server and a hardened
 * one (flush_all disabled, idle timeout). On loopback it answers without authentication, which is reported
 * (low) but is not "exposed"; judged as public (--scope public) it is.
 */
class AuditSafecachedIT {
  private static final String[] FAST = {"--timeout", "1500ms", "--retries", "0", "--rate", "1000", "--format",
      "json"};

  private static AuditCommandTest.Run audit(TestServer s, String... more) {
    String[] a = new String[FAST.length + more.length + 1];
    System.arraycopy(FAST, 0, a, 0, FAST.length);
    System.arraycopy(more, 0, a, FAST.length, more.length);
    a[a.length - 1] = "127.0.0.1:" + s.port();
    return AuditCommandTest.run(a);
  }

  private static void assertSafecachedOnLoopback(TestServer s) {
    AuditCommandTest.Run r = audit(s);
    assertThat(r.code()).as(r.err()).isZero();
    Map<?, ?> m = (Map<?, ?>) Json.parse(r.out());
    assertThat(m.get("product")).isEqualTo("safecached");
    assertThat(m.get("version").toString()).contains("safecached");
    assertThat(m.get("tcp_unauthenticated")).as("reachable on loopback without auth").isEqualTo(true);
    assertThat(m.get("udp")).as("UDP off by default").isNotEqualTo("open");
    assertThat(m.get("cves")).as("memcached CVEs are not matched").isEqualTo(java.util.List.of());
    assertThat(m.get("findings").toString()).contains("MC-TCP-UNAUTHENTICATED", "MC-SAFECACHED")
        .doesNotContain("MC-VERSION-CVE", "MC-UDP-AMPLIFICATION");
    assertThat(m.get("exposed")).isEqualTo(false);
    AuditCommandTest.Run pub = audit(s, "--scope", "public");
    assertThat(pub.code()).isEqualTo(1);
    assertThat(((Map<?, ?>) Json.parse(pub.out())).get("severity")).isEqualTo("high");
  }

  @Test
  void defaultSafecached() throws Exception {
    try (TestServer s = TestServer.start()) {
      assertSafecachedOnLoopback(s);
    }
  }

  @Test
  void hardenedSafecached() throws Exception {
    try (TestServer s = TestServer.start(b -> b.flushAllDisabled(true).idleTimeout(Duration.ofSeconds(30)))) {
      assertSafecachedOnLoopback(s);
    }
  }
}
