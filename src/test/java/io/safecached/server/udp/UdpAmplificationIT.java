package io.safecached.server.udp;

import static org.assertj.core.api.Assertions.assertThat;

import io.safecached.config.Cidr;
import io.safecached.config.ServerConfig;
import io.safecached.testsupport.RawClient;
import io.safecached.testsupport.TestServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * From 127.0.0.2, a source outside the allow list (127.0.0.1/32), safecached never sends more bytes than it
 * received, refuses writes unless allowed, and holds its packet rate limits under a bounded flood.
 */
@Timeout(60)
class UdpAmplificationIT {
  static final String TOO_LARGE = "SERVER_ERROR response too large for UDP\r\n";
  static final String WRITES_REFUSED = "SERVER_ERROR UDP writes not allowed from this source\r\n";
  static final int ONE_MB = 1_000_000;
  /** A 60-character key, so write commands are long enough for the refusal to fit in their bytes. */
  static final String LONG_KEY = "k".repeat(60);
  static final ServerConfig.UdpPolicy LOCAL_ONLY =
      ServerConfig.UdpPolicy.DEFAULT.withAllow(List.of(Cidr.parse("127.0.0.1/32")));

  /** A server with UDP on, 2 MB items and {@code policy} changed by {@code change}. */
  static TestServer start(int udpPort, UnaryOperator<ServerConfig.UdpPolicy> change) throws IOException {
    return TestServer.start(b -> b.udpPort(udpPort).maxItemSize(2 * 1024 * 1024).udp(change.apply(LOCAL_ONLY)));
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  static void set(InetSocketAddress tcp, String key, byte[] value) throws IOException {
    try (RawClient c = new RawClient(tcp)) {
      c.send("set " + key + " 0 0 " + value.length + "\r\n").send(value).send("\r\n");
      assertThat(c.readLine()).isEqualTo("STORED");
    }
  }

  static String tcpGet(InetSocketAddress tcp, String key) throws IOException {
    try (RawClient c = new RawClient(tcp)) {
      return c.send("get " + key + "\r\n").readUntil("END\r\n");
    }
  }

  /** {@code get key} followed by miss keys so that the request, framed, is exactly {@code framedBytes} long. */
  static String paddedGet(String key, int framedBytes) {
    StringBuilder line = new StringBuilder("get ").append(key);
    int remaining = framedBytes - UdpTestClient.HEADER - line.length() - 2;
    while (remaining > 0) {
      int len = Math.min(250, remaining - 1);
      if (remaining - 1 - len == 1) {
        len--; // a lone space cannot be filled; leave room for one more key of at least one byte
      }
      line.append(' ').append("p".repeat(len));
      remaining -= len + 1;
    }
    String s = line.append("\r\n").toString();
    assertThat(UdpTestClient.HEADER + s.length()).isEqualTo(framedBytes);
    return s;
  }

  /** Sends {@code request} and checks the reply stayed within what was sent; returns what came. */
  static UdpTestClient.Exchange bounded(UdpTestClient c, int id, String request) throws IOException {
    UdpTestClient.Exchange e = c.request(id, ascii(request), 200, 3000);
    assertThat(e.replyBytes()).as("bytes received for %s (%d bytes sent)", shorten(request), e.requestBytes())
        .isLessThanOrEqualTo(e.requestBytes());
    return e;
  }

  /**
   * Sends {@code request}; when {@code reply} framed fits in the request's bytes it must arrive exactly, in one
   * datagram echoing the id; otherwise nothing may arrive.
   */
  static void expectReplyIfItFits(UdpTestClient c, int id, String request, String reply) throws IOException {
    UdpTestClient.Exchange e = bounded(c, id, request);
    int framed = UdpTestClient.HEADER + request.length();
    if (UdpTestClient.HEADER + reply.length() <= framed) {
      assertThat(e.datagrams()).as("reply to %s", shorten(request)).hasSize(1);
      UdpTestClient.Datagram d = e.datagrams().get(0);
      assertThat(d.id()).isEqualTo(id);
      assertThat(d.sequence()).isZero();
      assertThat(d.total()).isEqualTo(1);
      assertThat(d.text()).as("reply to %s", shorten(request)).isEqualTo(reply);
    } else {
      assertThat(e.datagrams()).as("%s (%d framed bytes) gets nothing: %s does not fit", shorten(request), framed,
          shorten(reply)).isEmpty();
    }
  }

  /** What the same request gets over TCP (read until 200 ms of quiet). */
  static String tcpReply(InetSocketAddress tcp, String request) throws IOException {
    try (RawClient c = new RawClient(tcp)) {
      return c.send(request).drain(200);
    }
  }

  /**
   * The rule for an untrusted source, with the TCP reply as the full reply: it comes back whole if it fits in the
   * request's bytes; if not, the too-large error does if that fits; else nothing.
   */
  static void expectTcpReplyOrError(UdpTestClient c, InetSocketAddress tcp, int id, String request)
      throws IOException {
    String full = tcpReply(tcp, request);
    assertThat(full).as("TCP reply to %s", shorten(request)).isNotEmpty();
    int framed = UdpTestClient.HEADER + request.length();
    if (UdpTestClient.HEADER + full.length() <= framed) {
      expectReplyIfItFits(c, id, request, full);
    } else {
      expectReplyIfItFits(c, id, request, TOO_LARGE);
    }
  }

  /** True when the server speaks the meta protocol over TCP. */
  static boolean speaksMeta(InetSocketAddress tcp) throws IOException {
    return tcpReply(tcp, "mn\r\n").equals("MN\r\n");
  }

  static String shorten(String s) {
    String t = s.replace("\r\n", "\\r\\n");
    return t.length() > 60 ? t.substring(0, 60) + "...(" + s.length() + " chars)" : t;
  }

  @Test
  void smallValueGetsComeBackOnlyWhenTheyFitInTheRequest() throws Exception {
    int udpPort = UdpTestClient.freeUdpPort();
    try (TestServer server = start(udpPort, p -> p);
         UdpTestClient c = UdpTestClient.untrusted(udpPort)) {
      set(server.address(), "s", ascii("hello"));
      String reply = "VALUE s 0 5\r\nhello\r\nEND\r\n";
      int replyFramed = UdpTestClient.HEADER + reply.length();
      // 15 bytes sent: the 33-byte reply and the 49-byte error are both too large
      expectReplyIfItFits(c, 1, "get s\r\n", reply);
      assertThat(c.bytesReceived()).isZero();
      // one byte short of the reply: nothing; exactly the reply's size: the reply
      expectReplyIfItFits(c, 2, paddedGet("s", replyFramed - 1), reply);
      expectReplyIfItFits(c, 3, paddedGet("s", replyFramed), reply);
      assertThat(c.bytesReceived()).isEqualTo(replyFramed);
      // large enough for the error but not the reply cannot happen for this value; a miss is END
      expectReplyIfItFits(c, 4, "get nothere\r\n", "END\r\n");
      assertThat(c.bytesReceived()).isLessThanOrEqualTo(c.bytesSent());
      assertThat(UdpTestClient.tcpStat(server.address(), "udp_replies_truncated")).isEqualTo(2);
    }
  }

  @Test
  void aHigherAmplificationBoundIsHonoured() throws Exception {
    int udpPort = UdpTestClient.freeUdpPort();
    try (TestServer server = start(udpPort, p -> p.withMaxAmplification(3.0));
         UdpTestClient c = UdpTestClient.untrusted(udpPort)) {
      set(server.address(), "s", ascii("hello"));
      UdpTestClient.Exchange e = c.request(9, "get s\r\n");
      assertThat(e.text()).isEqualTo("VALUE s 0 5\r\nhello\r\nEND\r\n");
      assertThat(e.replyBytes()).isLessThanOrEqualTo(3L * e.requestBytes());
    }
  }

  @Test
  void aOneMegabyteGetNeverAmplifies() throws Exception {
    int udpPort = UdpTestClient.freeUdpPort();
    try (TestServer server = start(udpPort, p -> p);
         UdpTestClient c = UdpTestClient.untrusted(udpPort)) {
      byte[] big = new byte[ONE_MB];
      Arrays.fill(big, (byte) 'b');
      set(server.address(), "big", big);
      long truncatedBefore = UdpTestClient.tcpStat(server.address(), "udp_replies_truncated");
      List<String> requests = new ArrayList<>(List.of(
          "get big\r\n", // 17 bytes: nothing at all, the error would be 49 bytes
          "gets big\r\n",
          paddedGet("big", UdpTestClient.HEADER + TOO_LARGE.length() - 1),
          paddedGet("big", UdpTestClient.HEADER + TOO_LARGE.length()), // exactly room for the error
          paddedGet("big", 200),
          "get big big big big big big big big big big\r\n"));
      if (speaksMeta(server.address())) {
        requests.addAll(List.of("mg big v\r\n", "mg big v f t s k c\r\n"));
      }
      int id = 1;
      int tooLarge = 0;
      for (String r : requests) {
        expectTcpReplyOrError(c, server.address(), id++, r);
        if (tcpReply(server.address(), r).length() > r.length()) {
          tooLarge++;
        }
      }
      assertThat(c.bytesReceived()).as("all bytes received").isLessThanOrEqualTo(c.bytesSent());
      assertThat(c.bytesReceived()).as("error datagrams only")
          .isEqualTo(c.datagramsReceived() * (UdpTestClient.HEADER + TOO_LARGE.length()));
      assertThat(c.datagramsReceived()).as("the requests with room for the error got it").isEqualTo(3);
      assertThat(UdpTestClient.tcpStat(server.address(), "udp_replies_truncated") - truncatedBefore)
          .isEqualTo(tooLarge);
      // the value is intact for TCP
      assertThat(tcpReply(server.address(), "get big\r\n")).hasSize("VALUE big 0 1000000\r\n".length() + ONE_MB + 7);
    }
  }

  @Test
  void statsVersionMultiGetsAndBadInputStayWithinTheRequestBytes() throws Exception {
    int udpPort = UdpTestClient.freeUdpPort();
    try (TestServer server = start(udpPort, p -> p);
         UdpTestClient c = UdpTestClient.untrusted(udpPort)) {
      set(server.address(), "a", ascii("0123456789"));
      set(server.address(), "b", ascii("abcdefghij"));
      int id = 100;
      for (String stats : List.of("stats\r\n", "stats settings\r\n", "stats items\r\n", "stats slabs\r\n",
          "stats sizes\r\n", "stats conns\r\n")) {
        assertThat(bounded(c, id++, stats).datagrams()).as(stats).isEmpty();
      }
      String version;
      try (RawClient tcp = new RawClient(server.address())) {
        version = tcp.call("version") + "\r\n";
      }
      expectReplyIfItFits(c, id++, "version\r\n", version);
      // padded with spaces to the reply's length, the version comes back (the same line over TCP says what)
      String padded = "version" + " ".repeat(Math.max(0, version.length() - 9)) + "\r\n";
      String paddedReply;
      try (RawClient tcp = new RawClient(server.address())) {
        paddedReply = tcp.send(padded).readLine() + "\r\n";
      }
      expectReplyIfItFits(c, id++, padded, paddedReply);
      // multi-key gets: each hit repeats the value, so the reply outgrows the request
      for (String multi : List.of("get a b\r\n", "get a b a b a b a b a b a b a b a b\r\n", "gets a b a b\r\n",
          "get a b " + "a ".repeat(200) + "\r\n", "mg a v\r\nmg b v\r\nmn\r\n")) {
        bounded(c, id++, multi);
      }
      // bad input: ERROR (7 bytes) fits exactly in a 7-byte command; not in a 3-byte one
      expectReplyIfItFits(c, id++, "bogus\r\n", "ERROR\r\n");
      expectReplyIfItFits(c, id++, "xx\r\n", "ERROR\r\n");
      bounded(c, id++, "\r\n");
      bounded(c, id++, "get " + "k".repeat(251) + "\r\n");
      bounded(c, id++, "x".repeat(5000) + "\r\n");
      bounded(c, id++, "set a 0 0 notanumber\r\n");
      // a binary GET of "a" (24-byte header + key)
      ByteBuffer bin = ByteBuffer.allocate(25).put((byte) 0x80).put((byte) 0x00).putShort((short) 1)
          .put((byte) 0).put((byte) 0).putShort((short) 0).putInt(1).putInt(0).putLong(0).put((byte) 'a');
      c.sendRaw(UdpTestClient.frame(id, bin.array()));
      UdpTestClient.Exchange binary = c.collect(id++, UdpTestClient.HEADER + 25, 300, 3000);
      assertThat(binary.replyBytes()).as("binary get").isLessThanOrEqualTo(binary.requestBytes());
      // malformed frames: too short, and the second datagram of a two-datagram request
      long malformedBefore = UdpTestClient.tcpStat(server.address(), "udp_dropped_malformed");
      c.sendRaw(new byte[] {0, 1, 0});
      c.sendRaw(ByteBuffer.allocate(8 + 7).putShort((short) 5).putShort((short) 1).putShort((short) 2)
          .putShort((short) 0).put(ascii("stats\r\n")).array());
      assertThat(c.drain(300, 1000)).as("replies to malformed frames").isEmpty();
      assertThat(UdpTestClient.tcpStat(server.address(), "udp_dropped_malformed") - malformedBefore).isEqualTo(2);
      assertThat(c.bytesReceived()).as("all bytes received").isLessThanOrEqualTo(c.bytesSent());
    }
  }

  @Test
  void writesFromAnUntrustedSourceAreRefusedAndNotExecuted() throws Exception {
    int udpPort = UdpTestClient.freeUdpPort();
    try (TestServer server = start(udpPort, p -> p);
         UdpTestClient c = UdpTestClient.untrusted(udpPort)) {
      InetSocketAddress tcp = server.address();
      set(tcp, LONG_KEY, ascii("original"));
      set(tcp, "n" + LONG_KEY, ascii("10"));
      long refusedBefore = UdpTestClient.tcpStat(tcp, "udp_writes_refused");
      List<String> writes = new ArrayList<>(List.of(
          "set " + LONG_KEY + " 0 0 3\r\nnew\r\n",
          "add x" + LONG_KEY + " 0 0 3\r\nnew\r\n",
          "replace " + LONG_KEY + " 0 0 3\r\nnew\r\n",
          "append " + LONG_KEY + " 0 0 3\r\nnew\r\n",
          "prepend " + LONG_KEY + " 0 0 3\r\nnew\r\n",
          "cas " + LONG_KEY + " 0 0 3 1\r\nnew\r\n",
          "incr n" + LONG_KEY + " 5\r\n",
          "decr n" + LONG_KEY + " 5\r\n",
          "touch " + LONG_KEY + " -1\r\n",
          "delete " + LONG_KEY + "\r\n",
          "set s 0 0 1\r\nx\r\n",
          "delete n" + LONG_KEY + "\r\n",
          "flush_all\r\n"));
      if (speaksMeta(tcp)) {
        writes.addAll(List.of("ms " + LONG_KEY + " 3\r\nnew\r\n", "md " + LONG_KEY + "\r\n",
            "ma n" + LONG_KEY + "\r\n"));
      }
      int id = 1;
      for (String w : writes) {
        expectReplyIfItFits(c, id++, w, WRITES_REFUSED);
      }
      assertThat(UdpTestClient.tcpStat(tcp, "udp_writes_refused") - refusedBefore).isEqualTo(writes.size());
      assertThat(tcpGet(tcp, LONG_KEY)).isEqualTo("VALUE " + LONG_KEY + " 0 8\r\noriginal\r\nEND\r\n");
      assertThat(tcpGet(tcp, "n" + LONG_KEY)).isEqualTo("VALUE n" + LONG_KEY + " 0 2\r\n10\r\nEND\r\n");
      assertThat(tcpGet(tcp, "x" + LONG_KEY)).isEqualTo("END\r\n");
      assertThat(tcpGet(tcp, "s")).isEqualTo("END\r\n");
      assertThat(c.bytesReceived()).isLessThanOrEqualTo(c.bytesSent());
    }
  }

  @Test
  void writesFromAnUntrustedSourceRunWhenAllowed() throws Exception {
    int udpPort = UdpTestClient.freeUdpPort();
    try (TestServer server = start(udpPort, p -> p.withWrites(true));
         UdpTestClient c = UdpTestClient.untrusted(udpPort)) {
      InetSocketAddress tcp = server.address();
      expectReplyIfItFits(c, 1, "set w 0 0 1\r\nx\r\n", "STORED\r\n");
      assertThat(tcpGet(tcp, "w")).isEqualTo("VALUE w 0 1\r\nx\r\nEND\r\n");
      expectReplyIfItFits(c, 2, "incr w 1\r\n", "CLIENT_ERROR cannot increment or decrement non-numeric value\r\n");
      expectReplyIfItFits(c, 3, "delete w\r\n", "DELETED\r\n");
      assertThat(tcpGet(tcp, "w")).isEqualTo("END\r\n");
      set(tcp, "z", ascii("1"));
      expectReplyIfItFits(c, 4, "flush_all\r\n", "OK\r\n");
      assertThat(tcpGet(tcp, "z")).isEqualTo("END\r\n");
      assertThat(UdpTestClient.tcpStat(tcp, "udp_writes_refused")).isZero();
      assertThat(c.bytesReceived()).isLessThanOrEqualTo(c.bytesSent());
    }
  }

  /** Sends {@code count} framed miss-gets from {@code c} as fast as it can; returns the nanoTime of the first. */
  static long flood(UdpTestClient c, int count, int firstId) throws IOException {
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      c.sendRaw(UdpTestClient.frame(firstId + i, "get miss" + (i % 10) + "\r\n"));
    }
    return start;
  }

