package io.safecached.audit;

import io.safecached.config.Addresses;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalScannerTest {
  @Test
  void decodesKernelAddresses() throws Exception {
    assertThat(LocalScanner.hexAddress("0100007F")).isEqualTo(InetAddress.getByName("127.0.0.1"));
    assertThat(LocalScanner.hexAddress("00000000000000000000000001000000")).isEqualTo(InetAddress.getByName("::1"));
    assertThat(LocalScanner.hexAddress("B80D0120000000000000000001000000"))
        .isEqualTo(InetAddress.getByName("2001:db8::1"));
  }

  @Test
  void findsMemcachedAndSafecachedListeners(@TempDir Path dir) throws Exception {
    List<LocalListener> found = new LocalScanner(ProcFixture.write(dir, 0)).listeners();
    assertThat(found).extracting(l -> l.protocol() + " " + Addresses.text(l.bindAddress()) + ":" + l.port()
        + " " + l.pid() + " " + l.program()).containsExactlyInAnyOrder(
        "tcp 0.0.0.0:11211 100 memcached",
        "udp 0.0.0.0:11211 100 memcached",
        "tcp 127.0.0.1:20410 200 memcached",
        "tcp ::1:11311 300 safecached");
    LocalListener sasl = found.stream().filter(l -> l.pid() == 200).findFirst().orElseThrow();
    assertThat(sasl.sasl()).isTrue();
    assertThat(sasl.asciiAuth()).isFalse();
  }

  @Test
  void parsesMemcachedStyleCommandLines() {
    LocalScanner.Proc p = LocalScanner.parseFlags(1, "memcached", List.of("memcached", "-vvS", "-U11212",
        "--listen=10.0.0.1,127.0.0.1", "-Y", "/etc/auth", "-Z", "-p", "1234"), java.util.Set.of(), true);
    assertThat(p.sasl()).isTrue();
    assertThat(p.asciiAuth()).isTrue();
    assertThat(p.tls()).isTrue();
    assertThat(p.udpPort()).isEqualTo(11212);
    assertThat(p.tcpPort()).isEqualTo(1234);
    assertThat(p.listen()).containsExactly("10.0.0.1", "127.0.0.1");
    assertThat(LocalScanner.program(List.of("/usr/local/bin/safecached", "serve"))).isEqualTo("safecached");
    assertThat(LocalScanner.program(List.of("java", "io.safecached.cli.Main", "audit"))).isNull();
    assertThat(LocalScanner.program(List.of("memcached-tool"))).isNull();
  }

  @Test
  void passiveLocalVerdictsFollowTheBindAddress(@TempDir Path dir) throws Exception {
    List<Target> targets = LocalScanner.targets(new LocalScanner(ProcFixture.write(dir, 0)).listeners());
    Classifier c = new Classifier(CveDatabase.bundled(), Severity.MEDIUM, null, Clock.systemUTC());
    Observation nothing = new Observation(null, null, null, null, null, null);
    for (Target t : targets) {
      TargetResult r = c.classify(0, t, nothing);
      switch ((int) t.local().pid()) {
        case 100 -> {
          assertThat(t.address().isLoopbackAddress()).as("wildcard probed through loopback").isTrue();
          assertThat(r.scope()).isEqualTo(Scope.ALL_INTERFACES);
          assertThat(r.exposed()).isTrue();
          assertThat(r.findingIds()).contains("MC-LISTEN-ALL-INTERFACES").contains(t.tcp()
              ? "MC-TCP-UNAUTHENTICATED" : "MC-UDP-AMPLIFICATION");
        }
        case 200 -> {
          assertThat(r.exposed()).isFalse();
          assertThat(r.authRequired()).isTrue();
          assertThat(r.findingIds()).contains("MC-AUTH-REQUIRED").doesNotContain("MC-TCP-UNAUTHENTICATED");
        }
        case 300 -> {
          assertThat(r.scope()).isEqualTo(Scope.LOOPBACK);
          assertThat(r.tcpUnauthenticated()).isTrue();
          assertThat(r.exposed()).as("a loopback-only listener is fine").isFalse();
        }
        default -> throw new AssertionError("unexpected " + t);
      }
    }
  }
}
