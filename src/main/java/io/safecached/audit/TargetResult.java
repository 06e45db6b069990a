package io.safecached.audit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The verdict on one target: what was observed, the findings, the CVEs whose range holds its version, and
 * whether it counts as exposed (a finding at or above the {@code --fail-on} severity). The accessors derive
 * the report fields from the observation.
 */
public record TargetResult(long index, Target target, Instant timestamp, Scope scope, Observation observation,
                           List<Finding> findings, List<Cve> cves, boolean exposed) {
  public TargetResult {
    findings = List.copyOf(findings);
    cves = List.copyOf(cves);
  }

  private TextReply text() {
    return observation.text();
  }

  private TextReply tlsText() {
    TlsReply t = observation.tls();
    return t == null ? null : t.text();
  }

  /** A TCP connection was accepted (or, for a passive local scan, the socket is listening). */
  public boolean tcpOpen() {
    if (text() != null && text().connect() == Connect.OPEN) {
      return true;
    }
    if (observation.binary() != null && observation.binary().connect() == Connect.OPEN) {
      return true;
    }
    return text() == null && observation.binary() == null && target.local() != null && target.tcp();
  }

  /** How the TCP connection attempt ended. */
  public Connect tcpState() {
    if (tcpOpen()) {
      return Connect.OPEN;
    }
    if (text() != null) {
      return text().connect();
    }
    return observation.binary() != null ? observation.binary().connect() : Connect.NOT_PROBED;
  }

  /** The server answered like memcached on TCP (text, binary, over TLS, or to the read probe). */
  public boolean memcachedAnswered() {
    return (text() != null && text().answered())
        || (observation.binary() != null && observation.binary().answered())
        || (tlsText() != null && tlsText().answered())
        || (observation.read() != null && observation.read().answered());
  }

  /**
   * Commands are served without authentication over TCP (plain or TLS), observed or, passively, configured:
   * {@code stats}, binary NOOP, or only a read ({@link #proxyUnauthenticated()}).
   */
  public boolean tcpUnauthenticated() {
    return statsOrNoopUnauthenticated() || proxyUnauthenticated();
  }

  /**
   * {@code stats} was not served, but the read probe's {@code get} of a random key was, without authentication:
   * a proxy (twemproxy does not forward {@code stats}) or a server that hides its statistics.
   */
  public boolean proxyUnauthenticated() {
    return observation.read() != null && observation.read().readAccepted() && !statsOrNoopUnauthenticated();
  }

  private boolean statsOrNoopUnauthenticated() {
    if (text() != null && text().unauthenticated()) {
      return true;
    }
    if (tlsText() != null && tlsText().unauthenticated()) {
      return true;
    }
    if (observation.binary() != null && observation.binary().noopAnswered()) {
      return true;
    }
    return passiveLocalTcp() && !target.local().authConfigured();
  }

  private boolean passiveLocalTcp() {
    return target.local() != null && target.tcp() && text() == null && observation.binary() == null;
  }

  /** The server asked for authentication (and served nothing without it). */
  public boolean authRequired() {
    if (tcpUnauthenticated()) {
      return false;
    }
    return !authMethods().isEmpty();
  }

  /** {@code sasl} and/or {@code ascii}: the authentication schemes seen. */
  public List<String> authMethods() {
    List<String> m = new ArrayList<>();
    BinaryReply b = observation.binary();
    if ((b != null && (b.authRequired() || !b.saslMechanisms().isEmpty()))
        || (passiveLocalTcp() && target.local().sasl())) {
      m.add("sasl");
    }
    if ((text() != null && text().authRequired()) || (tlsText() != null && tlsText().authRequired())
        || (observation.read() != null && observation.read().authRequired())
        || (passiveLocalTcp() && target.local().asciiAuth())) {
      m.add("ascii");
    }
    return m;
  }

  /** The SASL mechanisms listed by the server. */
  public List<String> saslMechanisms() {
    return observation.binary() == null ? List.of() : observation.binary().saslMechanisms();
  }

  /** The binary protocol answered. */
  public boolean binaryProtocol() {
    return observation.binary() != null && observation.binary().answered();
  }

  /** The port speaks TLS (handshake succeeded), or passively, {@code -Z} is configured. */
  public boolean tls() {
    if (observation.tls() != null) {
      return observation.tls().handshake();
    }
    return passiveLocalTcp() && target.local().tls();
  }

  /** How the UDP probe ended. */
  public Connect udpState() {
    if (observation.udp() != null) {
      return observation.udp().connect();
    }
    if (target.local() != null && target.udp()) {
      return Connect.OPEN;
    }
    return Connect.NOT_PROBED;
  }

  /** The framed UDP probe was sent and answered (never with --passive, which sends nothing). */
  public boolean udpAnswered() {
    return observation.udp() != null && observation.udp().connect() == Connect.OPEN;
  }

  /** UDP answered (or, passively, a memcached UDP socket is bound). */
  public boolean udpOpen() {
    return udpState() == Connect.OPEN;
  }

  /** Measured amplification of the framed UDP stats probe, when UDP answered. */
  public OptionalDouble amplification() {
    UdpReply u = observation.udp();
    return u != null && u.connect() == Connect.OPEN ? OptionalDouble.of(u.amplification()) : OptionalDouble.empty();
  }

  /** The stats map from the best source: plain TCP, TLS, then UDP. */
  public Map<String, String> stats() {
    if (text() != null && !text().stats().isEmpty()) {
      return text().stats();
    }
    if (tlsText() != null && !tlsText().stats().isEmpty()) {
      return tlsText().stats();
    }
    if (observation.udp() != null && !observation.udp().stats().isEmpty()) {
      return observation.udp().stats();
    }
    return Map.of();
  }

  /** The reported version, from text, TLS, binary VERSION, the read probe or UDP stats; null when none. */
  public String version() {
    if (text() != null && text().version() != null) {
      return text().version();
    }
    if (tlsText() != null && tlsText().version() != null) {
      return tlsText().version();
    }
    if (observation.binary() != null && observation.binary().version() != null) {
      return observation.binary().version();
    }
    if (observation.read() != null && observation.read().version() != null) {
      return observation.read().version();
    }
    return stats().get("version");
  }

  /** {@code safecached}, {@code memcached} (any other server answering like it), or null when nothing answered. */
  public String product() {
    String v = version();
    if (CveDatabase.isSafecached(v)) {
      return "safecached";
    }
    if (target.local() != null) {
      return target.local().program();
    }
    return memcachedAnswered() || udpOpen() ? "memcached" : null;
  }

  /** A numeric stat, or null. */
  public Long stat(String name) {
    String v = stats().get(name);
    if (v == null) {
      return null;
    }
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** The server's pid from stats, or the local listener's process. */
  public Long pid() {
    Long p = stat("pid");
    if (p == null && target.local() != null && target.local().pid() >= 0) {
      return target.local().pid();
    }
    return p;
  }

  /** Write access proven by {@code --write-check}. */
  public boolean writeAccess() {
    return observation.write() != null && observation.write().stored();
  }

  /** The worst severity among the findings, or null when there are none. */
  public Severity severity() {
    return findings.stream().map(Finding::severity).max(Severity::compareTo).orElse(null);
  }

  /** The finding ids, in order. */
  public List<String> findingIds() {
    return findings.stream().map(Finding::id).toList();
  }

  /** A local error that stopped probing, or null. */
  public String error() {
    return observation.error();
  }
}
