package io.safecached.audit;

import java.util.Map;

/**
 * Every kind of finding, with its stable id, title, one-line remedy and the severity it gets for each address
 * scope. Ids never change meaning; new checks get new ids.
 */
public enum FindingType {
  TCP_UNAUTHENTICATED("MC-TCP-UNAUTHENTICATED",
      "Serves commands over TCP without authentication (stats answered)",
      "Bind to trusted interfaces only (-l 127.0.0.1 or a private address), enable authentication (-S or -Y),"
          + " and firewall the port",
      Severity.LOW, Severity.MEDIUM, Severity.HIGH),
  PROXY_UNAUTHENTICATED("MC-PROXY-UNAUTHENTICATED",
      "Serves reads over TCP without authentication but not stats (a proxy such as twemproxy): the cache behind"
          + " it is open",
      "Bind the proxy to trusted interfaces only (listen: 127.0.0.1 or a private address), firewall its port, and"
          + " audit the servers behind it too",
      Severity.LOW, Severity.MEDIUM, Severity.HIGH),
  UDP_AMPLIFICATION("MC-UDP-AMPLIFICATION",
      "Answers framed UDP requests: a reflection/amplification DDoS source (CVE-2018-1000115)",
      "Turn UDP off with -U 0 (the default since memcached 1.5.6) and block the UDP port at the firewall",
      Severity.LOW, Severity.MEDIUM, Severity.CRITICAL),
  WRITE_ACCESS("MC-WRITE-ACCESS",
      "Accepts writes without authentication (--write-check stored, read back and deleted a test key)",
      "Require authentication before any command (-S or -Y) and bind to trusted interfaces (-l 127.0.0.1)",
      Severity.LOW, Severity.HIGH, Severity.CRITICAL),
  LISTEN_ALL_INTERFACES("MC-LISTEN-ALL-INTERFACES",
      "Listens on every interface (0.0.0.0 or ::), not only where clients are",
      "Name the interfaces to listen on: -l 127.0.0.1, or a private address",
      Severity.LOW, Severity.LOW, Severity.LOW),
  VERSION_CVE("MC-VERSION-CVE",
      "Reported version is in the affected range of known memcached CVEs (backported fixes cannot be seen)",
      "Upgrade memcached to the latest release, or confirm that your distribution backported the fixes",
      Severity.INFO, Severity.LOW, Severity.LOW),
  AUTH_CLEARTEXT("MC-AUTH-CLEARTEXT",
      "Asks for credentials over an unencrypted connection (SASL PLAIN / -Y tokens travel in clear)",
      "Enable TLS (-Z with ssl_chain_cert/ssl_key) or keep the port on a trusted network",
      Severity.INFO, Severity.LOW, Severity.LOW),
  AUTH_REQUIRED("MC-AUTH-REQUIRED",
      "Requires authentication before serving commands",
      "None needed; keep credentials strong and the version current",
      Severity.INFO, Severity.INFO, Severity.INFO),
  TLS("MC-TLS",
      "Speaks TLS on this port (handshake succeeded; the certificate is not verified by the audit)",
      "None needed; require client certificates (-o ssl_verify_mode=2) if only known clients may connect",
      Severity.INFO, Severity.INFO, Severity.INFO),
  BINARY_PROTOCOL("MC-BINARY-PROTOCOL",
      "Answers the deprecated binary protocol",
      "If no client needs it, accept only ASCII with -B ascii (most historical memcached CVEs were in binary)",
      Severity.INFO, Severity.INFO, Severity.INFO),
  SAFECACHED("MC-SAFECACHED",
      "The server identifies itself as safecached; memcached CVEs are not matched against it",
      "None needed; keep safecached current",
      Severity.INFO, Severity.INFO, Severity.INFO),
  NOT_MEMCACHED("MC-NOT-MEMCACHED",
      "TCP port open, but nothing answered like memcached (text, binary, TLS or the read probe)",
      "None; check that this is the service you meant to audit",
      Severity.INFO, Severity.INFO, Severity.INFO);

  private final String id;
  private final String title;
  private final String remedy;
  private final Map<Scope, Severity> severity;

  FindingType(String id, String title, String remedy, Severity loopback, Severity privateNet, Severity pub) {
    this.id = id;
    this.title = title;
    this.remedy = remedy;
    this.severity = Map.of(Scope.LOOPBACK, loopback, Scope.PRIVATE, privateNet, Scope.PUBLIC, pub,
        Scope.ALL_INTERFACES, pub);
  }

  /** The stable id, e.g. {@code MC-UDP-AMPLIFICATION}. */
  public String id() {
    return id;
  }

  /** What it means, in one line. */
  public String title() {
    return title;
  }

  /** What to do about it, in one line. */
  public String remedy() {
    return remedy;
  }

  /** The severity for a finding on an address of this scope. */
  public Severity severity(Scope scope) {
    return severity.get(scope);
  }
}