  /** Datagrams at most {@code pps} per second since {@code start}, plus the full bucket at the start. */
  static int budget(int pps, long startNanos, List<UdpTestClient.Datagram> replies) {
    long last = replies.stream().mapToLong(UdpTestClient.Datagram::receivedNanos).max().orElse(startNanos);
    return (int) Math.floor(pps * (1 + (last - startNanos) / 1e9)) + 1;
  }

  @Test
  void aFloodFromOneSourceGetsAtMostItsPacketBudgetAndTcpStaysResponsive() throws Exception {
    int udpPort = UdpTestClient.freeUdpPort();
    int sourcePps = 20;
    try (TestServer server = start(udpPort, p -> p.withRates(sourcePps, 32 * 1024, 1000, 4 * 1024 * 1024));
         UdpTestClient c = UdpTestClient.untrusted(udpPort)) {
      long start = flood(c, 2000, 1);
      long sent = System.nanoTime();
      assertThat((sent - start) / 1_000_000).as("flood took ms").isLessThan(1000);
      long tcpStart = System.nanoTime();
      try (RawClient tcp = new RawClient(server.address())) {
        assertThat(tcp.call("version")).startsWith("VERSION ");
      }
      assertThat((System.nanoTime() - tcpStart) / 1_000_000).as("TCP version during the flood, ms").isLessThan(1000);
      List<UdpTestClient.Datagram> replies = c.drain(500, 5000);
      assertThat(replies).allSatisfy(d -> assertThat(d.text()).isEqualTo("END\r\n"));
      assertThat(replies.size()).as("replies to 2000 requests at %d/s", sourcePps)
          .isGreaterThanOrEqualTo(sourcePps)
          .isLessThanOrEqualTo(budget(sourcePps, start, replies));
      assertThat(c.bytesReceived()).isLessThanOrEqualTo(c.bytesSent());
      var stats = UdpTestClient.tcpStats(server.address());
      long requests = Long.parseLong(stats.get("udp_requests"));
      long limited = Long.parseLong(stats.get("udp_dropped_rate_limited"));
      assertThat(requests).as("datagrams the server read").isPositive().isLessThanOrEqualTo(2000);
      assertThat(limited).as("rate limited of %d read, %d answered", requests, replies.size())
          .isEqualTo(requests - replies.size());
      assertThat(stats.get("udp_sources")).as("one untrusted source remembered").isEqualTo("1");
      try (RawClient tcp = new RawClient(server.address())) {
        assertThat(tcp.call("version")).startsWith("VERSION ");
      }
    }
  }

