package io.safecached.audit.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.safecached.audit.Classifier;
import io.safecached.audit.CveDatabase;
import io.safecached.audit.Observation;
import io.safecached.audit.ProbeSettings;
import io.safecached.audit.Severity;
import io.safecached.audit.Target;
import io.safecached.audit.TargetResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The read probe against fakes on loopback that answer like twemproxy (which does not forward {@code stats}) and
 * like services that are not memcached: a port that serves reads without authentication is reported as an open
 * proxy, with the evidence, and nothing is written unless {@code --write-check} says so.
 */
class ReadProbeTest {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private final Classifier classifier = new Classifier(CveDatabase.bundled(), Severity.MEDIUM, null,
      Clock.systemUTC());

  /** No case here waits for the timeout; it is long so that a slow first connection on a busy machine is not one. */
  private static ProbeSettings settings(boolean writeCheck) {
    return new ProbeSettings(Duration.ofSeconds(5), 0, 1000, writeCheck, 64 * 1024);
  }

  /**
   * Answers like twemproxy 0.5: {@code get}/{@code gets} (from its own map, else {@code getMiss}), {@code set},
   * {@code delete}, {@code version} (forwarded: 1.6.18); when {@code getMiss} is an error (the servers behind it
   * down, or asking for authentication) {@code set} and {@code delete} get that error too. On any other command
   * ({@code stats}, meta, a binary or TLS first byte) it closes the connection without answering anything of what
   * it read, as twemproxy does on a parse error. Records every command line.
   */
  private static final class FakeTwemproxy implements FakePeer.ConnectionBehaviour {
    final List<String> commands = new CopyOnWriteArrayList<>();
    final Map<String, String> data = new ConcurrentHashMap<>();
    private final String getMiss;
    private final String statsReply;

    FakeTwemproxy(String getMiss, String statsReply) {
      this.getMiss = getMiss;
      this.statsReply = statsReply;
    }

    @Override
    public void handle(Socket s) throws IOException {
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      StringBuilder pending = new StringBuilder();
      String setKey = null;
      byte[] buf = new byte[4096];
      boolean first = true;
      for (int n; (n = in.read(buf)) > 0; first = false) {
        if (first && (buf[0] < 'a' || buf[0] > 'z')) {
          commands.add(String.format("0x%02x", buf[0] & 0xff));
          return;
        }
        pending.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
        StringBuilder reply = new StringBuilder();
        for (int eol; (eol = pending.indexOf("\r\n")) >= 0; ) {
          String line = pending.substring(0, eol);
          pending.delete(0, eol + 2);
          if (setKey != null) {
            data.put(setKey, line);
            setKey = null;
            reply.append("STORED\r\n");
            continue;
          }
          commands.add(line);
          String[] w = line.split(" ");
          boolean serversUsable = getMiss.equals("END");
          if (!serversUsable && (w[0].equals("set") || w[0].equals("delete"))) {
            if (w[0].equals("set")) {
              pending.setLength(0); // the value is not read further
            }
            reply.append(getMiss).append("\r\n");
          } else if ((w[0].equals("get") || w[0].equals("gets")) && w.length == 2) {
            String v = data.get(w[1]);
            reply.append(v == null ? getMiss + "\r\n"
                : "VALUE " + w[1] + " 0 " + v.length() + "\r\n" + v + "\r\nEND\r\n");
          } else if (w[0].equals("set") && w.length == 5) {
            setKey = w[1];
          } else if (w[0].equals("delete") && w.length == 2) {
            reply.append(data.remove(w[1]) != null ? "DELETED\r\n" : "NOT_FOUND\r\n");
          } else if (line.equals("version")) {
            reply.append("VERSION 1.6.18\r\n");
          } else if (line.equals("stats") && statsReply != null) {
            reply.append(statsReply).append("\r\n");
          } else {
            return; // twemproxy: parse error, the connection is closed and nothing read so far is answered
          }
        }
        out.write(reply.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
      }
    }

    List<String> linesStartingWith(String prefix) {
      return commands.stream().filter(c -> c.startsWith(prefix)).toList();
    }
  }

  private Observation probe(FakePeer peer, boolean writeCheck) throws Exception {
    try (NettyProber p = new NettyProber(settings(writeCheck))) {
      return p.probe(target(peer)).get(10, TimeUnit.SECONDS);
    }
  }

  private static Target target(FakePeer peer) {
    return Target.remote("127.0.0.1", LOOPBACK, peer.port()).withProtocols(true, false);
  }

  @Test
  void aTwemproxyPortThatClosesOnStatsIsAnOpenProxy() throws Exception {
    FakeTwemproxy tw = new FakeTwemproxy("END", null);
    try (FakePeer peer = FakePeer.start(tw)) {
      Observation o = probe(peer, false);
      assertThat(o.text().answered()).isFalse();
      assertThat(o.text().detail()).isEqualTo("closed the connection without a reply");
      assertThat(o.binary().answered()).isFalse();
      assertThat(o.read().readAccepted()).isTrue();
      assertThat(o.read().getReply()).isEqualTo("END");
      assertThat(o.read().version()).isEqualTo("1.6.18");
      assertThat(o.write()).isNull();
      assertThat(tw.linesStartingWith("get ")).singleElement().asString()
          .matches("get safecached-audit-[0-9a-f]{24}");
      assertThat(tw.commands).as("nothing written, no existing key read")
          .allMatch(c -> c.startsWith("get safecached-audit-") || c.equals("version") || c.equals("stats")
              || c.startsWith("0x"));

      TargetResult r = classifier.classify(0, target(peer), o);
      assertThat(r.findingIds()).contains("MC-PROXY-UNAUTHENTICATED")
          .doesNotContain("MC-NOT-MEMCACHED", "MC-TCP-UNAUTHENTICATED");
      assertThat(r.tcpUnauthenticated()).isTrue();
      assertThat(r.product()).isEqualTo("memcached");
      assertThat(r.version()).isEqualTo("1.6.18");
      assertThat(r.findings().get(0).detail()).isEqualTo("get of a random key answered END, version answered "
          + "1.6.18; stats not served (closed the connection without a reply)");
      assertThat(r.findings().get(0).severity()).as("loopback").isEqualTo(Severity.LOW);
    }
  }

