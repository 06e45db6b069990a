package io.safecached.audit;

import io.safecached.config.Addresses;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Turns an {@link Observation} into findings. Pure: no I/O, the clock only stamps the result.
 *
 * <p>The rule: what a probe can reach is reported as observed (a default safecached on loopback <em>is</em>
 * reachable without authentication), but the severity depends on the scope of the address it was reached on
 * ({@link FindingType#severity(Scope)}): loopback findings are low at most, private-network ones medium or
 * high, public or all-interface ones high or critical. A target is <em>exposed</em> when one of its findings
 * is at or above {@code failOn} (default medium), so a loopback-only listener is fine while an
 * unauthenticated TCP port on a non-loopback address is exposed. {@code scopeOverride} replaces the scope
 * derived from the address (for audits through tunnels or port forwards).
 */
public final class Classifier {
  private final CveDatabase cves;
  private final Severity failOn;
  private final Scope scopeOverride;
  private final Clock clock;

  public Classifier(CveDatabase cves, Severity failOn, Scope scopeOverride, Clock clock) {
    this.cves = cves;
    this.failOn = failOn;
    this.scopeOverride = scopeOverride;
    this.clock = clock;
  }

  /** The scope a target is judged in. */
  public Scope scopeOf(Target t) {
    if (scopeOverride != null) {
      return scopeOverride;
    }
    if (t.local() != null) {
      return Scope.of(t.local().bindAddress());
    }
    return t.address() == null ? Scope.PUBLIC : Scope.of(t.address());
  }

  /** Classifies one target's observation. */
  public TargetResult classify(long index, Target target, Observation obs) {
    Scope scope = scopeOf(target);
    TargetResult facts = new TargetResult(index, target, clock.instant(), scope, obs, List.of(), List.of(), false);
    if (obs.error() != null) {
      return facts;
    }
    List<Finding> out = new ArrayList<>();
    String version = facts.version();
    List<Cve> inRange = cves.inAffectedRange(version);

    if (facts.proxyUnauthenticated()) {
      out.add(finding(FindingType.PROXY_UNAUTHENTICATED, scope, proxyDetail(obs), null));
    } else if (facts.tcpUnauthenticated()) {
      out.add(finding(FindingType.TCP_UNAUTHENTICATED, scope, unauthenticatedDetail(facts, obs),
          facts.tls() ? FindingType.TCP_UNAUTHENTICATED.remedy()
              + "; TLS alone does not authenticate clients: require client certificates (-o ssl_verify_mode=2)"
              : null));
    }
    if (facts.udpOpen()) {
      out.add(finding(FindingType.UDP_AMPLIFICATION, scope, udpDetail(target, obs.udp()), null));
    }
    if (facts.writeAccess()) {
      WriteCheck w = obs.write();
      out.add(finding(FindingType.WRITE_ACCESS, scope, "set " + (w.stored() ? "STORED" : "refused")
          + ", get " + (w.readBack() ? "returned the value" : "did not return it")
          + ", delete " + (w.deleted() ? "DELETED" : "failed (the key expires after 1 second)"), null));
    }
    if (target.local() != null && target.local().bindAddress().isAnyLocalAddress()) {
      out.add(finding(FindingType.LISTEN_ALL_INTERFACES, scope, target.local().protocol() + " "
          + Addresses.text(target.local().bindAddress()) + ":" + target.local().port() + " (pid "
          + target.local().pid() + ", " + target.local().program() + ")", null));
    }
    if (CveDatabase.isSafecached(version)) {
      out.add(finding(FindingType.SAFECACHED, scope, "version " + version, null));
    } else if (!inRange.isEmpty()) {
      Optional<Version> fix = CveDatabase.highestFix(inRange);
      String ids = inRange.stream()
          .map(c -> c.feature().isBlank() ? c.id() : c.id() + " (" + c.feature() + ")")
          .collect(Collectors.joining(", "));
      out.add(finding(FindingType.VERSION_CVE, scope, "memcached " + version + " is in the affected range of "
          + inRange.size() + " CVE" + (inRange.size() == 1 ? "" : "s") + ": " + ids,
          fix.map(v -> "Upgrade to memcached " + v + " or later (the latest release is best), or confirm that"
              + " your distribution backported the fixes").orElse(null)));
    }
    if (facts.authRequired()) {
      List<String> how = new ArrayList<>();
      if (facts.authMethods().contains("sasl")) {
        how.add("SASL" + (facts.saslMechanisms().isEmpty() ? "" : " (" + String.join(" ", facts.saslMechanisms())
            + ")"));
      }
      if (facts.authMethods().contains("ascii")) {
        how.add("ASCII auth (-Y)");
      }
      String source = obs.text() == null && obs.binary() == null ? " (from the command line)" : "";
      out.add(finding(FindingType.AUTH_REQUIRED, scope, String.join(", ", how) + source, null));
      if (!facts.tls()) {
        out.add(finding(FindingType.AUTH_CLEARTEXT, scope, "credentials would be sent without TLS", null));
      }
    }
    if (facts.tls()) {
      TlsReply t = obs.tls();
      out.add(finding(FindingType.TLS, scope, t == null ? "-Z on the command line"
          : "handshake succeeded" + (t.protocol() == null ? "" : " (" + t.protocol() + ")"), null));
    }
    if (facts.binaryProtocol()) {
      out.add(finding(FindingType.BINARY_PROTOCOL, scope, "binary VERSION answered"
          + (obs.binary().version() == null ? "" : ": " + obs.binary().version()), null));
    }
    if (facts.tcpOpen() && target.local() == null && !facts.memcachedAnswered() && !facts.tls()) {
      TextReply t = obs.text();
      String why = t != null && t.foreign() ? "replied with something else: " + t.detail()
          : t != null && t.detail() != null ? t.detail() : "no reply within the timeout";
      ReadReply rd = obs.read();
      if (rd != null && rd.detail() != null) {
        why += "; read probe: " + rd.detail();
      }
      out.add(finding(FindingType.NOT_MEMCACHED, scope, why, null));
    }
    out.sort(Comparator.comparing(Finding::severity).reversed()
        .thenComparing(f -> f.type().ordinal()));
    boolean exposed = out.stream().anyMatch(f -> f.severity().atLeast(failOn));
    return new TargetResult(index, target, facts.timestamp(), scope, obs, out, inRange, exposed);
  }

  private static Finding finding(FindingType type, Scope scope, String detail, String remedy) {
    return new Finding(type, type.severity(scope), detail, remedy == null ? type.remedy() : remedy);
  }

  private static String unauthenticatedDetail(TargetResult r, Observation obs) {
    if (obs.text() == null && obs.binary() == null && r.target().local() != null) {
      return "listening on " + Addresses.text(r.target().local().bindAddress()) + ":" + r.target().port()
          + " with neither -S nor -Y on the command line (not probed: --passive)";
    }
    StringBuilder sb = new StringBuilder();
    boolean viaText = obs.text() != null && obs.text().unauthenticated();
    boolean viaTls = !viaText && obs.tls() != null && obs.tls().text() != null
        && obs.tls().text().unauthenticated();
    if (viaText || viaTls) {
      sb.append("stats answered").append(viaTls ? " over TLS" : "");
      Long items = r.stat("curr_items");
      Long bytes = r.stat("bytes");
      Long conns = r.stat("curr_connections");
      if (items != null) {
        sb.append(": ").append(items).append(" items");
        if (bytes != null) {
          sb.append(", ").append(bytes).append(" bytes");
        }
        if (conns != null) {
          sb.append(", ").append(conns).append(" connections");
        }
      }
    } else {
      sb.append("binary NOOP answered without authentication");
    }
    return sb.toString();
  }

  /** What answered and what did not: the evidence that a port refusing {@code stats} still serves reads. */
  private static String proxyDetail(Observation obs) {
    TextReply t = obs.text();
    ReadReply rd = obs.read();
    StringBuilder sb = new StringBuilder("get of a random key answered ").append(rd.getReply());
    if (rd.version() != null) {
      sb.append(", version answered ").append(rd.version());
    } else if (rd.detail() != null) {
      sb.append(", then ").append(rd.detail());
    }
    sb.append("; stats not served (")
        .append(t == null || t.detail() == null ? "no reply" : t.detail())
        .append(")");
    if (rd.getReply() != null && rd.getReply().startsWith("SERVER_ERROR")) {
      sb.append("; the servers behind it may be down, but the port takes commands without authentication");
    }
    return sb.toString();
  }

  private static String udpDetail(Target t, UdpReply u) {
    if (u == null) {
      return "UDP socket bound on port " + t.port() + "; amplification not measured (--passive)";
    }
    String s = String.format(Locale.ROOT, "framed stats: %d B request -> %d B in %d datagram%s: %.1fx"
            + " (on the wire %.1fx)", u.requestBytes(), u.responseBytes(), u.datagrams(),
        u.datagrams() == 1 ? "" : "s", u.amplification(), u.onWireAmplification());
    if (!u.complete()) {
      s += String.format(Locale.ROOT, "; %d of %d datagrams arrived", u.datagrams(), u.expected());
    }
    return s;
  }
}