  @Test
  void floodsFromSeveralSourcesShareTheGlobalPacketBudget() throws Exception {
    int udpPort = UdpTestClient.freeUdpPort();
    int sourcePps = 40;
    int globalPps = 50;
    try (TestServer server = start(udpPort, p -> p.withRates(sourcePps, 32 * 1024, globalPps, 4 * 1024 * 1024))) {
      List<UdpTestClient> clients = new ArrayList<>();
      try {
        for (String source : List.of("127.0.0.2", "127.0.0.3", "127.0.0.4")) {
          clients.add(new UdpTestClient(InetAddress.getByName(source), new InetSocketAddress("127.0.0.1", udpPort)));
        }
        long start = System.nanoTime();
        for (int round = 0; round < 6; round++) {
          for (UdpTestClient c : clients) {
            flood(c, 100, round * 100 + 1);
          }
        }
        List<UdpTestClient.Datagram> all = new ArrayList<>();
        for (UdpTestClient c : clients) {
          all.addAll(c.drain(500, 5000));
          assertThat(c.bytesReceived()).isLessThanOrEqualTo(c.bytesSent());
        }
        assertThat(all.size()).as("replies to 1800 requests from 3 sources, global %d/s", globalPps)
            .isGreaterThanOrEqualTo(globalPps)
            .isLessThanOrEqualTo(budget(globalPps, start, all));
      } finally {
        clients.forEach(UdpTestClient::close);
      }
      try (RawClient tcp = new RawClient(server.address())) {
        assertThat(tcp.call("version")).startsWith("VERSION ");
      }
    }
  }
}
