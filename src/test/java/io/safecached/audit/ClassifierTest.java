package io.safecached.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClassifierTest {
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T08:00:00Z"), ZoneOffset.UTC);
  private final Classifier classifier = new Classifier(CveDatabase.bundled(), Severity.MEDIUM, null, CLOCK);

  private static Target at(String ip) throws Exception {
    return Target.remote(ip, InetAddress.getByName(ip), 11211);
  }

  private static Finding find(TargetResult r, FindingType type) {
    return r.findings().stream().filter(f -> f.type() == type).findFirst().orElseThrow();
  }

  @Test
  void scopesFollowTheAddress() throws Exception {
    assertThat(Scope.of(InetAddress.getByName("127.0.0.2"))).isEqualTo(Scope.LOOPBACK);
    assertThat(Scope.of(InetAddress.getByName("::1"))).isEqualTo(Scope.LOOPBACK);
    assertThat(Scope.of(InetAddress.getByName("10.1.2.3"))).isEqualTo(Scope.PRIVATE);
    assertThat(Scope.of(InetAddress.getByName("172.31.0.1"))).isEqualTo(Scope.PRIVATE);
    assertThat(Scope.of(InetAddress.getByName("192.168.9.9"))).isEqualTo(Scope.PRIVATE);
    assertThat(Scope.of(InetAddress.getByName("100.64.0.1"))).isEqualTo(Scope.PRIVATE);
    assertThat(Scope.of(InetAddress.getByName("fd00::1"))).isEqualTo(Scope.PRIVATE);
    assertThat(Scope.of(InetAddress.getByName("fe80::1"))).isEqualTo(Scope.PRIVATE);
    assertThat(Scope.of(InetAddress.getByName("::ffff:10.0.0.1"))).isEqualTo(Scope.PRIVATE);
    assertThat(Scope.of(InetAddress.getByName("192.0.2.1"))).isEqualTo(Scope.PUBLIC);
    assertThat(Scope.of(InetAddress.getByName("2001:db8::1"))).isEqualTo(Scope.PUBLIC);
    assertThat(Scope.of(InetAddress.getByName("0.0.0.0"))).isEqualTo(Scope.ALL_INTERFACES);
  }

  @Test
  void unauthenticatedOnAPublicAddressIsExposed() throws Exception {
    TargetResult r = classifier.classify(0, at("192.0.2.1"), Observations.wideOpen("1.4.25"));
    assertThat(r.exposed()).isTrue();
    assertThat(r.scope()).isEqualTo(Scope.PUBLIC);
    assertThat(find(r, FindingType.TCP_UNAUTHENTICATED).severity()).isEqualTo(Severity.HIGH);
    assertThat(find(r, FindingType.UDP_AMPLIFICATION).severity()).isEqualTo(Severity.CRITICAL);
    assertThat(find(r, FindingType.UDP_AMPLIFICATION).detail()).contains("15 B request -> 2236 B in 2 datagrams",
        "149.1x");
    assertThat(r.findingIds().get(0)).isEqualTo("MC-UDP-AMPLIFICATION");
    assertThat(r.cves()).extracting(Cve::id).contains("CVE-2018-1000115");
    assertThat(find(r, FindingType.VERSION_CVE).detail()).contains("affected range").doesNotContain("vulnerable");
    assertThat(find(r, FindingType.VERSION_CVE).remedy()).contains("1.6.42");
    assertThat(r.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(r.pid()).isEqualTo(4242L);
    assertThat(r.amplification()).hasValueCloseTo(149.07, org.assertj.core.data.Offset.offset(0.01));
  }

  @Test
  void theSameServerOnLoopbackIsReportedButNotExposed() throws Exception {
    TargetResult r = classifier.classify(0, at("127.0.0.1"), Observations.wideOpen("1.6.18"));
    assertThat(r.tcpUnauthenticated()).isTrue();
    assertThat(r.udpOpen()).isTrue();
    assertThat(r.exposed()).isFalse();
    assertThat(find(r, FindingType.TCP_UNAUTHENTICATED).severity()).isEqualTo(Severity.LOW);
    assertThat(find(r, FindingType.VERSION_CVE).severity()).isEqualTo(Severity.INFO);
    Classifier strict = new Classifier(CveDatabase.bundled(), Severity.LOW, null, CLOCK);
    assertThat(strict.classify(0, at("127.0.0.1"), Observations.wideOpen("1.6.18")).exposed()).isTrue();
  }

  @Test
  void privateNetworksAreMediumAndCountAsExposed() throws Exception {
    TargetResult r = classifier.classify(0, at("10.0.0.5"), Observations.wideOpen("1.6.18"));
    assertThat(find(r, FindingType.TCP_UNAUTHENTICATED).severity()).isEqualTo(Severity.MEDIUM);
    assertThat(r.exposed()).isTrue();
  }

  @Test
  void scopeOverrideJudgesALoopbackTunnelAsPublic() throws Exception {
    Classifier c = new Classifier(CveDatabase.bundled(), Severity.MEDIUM, Scope.PUBLIC, CLOCK);
    TargetResult r = c.classify(0, at("127.0.0.1"), Observations.wideOpen("1.6.18"));
    assertThat(r.scope()).isEqualTo(Scope.PUBLIC);
    assertThat(r.exposed()).isTrue();
  }

  @Test
  void saslServerRequiresAuthAndStillTellsItsVersion() throws Exception {
    TargetResult r = classifier.classify(0, at("192.0.2.1"), Observations.sasl("1.4.15"));
    assertThat(r.tcpUnauthenticated()).isFalse();
    assertThat(r.authRequired()).isTrue();
    assertThat(r.authMethods()).containsExactly("sasl");
    assertThat(r.version()).isEqualTo("1.4.15");
    assertThat(r.findingIds()).contains("MC-AUTH-REQUIRED", "MC-AUTH-CLEARTEXT", "MC-VERSION-CVE")
        .doesNotContain("MC-TCP-UNAUTHENTICATED", "MC-UDP-AMPLIFICATION");
    assertThat(find(r, FindingType.AUTH_REQUIRED).detail()).contains("PLAIN");
    assertThat(r.cves()).extracting(Cve::id).contains("CVE-2013-7239");
    assertThat(r.exposed()).isFalse();
  }

  @Test
  void safecachedIsNotMatchedAgainstMemcachedCves() throws Exception {
    TargetResult r = classifier.classify(0, at("192.0.2.1"), Observations.wideOpen("1.4.0-safecached-0.1.0"));
    assertThat(r.cves()).isEmpty();
    assertThat(r.product()).isEqualTo("safecached");
    assertThat(r.findingIds()).contains("MC-SAFECACHED").doesNotContain("MC-VERSION-CVE");
  }

  @Test
  void closedPortHasNoFindings() throws Exception {
    TargetResult r = classifier.classify(0, at("192.0.2.1"), Observations.closed());
    assertThat(r.findings()).isEmpty();
    assertThat(r.exposed()).isFalse();
    assertThat(r.tcpState()).isEqualTo(Connect.CLOSED);
    assertThat(r.udpState()).isEqualTo(Connect.CLOSED);
    assertThat(r.product()).isNull();
  }

  @Test
  void writeAccessIsCriticalInPublic() throws Exception {
    Observation o = Observations.wideOpen("1.6.18");
    o = new Observation(o.text(), o.binary(), null, null, new WriteCheck(true, true, true, null), null);
    TargetResult r = classifier.classify(0, at("192.0.2.1"), o);
    assertThat(find(r, FindingType.WRITE_ACCESS).severity()).isEqualTo(Severity.CRITICAL);
    assertThat(r.writeAccess()).isTrue();
  }

  @Test
  void silentTcpPortIsNotMemcached() throws Exception {
    TextReply silent = new TextReply(Connect.OPEN, false, null, java.util.Map.of(), false, false, false, 0, null);
    Observation o = new Observation(silent, new BinaryReply(Connect.OPEN, false, null, List.of(), false, false),
        new TlsReply(false, null, null), null, null, null);
    TargetResult r = classifier.classify(0, at("192.0.2.1"), o);
    assertThat(r.findingIds()).containsExactly("MC-NOT-MEMCACHED");
    assertThat(r.exposed()).isFalse();
  }

  @Test
  void aPortThatServesReadsButNotStatsIsAnOpenProxyJudgedLikeAnOpenServer() throws Exception {
    Observation o = Observations.proxy("END", true, false);
    for (String ip : List.of("127.0.0.1", "10.0.0.5", "192.0.2.1")) {
      TargetResult r = classifier.classify(0, at(ip), o);
      Finding f = find(r, FindingType.PROXY_UNAUTHENTICATED);
      TargetResult direct = classifier.classify(0, at(ip), Observations.wideOpen("1.6.18"));
      assertThat(f.severity()).as("as severe as an open memcached on %s", ip)
          .isEqualTo(find(direct, FindingType.TCP_UNAUTHENTICATED).severity());
      assertThat(r.exposed()).isEqualTo(direct.exposed());
      assertThat(r.tcpUnauthenticated()).isTrue();
      assertThat(r.proxyUnauthenticated()).isTrue();
      assertThat(r.findingIds()).doesNotContain("MC-TCP-UNAUTHENTICATED", "MC-NOT-MEMCACHED", "MC-AUTH-REQUIRED");
      assertThat(f.detail()).isEqualTo("get of a random key answered END, version answered 1.6.18; stats not served"
          + " (closed the connection without a reply)");
    }
    TargetResult pub = classifier.classify(0, at("192.0.2.1"), o);
    assertThat(pub.severity()).isEqualTo(Severity.HIGH);
    assertThat(pub.version()).isEqualTo("1.6.18");
    assertThat(pub.product()).isEqualTo("memcached");
  }

  @Test
  void aProxyWhoseServersFailIsStillOpenAndOneAskingForAuthenticationIsNot() throws Exception {
    TargetResult down = classifier.classify(0, at("192.0.2.1"),
        Observations.proxy("SERVER_ERROR Connection refused", true, false));
    assertThat(find(down, FindingType.PROXY_UNAUTHENTICATED).detail()).contains("may be down");
    TargetResult auth = classifier.classify(0, at("192.0.2.1"),
        Observations.proxy("CLIENT_ERROR unauthenticated", false, true));
    assertThat(auth.findingIds()).contains("MC-AUTH-REQUIRED")
        .doesNotContain("MC-PROXY-UNAUTHENTICATED", "MC-TCP-UNAUTHENTICATED", "MC-NOT-MEMCACHED");
    assertThat(auth.exposed()).isFalse();
  }

  @Test
  void aStatsAnswerWinsOverTheReadProbe() throws Exception {
    Observation open = Observations.wideOpen("1.6.18");
    Observation both = new Observation(open.text(), open.binary(), null,
        Observations.proxy("END", true, false).read(), null, null, null);
    TargetResult r = classifier.classify(0, at("192.0.2.1"), both);
    assertThat(r.findingIds()).contains("MC-TCP-UNAUTHENTICATED").doesNotContain("MC-PROXY-UNAUTHENTICATED");
  }

  @Test
  void errorsCarryNoFindings() throws Exception {
    TargetResult r = classifier.classify(0, Target.remote("x.invalid", null, 1), Observation.error("cannot resolve"));
    assertThat(r.error()).isEqualTo("cannot resolve");
    assertThat(r.findings()).isEmpty();
    assertThat(r.scope()).isEqualTo(Scope.PUBLIC);
    assertThat(r.timestamp()).isEqualTo(Instant.parse("2026-11-23T08:00:00Z"));
  }

  @Test
  void everyFindingTypeHasAStableIdAndRemedy() {
    for (FindingType t : FindingType.values()) {
      assertThat(t.id()).matches("MC-[A-Z-]+");
      assertThat(t.remedy()).isNotBlank().doesNotContain("\n");
      for (Scope s : Scope.values()) {
        assertThat(t.severity(s)).isNotNull();
      }
      assertThat(t.severity(Scope.LOOPBACK)).isLessThanOrEqualTo(Severity.LOW);
    }
  }
}
