package io.safecached.audit.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.safecached.audit.Connect;
import io.safecached.audit.Observation;
import io.safecached.audit.ProbeSettings;
import io.safecached.audit.Target;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The probes against hostile or odd peers on loopback: replies are bounded in bytes and time. */
class NettyProberTest {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  private static ProbeSettings settings(int maxBytes) {
    return new ProbeSettings(Duration.ofMillis(1500), 0, 1000, false, maxBytes);
  }

  @Test
  void anEndlessStatsReplyIsCutAtTheByteLimit() throws Exception {
    try (FakePeer ss = FakePeer.start(s -> {
      OutputStream out = s.getOutputStream();
      byte[] line = "STAT filler 0123456789012345678901234567890123456789\r\n".getBytes(StandardCharsets.US_ASCII);
      for (int i = 0; i < 1_000_000; i++) {
        out.write(line);
      }
    }); NettyProber p = new NettyProber(settings(8192))) {
      long start = System.nanoTime();
      Observation o = p.probe(Target.remote("127.0.0.1", LOOPBACK, ss.port()).withProtocols(true, false))
          .get(10, TimeUnit.SECONDS);
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertThat(o.text().truncated()).isTrue();
      assertThat(o.text().bytes()).isGreaterThanOrEqualTo(8192).isLessThan(8192 + 256 * 1024);
      assertThat(o.text().stats()).hasSize(1);
      assertThat(ms).as("cut by size, not by the timeout").isLessThan(1500);
    }
  }

  @Test
  void aSilentPeerEndsAtTheTimeoutAndALineWithoutEndIsForeign() throws Exception {
    try (FakePeer silent = FakePeer.start(s -> Thread.sleep(5000));
         FakePeer noNewline = FakePeer.start(s -> {
           OutputStream out = s.getOutputStream();
           byte[] junk = new byte[64 * 1024];
           java.util.Arrays.fill(junk, (byte) 'A');
           out.write(junk);
           Thread.sleep(3000);
         });
         NettyProber p = new NettyProber(settings(64 * 1024))) {
      Observation quiet = p.probe(Target.remote("127.0.0.1", LOOPBACK, silent.port())
          .withProtocols(true, false)).get(10, TimeUnit.SECONDS);
      assertThat(quiet.text().connect()).isEqualTo(Connect.OPEN);
      assertThat(quiet.text().answered()).isFalse();
      assertThat(quiet.binary().answered()).isFalse();
      assertThat(quiet.tls()).as("TLS was tried on a silent open port").isNotNull();
      assertThat(quiet.tls().handshake()).isFalse();
      assertThat(quiet.read()).as("the read probe was tried on a silent open port").isNotNull();
      assertThat(quiet.read().answered()).isFalse();
      assertThat(quiet.read().detail()).contains("no reply to get within the timeout");

      Observation junk = p.probe(Target.remote("127.0.0.1", LOOPBACK, noNewline.port())
          .withProtocols(true, false)).get(10, TimeUnit.SECONDS);
      assertThat(junk.text().foreign()).isTrue();
      assertThat(junk.text().detail()).contains("no line end");
      assertThat(junk.binary().answered()).isFalse();
      assertThat(junk.read()).as("no read probe on a port that answered with something else").isNull();
    }
  }

  @Test
  void udpReassemblyIsBoundedAgainstAPeerThatClaimsManyDatagrams() throws Exception {
    try (DatagramSocket peer = new DatagramSocket(0, LOOPBACK);
         NettyProber p = new NettyProber(settings(4096))) {
      Thread t = new Thread(() -> {
        try {
          DatagramPacket req = new DatagramPacket(new byte[1500], 1500);
          peer.receive(req);
          int id = ByteBuffer.wrap(req.getData()).getShort() & 0xffff;
          for (int seq = 0; seq < 200; seq++) {
            ByteBuffer b = ByteBuffer.allocate(1008);
            b.putShort((short) id).putShort((short) seq).putShort((short) 65535).putShort((short) 0);
            b.put("STAT pid 1\r\n".getBytes(StandardCharsets.US_ASCII));
            peer.send(new DatagramPacket(b.array(), b.capacity(), req.getSocketAddress()));
          }
          // a datagram with another request id is ignored
          ByteBuffer other = ByteBuffer.allocate(20).putShort((short) (id + 1)).putShort((short) 0)
              .putShort((short) 1).putShort((short) 0);
          peer.send(new DatagramPacket(other.array(), 20, req.getSocketAddress()));
        } catch (IOException ignored) {
          // test over
        }
      });
      t.setDaemon(true);
      t.start();
      Observation o = p.probe(Target.remote("127.0.0.1", LOOPBACK, peer.getLocalPort()).withProtocols(false, true))
          .get(10, TimeUnit.SECONDS);
      assertThat(o.udp().connect()).isEqualTo(Connect.OPEN);
      assertThat(o.udp().expected()).isEqualTo(65535);
      assertThat(o.udp().complete()).isFalse();
      assertThat(o.udp().responseBytes()).isGreaterThan(4096).isLessThanOrEqualTo(4096 + 1008);
      assertThat(o.udp().stats()).containsEntry("pid", "1");
    }
  }

  @Test
  void closedUdpPortIsReportedClosedNotSilent() throws Exception {
    int port;
    try (DatagramSocket s = new DatagramSocket(0, LOOPBACK)) {
      port = s.getLocalPort();
    }
    try (NettyProber p = new NettyProber(settings(4096))) {
      Observation o = p.probe(Target.remote("127.0.0.1", LOOPBACK, port).withProtocols(false, true))
          .get(10, TimeUnit.SECONDS);
      assertThat(o.udp().connect()).isEqualTo(Connect.CLOSED);
    }
  }
}