  @Test
  void theWriteCheckRunsThroughAProxyOnlyWhenAskedFor() throws Exception {
    FakeTwemproxy tw = new FakeTwemproxy("END", null);
    try (FakePeer peer = FakePeer.start(tw)) {
      Observation o = probe(peer, true);
      assertThat(o.write()).isNotNull();
      assertThat(o.write().stored()).isTrue();
      assertThat(o.write().readBack()).isTrue();
      assertThat(o.write().deleted()).isTrue();
      assertThat(tw.data).as("the test key was deleted").isEmpty();
      assertThat(classifier.classify(0, target(peer), o).findingIds())
          .contains("MC-PROXY-UNAUTHENTICATED", "MC-WRITE-ACCESS");
    }
  }

  @Test
  void aProxyThatAnswersStatsWithAnErrorIsAnOpenProxy() throws Exception {
    FakeTwemproxy tw = new FakeTwemproxy("END", "ERROR");
    try (FakePeer peer = FakePeer.start(tw)) {
      Observation o = probe(peer, false);
      assertThat(o.text().answered()).as("%s", o).isTrue();
      assertThat(o.text().stats()).isEmpty();
      assertThat(o.text().detail()).isEqualTo("stats answered ERROR");
      TargetResult r = classifier.classify(0, target(peer), o);
      assertThat(r.findingIds()).contains("MC-PROXY-UNAUTHENTICATED");
      assertThat(r.findings().get(0).detail()).endsWith("stats not served (stats answered ERROR)");
    }
  }

  @Test
  void aProxyWhoseServersAreDownStillTakesCommandsWithoutAuthentication() throws Exception {
    FakeTwemproxy tw = new FakeTwemproxy("SERVER_ERROR Connection refused", null);
    try (FakePeer peer = FakePeer.start(tw)) {
      Observation o = probe(peer, true);
      assertThat(o.read().readAccepted()).isTrue();
      assertThat(o.read().getReply()).isEqualTo("SERVER_ERROR Connection refused");
      TargetResult r = classifier.classify(0, target(peer), o);
      assertThat(r.findingIds()).contains("MC-PROXY-UNAUTHENTICATED").doesNotContain("MC-WRITE-ACCESS");
      assertThat(r.findings().get(0).detail()).contains("SERVER_ERROR Connection refused", "may be down");
    }
  }

  @Test
  void aProxyInFrontOfServersThatRequireAuthenticationIsNotOpen() throws Exception {
    FakeTwemproxy tw = new FakeTwemproxy("CLIENT_ERROR unauthenticated", null);
    try (FakePeer peer = FakePeer.start(tw)) {
      Observation o = probe(peer, true);
      assertThat(o.read().readAccepted()).isFalse();
      assertThat(o.read().authRequired()).isTrue();
      assertThat(o.write()).isNull();
      TargetResult r = classifier.classify(0, target(peer), o);
      assertThat(r.findingIds()).contains("MC-AUTH-REQUIRED")
          .doesNotContain("MC-PROXY-UNAUTHENTICATED", "MC-TCP-UNAUTHENTICATED", "MC-NOT-MEMCACHED");
      assertThat(r.authMethods()).containsExactly("ascii");
    }
  }

  @Test
  void httpAndSshAreStillNotMemcachedAndGetNoReadProbe() throws Exception {
    List<String> httpSaw = new CopyOnWriteArrayList<>();
    try (FakePeer http = FakePeer.start(s -> {
           byte[] b = new byte[4096];
           int n = s.getInputStream().read(b);
           httpSaw.add(new String(b, 0, Math.max(n, 0), StandardCharsets.ISO_8859_1));
           s.getOutputStream().write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"
               .getBytes(StandardCharsets.US_ASCII));
         });
         FakePeer ssh = FakePeer.start(s -> {
           s.getOutputStream().write("SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n".getBytes(StandardCharsets.US_ASCII));
           s.getInputStream().readAllBytes();
         })) {
      for (FakePeer peer : List.of(http, ssh)) {
        Observation o = probe(peer, true);
        assertThat(o.text().foreign()).isTrue();
        assertThat(o.read()).isNull();
        assertThat(o.write()).isNull();
        TargetResult r = classifier.classify(0, target(peer), o);
        assertThat(r.findingIds()).containsExactly("MC-NOT-MEMCACHED");
        assertThat(r.findings().get(0).detail()).startsWith("replied with something else: ");
      }
      assertThat(httpSaw).noneMatch(s -> s.contains("get "));
    }
  }

  @Test
  void aPortThatClosesOnEveryRequestIsNotMemcached() throws Exception {
    try (FakePeer peer = FakePeer.start(s -> s.getInputStream().read())) {
      Observation o = probe(peer, false);
      assertThat(o.read()).isNotNull();
      assertThat(o.read().answered()).isFalse();
      TargetResult r = classifier.classify(0, target(peer), o);
      assertThat(r.findingIds()).containsExactly("MC-NOT-MEMCACHED");
      assertThat(r.findings().get(0).detail()).isEqualTo("closed the connection without a reply; read probe: "
          + "closed the connection after get");
    }
  }
}
