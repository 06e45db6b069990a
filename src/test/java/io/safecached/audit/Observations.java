package io.safecached.audit;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Hand-made observations for classifier and report tests. */
final class Observations {
  private Observations() {}

  static Map<String, String> stats(String version) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("pid", "4242");
    m.put("uptime", "120");
    m.put("time", "1795000000");
    m.put("version", version);
    m.put("pointer_size", "64");
    m.put("curr_connections", "3");
    m.put("total_connections", "9");
    m.put("curr_items", "17");
    m.put("bytes", "1234");
    m.put("limit_maxbytes", "67108864");
    m.put("threads", "4");
    return m;
  }

  static TextReply openText(String version) {
    return new TextReply(Connect.OPEN, true, version, stats(version), false, false, false, 2200, null);
  }

  static BinaryReply binary(String version) {
    return new BinaryReply(Connect.OPEN, true, version, List.of(), false, true);
  }

  static UdpReply udp(String version) {
    return new UdpReply(Connect.OPEN, 15, 2236, 2, 2, true, stats(version), false);
  }

  /** memcached with UDP on, nothing protected. */
  static Observation wideOpen(String version) {
    return new Observation(openText(version), binary(version), null, udp(version), null, null);
  }

  /** memcached -S: ASCII silent, binary VERSION and LIST_MECHS answered, NOOP refused. */
  static Observation sasl(String version) {
    TextReply silent = new TextReply(Connect.OPEN, false, null, Map.of(), false, false, false, 0, "no reply");
    BinaryReply b = new BinaryReply(Connect.OPEN, true, version, List.of("PLAIN"), true, false);
    return new Observation(silent, b, null, UdpReply.silent(Connect.CLOSED, 15, false), null, null);
  }

  /**
   * twemproxy: closes the connection on {@code stats} (nothing answered), no binary protocol, no TLS; the read
   * probe's {@code get} answered {@code getReply} and {@code version} was forwarded to a server behind it.
   */
  static Observation proxy(String getReply, boolean accepted, boolean authRequired) {
    TextReply closed = new TextReply(Connect.OPEN, false, null, Map.of(), false, false, false, 0,
        "closed the connection without a reply");
    ReadReply read = new ReadReply(Connect.OPEN, true, getReply, accepted, authRequired ? null : "1.6.18",
        authRequired, false, authRequired ? "get answered " + getReply : null);
    return new Observation(closed, new BinaryReply(Connect.OPEN, false, null, List.of(), false, false),
        new TlsReply(false, null, null), read, null, null, null);
  }

  /** Connection refused everywhere. */
  static Observation closed() {
    return new Observation(TextReply.failed(Connect.CLOSED, "refused"), BinaryReply.failed(Connect.CLOSED), null,
        UdpReply.silent(Connect.CLOSED, 15, false), null, null);
  }
}
