package io.safecached.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.safecached.testsupport.MemcachedProcess;
import io.safecached.testsupport.Poll;
import io.safecached.testsupport.ProcessMemory;
import io.safecached.testsupport.RawClient;
import io.safecached.testsupport.ServerProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a hostile peer can make the server hold, against safecached in a JVM of its own with a 256 MB heap and
 * {@code -m 64}: every scenario asserts that the server never runs out of memory, that its resident memory stays
 * under {@value #RSS_BOUND_MB} MB, and that a new client is served while the abuse goes on and after it. Where it
 * makes sense the same abuse goes to memcached 1.6 in the same run and both figures are printed (docs/limits.md
 * has them).
 *
 * <p>The bound: the 256 MB heap, plus at most about 100 MB of the JVM's own (code, metaspace, thread stacks) and
 * Netty's pooled buffers. Before values in flight were reserved, the stalled-values scenario reached 331 MB and
 * then threw OutOfMemoryError in every event loop; the server no longer answered nor stopped on SIGTERM.
 */
class MemoryAbuseIT {
  /** The most resident memory, in MB, safecached may use in any of these scenarios. */
  static final long RSS_BOUND_MB = 350;
  // what bin/safecached gives -m 64, with more heap for the values held in flight by the tests below
  private static final List<String> JVM =
      List.of("-Xmx128m", "-XX:MaxDirectMemorySize=256m", "-XX:+ExitOnOutOfMemoryError");
  private static final int VALUE = 1_000_000;
  /** Rounds of {@link #clientsKilledMidValueLeaveNothingReserved}: 1,200 resets of idle connections. */
  private static final int KILL_ROUNDS = 40;
  private static final byte[] BODY = filled(VALUE - 1, (byte) 'x');

  private final List<Socket> sockets = new ArrayList<>();

  private static byte[] filled(int n, byte b) {
    byte[] a = new byte[n];
    Arrays.fill(a, b);
    return a;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  @AfterEach
  void closeSockets() {
    closeAll();
  }

  private void closeAll() {
    for (Socket s : sockets) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
    sockets.clear();
  }

  private Socket open(InetSocketAddress address) throws IOException {
    Socket s = new Socket();
    s.connect(address, 5000);
    s.setSoTimeout(5000);
    sockets.add(s);
    return s;
  }

  private static long mb(long kb) {
    return kb / 1024;
  }

  /** Opens {@code n} connections that each announce a 1 MB set and send all of it but the last byte. */
  private void stallValues(InetSocketAddress address, int n, String prefix) throws IOException {
    for (int i = 0; i < n; i++) {
      OutputStream out = open(address).getOutputStream();
      out.write(ascii("set " + prefix + i + " 0 0 " + VALUE + "\r\n"));
      out.write(BODY);
      out.flush();
    }
  }

  /** Waits until the server has read {@code bytes} more than {@code before} (every stalled byte arrived). */
  private static void awaitRead(InetSocketAddress address, long before, long bytes) throws IOException {
    assertThat(Poll.until(Duration.ofSeconds(60),
        () -> Long.parseLong(ServerProcess.stats(address).get("bytes_read")) >= before + bytes))
        .as("the server read what was sent").isTrue();
  }

  /** A new client stores and reads back a value. */
  private static void served(InetSocketAddress address) throws IOException {
    try (RawClient c = new RawClient(address)) {
      assertThat(c.call("set fresh 0 0 5\r\nhello")).isEqualTo("STORED");
      assertThat(c.send("get fresh\r\n").readUntil("END\r\n")).isEqualTo("VALUE fresh 0 5\r\nhello\r\nEND\r\n");
    }
  }

  private static void healthy(ServerProcess server) throws IOException {
    assertThat(server.process().isAlive()).isTrue();
    assertThat(server.log()).doesNotContain("OutOfMemoryError").doesNotContain("fatal")
        .as("no connection closed after an error").doesNotContain("after an error");
    assertThat(mb(ProcessMemory.peakKb(server.pid()))).as("peak RSS in MB").isLessThan(RSS_BOUND_MB);
    served(server.address());
  }

  @Test
  @Timeout(180)
  void stalledNearCompleteValuesFromAThousandConnections() throws Exception {
    int n = 1000;
    long memcachedKb;
    try (MemcachedProcess mc = MemcachedProcess.start("-m", "64", "-c", "2048")) {
      stallValues(mc.address(), n, "stall");
      awaitRead(mc.address(), 0, (long) n * (VALUE - 1));
      memcachedKb = ProcessMemory.rssKb(mc.pid());
      closeAll();
    }
    try (ServerProcess server = ServerProcess.start(JVM, "-m", "64", "-c", "2048")) {
      for (int round = 1; round <= 2; round++) {
        long before = Long.parseLong(server.stats().get("bytes_read"));
        stallValues(server.address(), n, "r" + round + "-");
        awaitRead(server.address(), before, (long) n * (VALUE - 1));
        Map<String, String> stats = server.stats();
        long inflight = Long.parseLong(stats.get("inflight_value_bytes"));
        assertThat(inflight).as("values in flight").isPositive()
            .isLessThanOrEqualTo(Long.parseLong(stats.get("inflight_value_limit")));
        assertThat(stats.get("inflight_value_limit")).isEqualTo(Long.toString(32L * 1024 * 1024));
        assertThat(Long.parseLong(stats.get("store_no_memory"))).as("refused: out of memory storing object")
            .isGreaterThanOrEqualTo(round * (n - inflight / VALUE));
        long rss = ProcessMemory.rssKb(server.pid());
        System.out.printf("stalled 1 MB values x %d, round %d: safecached RSS %d MB (in flight %d MB), "
            + "memcached 1.6 RSS %d MB%n", n, round, mb(rss), inflight >> 20, mb(memcachedKb));
        healthy(server);
        // a refused connection was answered at once, and its value is swallowed as it arrives
        Socket last = sockets.get(sockets.size() - 1);
        last.getOutputStream().write(ascii("x\r\nversion\r\n"));
        String reply = new String(last.getInputStream().readNBytes(
            "SERVER_ERROR out of memory storing object\r\nVERSION ".length()), StandardCharsets.US_ASCII);
        assertThat(reply).isIn("SERVER_ERROR out of memory storing object\r\nVERSION ", "STORED\r\nVERSION 1.6.");
        closeAll();
        assertThat(Poll.until(Duration.ofSeconds(20), () -> {
          Map<String, String> s = server.stats();
          return s.get("inflight_value_bytes").equals("0") && s.get("curr_connections").equals("1");
        })).as("every reservation given back once the connections are gone").isTrue();
      }
      healthy(server);
    }
  }

  /**
   * Connections that each send 1.9 MB of a get line and never its newline: memcached grows a read buffer for each;
   * safecached holds such lines in the in-flight budget and answers the rest memcached's "out of memory reading
   * request", so other connections keep their buffers (before, direct-memory errors closed unrelated ones).
   */
  @Test
  @Timeout(180)
  void unfinishedLongGetLines() throws Exception {
    int n = 300;
    StringBuilder keys = new StringBuilder("get");
    for (int i = 0; keys.length() < 1_900_000; i++) {
      keys.append(" k").append(i);
    }
    byte[] line = ascii(keys.toString());
    long memcachedKb;
    try (MemcachedProcess mc = MemcachedProcess.start("-m", "64", "-c", "2048")) {
      for (int i = 0; i < n; i++) {
        open(mc.address()).getOutputStream().write(line);
      }
      awaitRead(mc.address(), 0, (long) n * line.length);
      memcachedKb = ProcessMemory.rssKb(mc.pid());
      closeAll();
    }
    try (ServerProcess server = ServerProcess.start(JVM, "-m", "64", "-c", "2048")) {
      for (int i = 0; i < n; i++) {
        try {
          open(server.address()).getOutputStream().write(line);
        } catch (java.net.SocketException refusedMidWrite) {
          // the server answered and closed before the line was all sent
        }
      }
      // settled: every line still open is held whole, every other connection closed
      assertThat(Poll.until(Duration.ofSeconds(60), () -> {
        Map<String, String> st = server.stats();
        long held = Long.parseLong(st.get("inflight_value_bytes"));
        return held % line.length == 0 && Long.parseLong(st.get("curr_connections")) - 1 == held / line.length;
      })).as("each line either held whole or refused").isTrue();
      Map<String, String> stats = server.stats();
      long inflight = Long.parseLong(stats.get("inflight_value_bytes"));
      assertThat(inflight).as("lines held").isPositive()
          .isLessThanOrEqualTo(Long.parseLong(stats.get("inflight_value_limit")));
      int refused = 0;
      for (Socket s : sockets) {
        s.setSoTimeout(200);
        try {
          byte[] reply = s.getInputStream().readNBytes("SERVER_ERROR out of memory reading request\r\n".length());
          if (new String(reply, StandardCharsets.US_ASCII).equals("SERVER_ERROR out of memory reading request\r\n")) {
            refused++;
          }
        } catch (java.net.SocketTimeoutException stillHeld) {
          // a line the budget holds gets no reply until its newline
        } catch (java.net.SocketException reset) {
          // refused, and the reset came before the reply could be read
          refused++;
        }
      }
      long rss = ProcessMemory.rssKb(server.pid());
      System.out.printf("unfinished 1.9 MB get lines x %d: safecached RSS %d MB (held %d MB, %d refused), "
          + "memcached 1.6 RSS %d MB%n", n, mb(rss), inflight >> 20, refused, mb(memcachedKb));
      assertThat(refused).as("lines beyond the budget refused").isGreaterThan(n / 2);
      healthy(server);
      closeAll();
      assertThat(Poll.until(Duration.ofSeconds(20), () -> server.stats().get("inflight_value_bytes").equals("0")))
          .as("every line's reservation given back once the connections are gone").isTrue();
    }
  }

  /**
   * Hundreds of peers that each ask for 8 MB of replies and read none: each stops below its own high-water mark,
   * but together they would hold more than the direct memory, and then any connection's next reply failed to
   * allocate and was closed. The total is bounded: no connection is closed, and a fresh client is served.
   */
  @Test
  @Timeout(180)
  void manyPeersThatNeverReadShareOneBound() throws Exception {
    int clients = 400;
    int value = 200_000;
    try (ServerProcess server = ServerProcess.start(JVM, "-m", "64", "-c", "2048")) {
      try (RawClient c = new RawClient(server.address())) {
        c.send("set big 0 0 " + value + "\r\n").send(filled(value, (byte) 'b')).send("\r\n");
        assertThat(c.readLine()).isEqualTo("STORED");
      }
      byte[] gets = ascii("get big\r\n".repeat(40));
      for (int i = 0; i < clients; i++) {
        Socket s = new Socket();
        s.setReceiveBufferSize(4096);
        s.connect(server.address(), 5000);
        s.setSoTimeout(10_000);
        sockets.add(s);
        s.getOutputStream().write(gets);
      }
      assertThat(Poll.until(Duration.ofSeconds(30),
          () -> Integer.parseInt(server.stats().get("read_paused_conns")) >= clients))
          .as("no connection that does not read is read from").isTrue();
      Map<String, String> stats = server.stats();
      long outbound = Long.parseLong(stats.get("outbound_bytes"));
      long limit = Long.parseLong(server.stats("settings").get("outbound_limit"));
      System.out.printf("%d peers never reading: outbound %d MB queued (limit %d MB, %s held), RSS %d MB%n",
          clients, outbound >> 20, limit >> 20, stats.get("outbound_held_conns"),
          mb(ProcessMemory.rssKb(server.pid())));
      // the peers and this stats connection (an earlier one may not be closed yet on the server's side)
      assertThat(Integer.parseInt(stats.get("curr_connections"))).as("none closed").isGreaterThanOrEqualTo(clients + 1);
      // the limit, plus per connection what it may hold before it is stopped and the reply that crossed it
      assertThat(outbound).isLessThanOrEqualTo(limit + clients * (64L * 1024 + value + 100));
      healthy(server);
      // a stopped peer that starts reading gets every reply, whole and in order
      Socket first = sockets.get(0);
      byte[] all = first.getInputStream().readNBytes(40 * ("VALUE big 0 200000\r\n".length() + value + 2 + 5));
      assertThat(new String(all, 0, 30, StandardCharsets.US_ASCII)).startsWith("VALUE big 0 200000\r\nbbb");
      assertThat(new String(all, all.length - 5, 5, StandardCharsets.US_ASCII)).isEqualTo("END\r\n");
    }
  }

  @Test
  @Timeout(120)
  void slowlorisWithAndWithoutLargeAnnouncements() throws Exception {
    int n = 400;
    try (ServerProcess server = ServerProcess.start(JVM, "-m", "64", "-c", "2048");
         MemcachedProcess mc = MemcachedProcess.start("-m", "64", "-c", "2048")) {
      for (boolean ours : List.of(true, false)) {
        InetSocketAddress target = ours ? server.address() : mc.address();
        List<OutputStream> announced = new ArrayList<>();
        List<OutputStream> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          OutputStream big = open(target).getOutputStream();
          big.write(ascii("set slow" + i + " 0 0 " + VALUE + "\r\n"));
          announced.add(big);
          lines.add(open(target).getOutputStream());
        }
        // a few seconds of one byte at a time: value bytes on the first kind, a line that never ends on the other
        for (int tick = 0; tick < 20; tick++) {
          for (int i = 0; i < n; i++) {
            announced.get(i).write('v');
            lines.get(i).write(tick == 0 ? 'g' : 'e');
          }
          Poll.sleep(100);
        }
        served(target);
        long kb = ProcessMemory.rssKb(ours ? server.pid() : mc.pid());
        System.out.printf("slowloris %d + %d connections: %s RSS %d MB%n", n, n,
            ours ? "safecached" : "memcached 1.6", mb(kb));
        if (ours) {
          Map<String, String> stats = server.stats();
          assertThat(Long.parseLong(stats.get("inflight_value_bytes")))
              .isLessThanOrEqualTo(Long.parseLong(stats.get("inflight_value_limit")));
          healthy(server);
        }
        closeAll();
      }
      assertThat(Poll.until(Duration.ofSeconds(20), () -> server.stats().get("inflight_value_bytes").equals("0")))
          .isTrue();
    }
  }

  @Test
  @Timeout(120)
  void tenThousandIdleConnections() throws Exception {
    // fewer where this JVM may not open that many descriptors (the server's own limit is the same)
    long descriptors = ((com.sun.management.UnixOperatingSystemMXBean)
        java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getMaxFileDescriptorCount();
    int n = (int) Math.min(Integer.getInteger("abuse.idle", 10_000), descriptors - 1000);
    String limit = Integer.toString(n + 100);
    try (ServerProcess server = ServerProcess.start(JVM, "-m", "64", "-c", limit);
         MemcachedProcess mc = MemcachedProcess.start("-m", "64", "-c", limit)) {
      for (boolean ours : List.of(true, false)) {
        InetSocketAddress target = ours ? server.address() : mc.address();
        for (int i = 0; i < n; i++) {
          open(target);
        }
        assertThat(Poll.until(Duration.ofSeconds(30),
            () -> Integer.parseInt(ServerProcess.stats(target).get("curr_connections")) >= n + 1)).isTrue();
        long start = System.nanoTime();
        served(target);
        System.out.printf("%d idle connections: %s RSS %d MB, a new client served in %d ms%n", n,
            ours ? "safecached" : "memcached 1.6", mb(ProcessMemory.rssKb(ours ? server.pid() : mc.pid())),
            (System.nanoTime() - start) / 1_000_000);
        if (ours) {
          healthy(server);
        }
        closeAll();
      }
    }
  }

  @Test
  @Timeout(120)
  void aPipelineThatNeverReadsItsReplies() throws Exception {
    int clients = 20;
    try (ServerProcess server = ServerProcess.start(JVM, "-m", "64")) {
      try (RawClient c = new RawClient(server.address())) {
        c.send("set big 0 0 100000\r\n").send(filled(100_000, (byte) 'b')).send("\r\n");
        assertThat(c.readLine()).isEqualTo("STORED");
      }
      // 100 MB of replies per client, none of them read: half pipeline single gets, half send one get line of
      // a thousand keys (a reply the encoder makes one 256 KB buffer at a time, as the peer reads)
      byte[] gets = ascii("get big\r\n".repeat(1000));
      byte[] multiget = ascii("get" + " big".repeat(1000) + "\r\n" + "get big\r\n".repeat(100));
      for (int i = 0; i < clients; i++) {
        byte[] request = i % 2 == 0 ? gets : multiget;
        Socket s = open(server.address());
        s.setReceiveBufferSize(64 * 1024);
        OutputStream out = s.getOutputStream();
        Thread writer = new Thread(() -> {
          try {
            for (int k = 0; k < 20; k++) {
              out.write(request); // stops when the server stops reading this connection
            }
          } catch (IOException closed) {
            // the test closes the socket
          }
        });
        writer.setDaemon(true);
        writer.start();
      }
      assertThat(Poll.until(Duration.ofSeconds(30),
          () -> Integer.parseInt(server.stats().get("read_paused_conns")) >= clients / 2))
          .as("every pipelining connection that does not read is no longer read from").isTrue();
      Poll.sleep(1000);
      Map<String, String> stats = server.stats();
      long outbound = Long.parseLong(stats.get("outbound_bytes"));
      System.out.printf("%d pipelines never reading: outbound %d KB queued, safecached RSS %d MB%n", clients,
          outbound >> 10, mb(ProcessMemory.rssKb(server.pid())));
      // per connection: the 2 MB high-water mark plus the reply (or the 256 KB buffer of one) that crossed it
      assertThat(outbound).isLessThanOrEqualTo(clients * (2L * 1024 * 1024 + 256 * 1024 + 100_100));
      healthy(server);
      // a client that reads gets a streamed reply whole and in order
      try (Socket reader = new Socket()) {
        reader.connect(server.address(), 5000);
        reader.setSoTimeout(10_000);
        reader.getOutputStream().write(ascii("get" + " big".repeat(60) + "\r\nversion\r\n"));
        int length = 60 * ("VALUE big 0 100000\r\n".length() + 100_002) + "END\r\nVERSION ".length();
        String reply = new String(reader.getInputStream().readNBytes(length), StandardCharsets.US_ASCII);
        assertThat(reply).hasSize(length).startsWith("VALUE big 0 100000\r\nbbb").endsWith("b\r\nEND\r\nVERSION ");
      }
    }
  }

  @Test
  @Timeout(120)
  void aFloodOfOneMegabyteSets() throws Exception {
    int clients = 20;
    int perClient = 25;
    try (ServerProcess server = ServerProcess.start(JVM, "-m", "64")) {
      ExecutorService pool = Executors.newFixedThreadPool(clients);
      try {
        List<Future<Integer>> stored = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
          int client = c;
          stored.add(pool.submit(() -> {
            int ok = 0;
            try (RawClient rc = new RawClient(server.address())) {
              rc.readTimeout(30_000);
              for (int i = 0; i < perClient; i++) {
                rc.send("set flood" + client + "-" + i + " 0 0 " + VALUE + "\r\n").send(BODY).send("x\r\n");
                String reply = rc.readLine();
                assertThat(reply).isIn("STORED", "SERVER_ERROR out of memory storing object");
                ok += reply.equals("STORED") ? 1 : 0;
              }
            }
            return ok;
          }));
        }
        int total = 0;
        for (Future<Integer> f : stored) {
          total += f.get(90, TimeUnit.SECONDS);
        }
        System.out.printf("1 MB set flood, %d clients x %d: %d stored, safecached peak RSS %d MB%n", clients,
            perClient, total, mb(ProcessMemory.peakKb(server.pid())));
        assertThat(total).isPositive();
        assertThat(Long.parseLong(server.stats().get("bytes"))).isLessThanOrEqualTo(64L * 1024 * 1024);
      } finally {
        pool.shutdownNow();
      }
      healthy(server);
    }
  }

  /** Opens {@code n} connections that each announce a 1 MB set of key {@code prefix + i} and send 600 KB of it. */
  private void sendPartOfAValue(ServerProcess server, int n, String prefix) throws IOException {
    for (int i = 0; i < n; i++) {
      OutputStream out = open(server.address()).getOutputStream();
      out.write(ascii("set " + prefix + i + " 0 0 " + VALUE + "\r\n"));
      out.write(BODY, 0, 600_000);
      out.flush();
    }
  }

  /**
   * True when one {@code stats} reply gives every name of {@code want} its value; false also when the reply is slow
   * (busy machine).
   */
  private static boolean statsSay(ServerProcess server, Map<String, Long> want) throws IOException {
    Map<String, String> stats;
    try {
      stats = server.stats();
    } catch (SocketTimeoutException slow) {
      return false;
    }
    return want.entrySet().stream().allMatch(e -> Long.toString(e.getValue()).equals(stats.get(e.getKey())));
  }

  /**
   * Clients that announced a 1 MB value, sent part of it and were then reset while the server waited for the rest.
   * Repeated: with Netty's multishot recv into io_uring's buffer ring, one such connection in several hundred
   * never saw its reset and kept its reservation for ever (server.NettyTransport); 20 rounds caught that in one
   * run of two, one round rarely.
   */
  @Test
  @Timeout(120)
  void clientsKilledMidValueLeaveNothingReserved() throws Exception {
    try (ServerProcess server = ServerProcess.start(JVM, "-m", "64")) {
      for (int round = 0; round < KILL_ROUNDS; round++) {
        sendPartOfAValue(server, 30, "killed" + round + "-");
        assertThat(Poll.until(Duration.ofSeconds(10),
            () -> statsSay(server, Map.of("inflight_value_bytes", 30L * VALUE)))).isTrue();
        for (Socket s : sockets) {
          s.setSoLinger(true, 0); // a reset, as when the client's process dies
        }
        closeAll();
        // the resets reach the server's connections in any order and time; on a loaded machine that can take a while
        assertThat(Poll.until(Duration.ofSeconds(30),
            () -> statsSay(server, Map.of("inflight_value_bytes", 0L, "curr_connections", 1L))))
            .as("round %d: reservations given back, connections closed; then: %s", round, server.stats()).isTrue();
      }
      healthy(server);
    }
  }

  /**
   * As above, but each client is reset as soon as it has sent its part of the value, while the server is still
   * reading it: the reset then arrives with bytes still queued on the server's socket. Netty's io_uring transport
   * with multishot POLLIN read those bytes, took the socket for empty and waited for a POLLIN that never came, so
   * up to a third of these connections stayed open with their reservations (server.NettyTransport).
   */
  @Test
  @Timeout(90)
  void clientsKilledWhileTheServerStillReadsTheirValues() throws Exception {
    try (ServerProcess server = ServerProcess.start(JVM, "-m", "64")) {
      for (int round = 0; round < 3; round++) {
        sendPartOfAValue(server, 30, "reset" + round + "-");
        for (Socket s : sockets) {
          s.setSoLinger(true, 0);
        }
        closeAll();
      }
      // the stats connection is the only one left, and nothing stays reserved (a stats reply slower than the
      // client's 2 s on a loaded machine is asked again)
      assertThat(Poll.until(Duration.ofSeconds(30),
          () -> statsSay(server, Map.of("inflight_value_bytes", 0L, "curr_connections", 1L))))
          .as("every reset connection closed; then: %s", server.stats()).isTrue();
      healthy(server);
    }
  }

  @Test
  @Timeout(60)
  void sigtermUnderLoadStopsCleanly() throws Exception {
    try (ServerProcess server = ServerProcess.start(JVM, "-m", "64")) {
      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong replies = new AtomicLong();
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        for (int t = 0; t < 8; t++) {
          int client = t;
          pool.submit(() -> {
            try (Socket s = new Socket()) {
              s.connect(server.address(), 5000);
              OutputStream out = s.getOutputStream();
              InputStream in = s.getInputStream();
              byte[] buf = new byte[65536];
              while (!stop.get()) {
                out.write(ascii("set load" + client + " 0 0 10000\r\n" + "y".repeat(10000) + "\r\nget load"
                    + client + "\r\n"));
                if (in.read(buf) < 0) {
                  return null;
                }
                replies.incrementAndGet();
              }
            } catch (IOException closedByTheServer) {
              // expected once the server stops
            }
            return null;
          });
        }
        assertThat(Poll.until(Duration.ofSeconds(10), () -> replies.get() > 1000)).isTrue();
        int code = server.terminate(Duration.ofSeconds(20));
        assertThat(code).as("128 + SIGTERM, after a clean stop").isEqualTo(143);
        assertThat(server.log()).contains("stopping on signal").doesNotContain("Exception");
      } finally {
        stop.set(true);
        pool.shutdownNow();
      }
    }
  }

  @Test
  @Timeout(60)
  void anOutOfMemoryErrorEndsTheProcessAtOnceWithExitCode3() throws Exception {
    // a heap far too small for the values in flight (they wait on the heap until complete; items live off it),
    // without the JVM's own exit flag: safecached's handler must stop the process
    try (ServerProcess server = ServerProcess.start(List.of("-Xmx48m", "-XX:MaxDirectMemorySize=1200m"),
        "-m", "1024", "-I", "8m")) {
      byte[] part = filled(1_000_000, (byte) 'z');
      List<RawClient> clients = new ArrayList<>();
      try {
        for (int i = 0; i < 12 && server.process().isAlive(); i++) {
          RawClient c = new RawClient(server.address());
          clients.add(c);
          c.send("set oom" + i + " 0 0 8000000\r\n").send(part);
        }
        assertThat(server.process().waitFor(20, TimeUnit.SECONDS)).as("the process ended").isTrue();
      } catch (IOException closed) {
        // the process went away
        assertThat(server.process().waitFor(20, TimeUnit.SECONDS)).as("the process ended").isTrue();
      } finally {
        for (RawClient c : clients) {
          c.close();
        }
      }
      assertThat(server.process().exitValue()).isEqualTo(3);
      assertThat(server.log()).contains("safecached: fatal: java.lang.OutOfMemoryError");
    }
  }
}
