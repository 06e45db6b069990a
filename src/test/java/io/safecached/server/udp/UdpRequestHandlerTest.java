package io.safecached.server.udp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.safecached.command.Command;
import io.safecached.command.CommandExecutor;
import io.safecached.command.FakeServerContext;
import io.safecached.command.Result;
import io.safecached.config.Cidr;
import io.safecached.config.ServerConfig;
import io.safecached.config.ServerConfig.UdpPolicy;
import io.safecached.protocol.ProtocolLimits;
import io.safecached.security.AccessPolicy;
import io.safecached.security.UdpGuard;
import io.safecached.store.OffHeapStore;
import io.safecached.store.FakeClock;
import io.safecached.store.Key;
import io.safecached.store.stats.Counter;
import io.safecached.store.stats.Counters;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Framing and policy decisions of the UDP request handler, on an embedded channel and a fake clock. */
class UdpRequestHandlerTest {
  private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 11311);
  private static final InetSocketAddress TRUSTED = new InetSocketAddress("127.0.0.1", 40000);
  private static final InetSocketAddress UNTRUSTED = new InetSocketAddress("127.0.0.2", 40000);
  private static final ProtocolLimits LIMITS = new ProtocolLimits(250, 2048, 2 * 1024 * 1024, 1024 * 1024,
      false, false);

  private final Counters counters = new Counters();
  private final OffHeapStore store =
      new OffHeapStore(64L * 1024 * 1024, 1 << 20, new FakeClock(), counters, Runnable::run);
  private final CommandExecutor executor = new CommandExecutor(store, new FakeServerContext());
  private final List<ByteBuf> sent = new ArrayList<>();
  private long nanos = 1_000_000_000L;
  private EmbeddedChannel channel;

  private static UdpPolicy policy(double amplification, boolean writes, int sourcePps, long sourceBps) {
    return new UdpPolicy(List.of(Cidr.parse("127.0.0.1/32")), amplification, writes, sourcePps, sourceBps,
        100_000, 1L << 30);
  }

  private AccessPolicy policy(ServerConfig.Access access, UdpPolicy udp) {
    return new AccessPolicy(access, new UdpGuard(udp, () -> nanos));
  }

  private EmbeddedChannel channel(UdpPolicy policy) {
    channel = new EmbeddedChannel(
        new UdpRequestHandler(executor, LIMITS, policy(ServerConfig.Access.OPEN, policy), counters, () -> nanos));
    return channel;
  }

  @AfterEach
  void releaseEverything() {
    if (channel != null) {
      assertThat(channel.finishAndReleaseAll()).isFalse();
    }
    for (ByteBuf b : sent) {
      assertThat(b.refCnt()).as("request datagram released").isZero();
    }
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static byte[] frame(int id, int seq, int total, byte[] payload) {
    ByteBuf b = Unpooled.buffer(8 + payload.length);
    b.writeShort(id).writeShort(seq).writeShort(total).writeShort(0).writeBytes(payload);
    byte[] out = new byte[b.readableBytes()];
    b.readBytes(out);
    b.release();
    return out;
  }

  /** Sends one datagram and returns every datagram the handler sent back, as byte arrays. */
  private List<byte[]> exchange(InetSocketAddress from, byte[] datagram) {
    ByteBuf content = Unpooled.buffer(datagram.length).writeBytes(datagram);
    sent.add(content);
    channel.writeInbound(new DatagramPacket(content, LOCAL, from));
    List<byte[]> replies = new ArrayList<>();
    DatagramPacket p;
    while ((p = channel.readOutbound()) != null) {
      try {
        assertThat(p.recipient()).isEqualTo(from);
        byte[] b = new byte[p.content().readableBytes()];
        p.content().getBytes(p.content().readerIndex(), b);
        replies.add(b);
      } finally {
        p.release();
      }
    }
    return replies;
  }

  private List<byte[]> request(InetSocketAddress from, int id, String text) {
    return exchange(from, frame(id, 0, 1, ascii(text)));
  }

  private static int u16(byte[] b, int at) {
    return (b[at] & 0xff) << 8 | b[at + 1] & 0xff;
  }

  /** Checks the framing of a reply and returns its payload reassembled in sequence order. */
  private static String reassemble(List<byte[]> datagrams, int requestId) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < datagrams.size(); i++) {
      byte[] d = datagrams.get(i);
      assertThat(d.length).isBetween(9, 1400);
      assertThat(u16(d, 0)).as("request id").isEqualTo(requestId);
      assertThat(u16(d, 2)).as("sequence").isEqualTo(i);
      assertThat(u16(d, 4)).as("total").isEqualTo(datagrams.size());
      assertThat(u16(d, 6)).as("reserved").isZero();
      out.write(d, 8, d.length - 8);
    }
    return out.toString(StandardCharsets.ISO_8859_1);
  }

  private static long wire(List<byte[]> datagrams) {
    return datagrams.stream().mapToLong(d -> d.length).sum();
  }

  private void store(String key, int flags, byte[] value) {
    assertThat(executor.execute(new Command.Store(Command.StoreMode.SET, ascii(key), flags, 0, value, 0, false)))
        .isEqualTo(Result.Status.STORED);
  }

  private void put(String key, String value) {
    channel(UdpPolicy.DEFAULT);
    assertThat(reassemble(request(TRUSTED, 1, "set " + key + " 0 0 " + value.length() + "\r\n" + value + "\r\n"), 1))
        .isEqualTo("STORED\r\n");
  }

  @Test
  void theAdvisoryProbeGetsAFramedStatsReplyFromATrustedSource() {
    channel(UdpPolicy.DEFAULT);
    List<byte[]> reply = exchange(TRUSTED, ascii("\u0000\u0000\u0000\u0000\u0000\u0001\u0000\u0000stats\r\n"));
    String text = reassemble(reply, 0);
    assertThat(text).startsWith("STAT pid ").contains("STAT threads ").endsWith("END\r\n");
    assertThat(counters.get(Counter.UDP_REQUESTS)).isEqualTo(1);
    assertThat(counters.get(Counter.UDP_BYTES_READ)).isEqualTo(15);
    assertThat(counters.get(Counter.UDP_BYTES_WRITTEN)).isEqualTo(wire(reply));
  }

  @Test
  void aLargeValueReassemblesExactlyForATrustedSource() {
    StringBuilder v = new StringBuilder();
    for (int i = 0; v.length() < 300_000; i++) {
      v.append(i).append(',');
    }
    store("big", 5, ascii(v.toString()));
    channel(UdpPolicy.DEFAULT);
    List<byte[]> reply = request(TRUSTED, 0xabcd, "get big\r\n");
    String expected = "VALUE big 5 " + v.length() + "\r\n" + v + "\r\nEND\r\n";
    assertThat(reply).hasSize((expected.length() + 1391) / 1392);
    assertThat(reassemble(reply, 0xabcd)).isEqualTo(expected);
  }

  @Test
  void everyReplyOfADatagramIsConcatenated() {
    put("a", "1");
    List<byte[]> reply = request(TRUSTED, 9, "get a\r\nversion\r\nbogus\r\nget a\r\n");
    assertThat(reply).hasSize(1);
    assertThat(reassemble(reply, 9)).isEqualTo(
        "VALUE a 0 1\r\n1\r\nEND\r\nVERSION 1.6.18-test\r\nERROR\r\nVALUE a 0 1\r\n1\r\nEND\r\n");
  }

  @Test
  void quitEndsTheDatagramAndNoreplyIsSilent() {
    channel(UdpPolicy.DEFAULT);
    assertThat(request(TRUSTED, 1, "set a 0 0 1 noreply\r\nx\r\n")).isEmpty();
    assertThat(reassemble(request(TRUSTED, 2, "get a\r\nquit\r\nset b 0 0 1\r\ny\r\n"), 2))
        .isEqualTo("VALUE a 0 1\r\nx\r\nEND\r\n");
    assertThat(reassemble(request(TRUSTED, 3, "get b\r\n"), 3)).isEqualTo("END\r\n");
  }

  @Test
  void malformedDatagramsAreDroppedAndCounted() {
    channel(UdpPolicy.DEFAULT);
    assertThat(exchange(TRUSTED, new byte[8])).isEmpty();
    assertThat(exchange(TRUSTED, new byte[3])).isEmpty();
    assertThat(exchange(TRUSTED, frame(1, 0, 2, ascii("version\r\n")))).isEmpty();
    assertThat(exchange(TRUSTED, frame(1, 1, 1, ascii("version\r\n")))).isEmpty();
    assertThat(exchange(UNTRUSTED, frame(1, 0, 0, ascii("version\r\n")))).isEmpty();
    assertThat(counters.get(Counter.UDP_DROPPED_MALFORMED)).isEqualTo(5);
    assertThat(counters.get(Counter.UDP_REQUESTS)).isEqualTo(5);
    assertThat(reassemble(request(TRUSTED, 1, "version\r\n"), 1)).isEqualTo("VERSION 1.6.18-test\r\n");
  }

  @Test
  void anUntrustedSourceNeverReceivesMoreThanItSent() {
    put("small", "x");
    store("huge", 0, new byte[1000 * 1024]);
    channel(UdpPolicy.DEFAULT);
    for (String req : List.of("get small\r\n", "get huge\r\n", "stats\r\n", "version\r\n", "get small small\r\n",
        "get huge                                                                    \r\n")) {
      byte[] datagram = frame(1, 0, 1, ascii(req));
      List<byte[]> reply = exchange(UNTRUSTED, datagram);
      assertThat(wire(reply)).as(req).isLessThanOrEqualTo(datagram.length);
    }
    assertThat(counters.get(Counter.UDP_REPLIES_TRUNCATED)).isEqualTo(6);
    assertThat(counters.get(Counter.UDP_BYTES_WRITTEN)).isLessThanOrEqualTo(counters.get(Counter.UDP_BYTES_READ));
  }

  @Test
  void aTooLargeReplyBecomesOneShortErrorWhereThatFits() {
    store("huge", 0, new byte[1000 * 1024]);
    channel(UdpPolicy.DEFAULT);
    String pad = " ".repeat(40);
    List<byte[]> reply = request(UNTRUSTED, 77, "get huge" + pad + "\r\n"); // 8 + 50 request bytes
    assertThat(reassemble(reply, 77)).isEqualTo("SERVER_ERROR response too large for UDP\r\n");
    assertThat(wire(reply)).isEqualTo(49);
    assertThat(counters.get(Counter.UDP_REPLIES_TRUNCATED)).isEqualTo(1);
  }

  @Test
  void aHigherAmplificationBoundLetsSmallRepliesThrough() {
    put("k", "v");
    channel(policy(4.0, false, 50, 32 * 1024));
    List<byte[]> reply = request(UNTRUSTED, 5, "get k\r\n"); // 15 bytes in, 29 out
    assertThat(reassemble(reply, 5)).isEqualTo("VALUE k 0 1\r\nv\r\nEND\r\n");
    assertThat(counters.get(Counter.UDP_REPLIES_TRUNCATED)).isZero();
  }

  @Test
  void untrustedWritesAreRefusedWithoutRunningThem() {
    channel(policy(1000.0, false, 50, 1 << 20));
    for (String req : List.of("set w 0 0 1\r\nx\r\n", "delete w\r\n", "incr w 1\r\n", "touch w 10\r\n",
        "gat 10 w\r\n", "flush_all\r\n", "verbosity 1\r\n", "stats reset\r\n", "stats conns\r\n",
        "cache_memlimit 100\r\n", "refresh_certs\r\n")) {
      assertThat(reassemble(request(UNTRUSTED, 3, req), 3)).as(req)
          .isEqualTo("SERVER_ERROR UDP writes not allowed from this source\r\n");
    }
    assertThat(counters.get(Counter.UDP_WRITES_REFUSED)).isEqualTo(11);
    assertThat(request(UNTRUSTED, 5, "quit\r\n")).as("quit changes nothing: silent, as memcached over UDP").isEmpty();
    assertThat(store.get(Key.wrap(ascii("w")))).isNull();
    assertThat(counters.get(Counter.CMD_SET)).isZero();
    assertThat(request(UNTRUSTED, 4, "set w 0 0 1 noreply\r\nx\r\n")).isEmpty();
    assertThat(store.get(Key.wrap(ascii("w")))).isNull();
    for (String req : List.of("version\r\n", "get w\r\n", "gets w\r\n", "stats\r\n", "stats settings\r\n",
        "stats items\r\n", "stats slabs\r\n", "stats sizes\r\n")) {
      assertThat(reassemble(request(UNTRUSTED, 3, req), 3)).as(req).doesNotContain("SERVER_ERROR").endsWith("\r\n");
    }
  }

  @Test
  void untrustedWritesRunWhenAllowed() {
    channel(policy(10.0, true, 50, 32 * 1024));
    assertThat(reassemble(request(UNTRUSTED, 3, "set w 0 0 1\r\nx\r\n"), 3)).isEqualTo("STORED\r\n");
    assertThat(store.get(Key.wrap(ascii("w")))).isNotNull();
    assertThat(counters.get(Counter.UDP_WRITES_REFUSED)).isZero();
  }

  @Test
  void trustedSourcesMayWrite() {
    channel(UdpPolicy.DEFAULT);
    assertThat(reassemble(request(TRUSTED, 3, "set w 0 0 1\r\nx\r\ndelete w\r\n"), 3))
        .isEqualTo("STORED\r\nDELETED\r\n");
  }

  @Test
  void thePacketRateDropsAFloodSilently() {
    channel(policy(10.0, false, 3, 32 * 1024));
    int answered = 0;
    for (int i = 0; i < 10; i++) {
      answered += request(UNTRUSTED, i, "version\r\n").isEmpty() ? 0 : 1;
    }
    assertThat(answered).isEqualTo(3);
    assertThat(counters.get(Counter.UDP_DROPPED_RATE_LIMITED)).isEqualTo(7);
    nanos += 1_000_000_000L;
    assertThat(request(UNTRUSTED, 11, "version\r\n")).hasSize(1);
    for (int i = 0; i < 10; i++) {
      assertThat(request(TRUSTED, i, "version\r\n")).hasSize(1); // trusted sources are not limited
    }
  }

  @Test
  void theByteRateDropsRepliesSilently() {
    channel(policy(10.0, false, 50, 64));
    // "VERSION 1.6.18-test\r\n" is 21 bytes, 29 with the header: two fit in 64 bytes, a third does not
    assertThat(request(UNTRUSTED, 1, "version\r\n")).hasSize(1);
    assertThat(request(UNTRUSTED, 2, "version\r\n")).hasSize(1);
    assertThat(request(UNTRUSTED, 3, "version\r\n")).isEmpty();
    assertThat(counters.get(Counter.UDP_DROPPED_RATE_LIMITED)).isEqualTo(1);
    nanos += 500_000_000L;
    assertThat(request(UNTRUSTED, 4, "version\r\n")).hasSize(1);
  }

  @Test
  void aSourceOutsideAllowGetsNothingAndIsCounted() {
    ServerConfig.Access allowOne = new ServerConfig.Access(null, false, List.of(Cidr.parse("127.0.0.1/32")), Set.of());
    channel = new EmbeddedChannel(new UdpRequestHandler(executor, LIMITS,
        policy(allowOne, UdpPolicy.DEFAULT.withAllow(List.of(Cidr.parse("127.0.0.0/8"))).withWrites(true)),
        counters, () -> nanos));
    executor.execute(new Command.Store(Command.StoreMode.SET, ascii("secret"), 0, 0, ascii("s3cret"), 0, false));
    assertThat(request(UNTRUSTED, 1, "get secret\r\n")).as("trusted by --udp-allow, yet outside --allow").isEmpty();
    assertThat(request(UNTRUSTED, 2, "set secret 0 0 1\r\nx\r\n")).isEmpty();
    assertThat(counters.get(Counter.UDP_DROPPED_NOT_ALLOWED)).isEqualTo(2);
    assertThat(store.get(Key.wrap(ascii("secret"))).value()).isEqualTo(ascii("s3cret"));
    assertThat(reassemble(request(TRUSTED, 3, "get secret\r\n"), 3)).isEqualTo("VALUE secret 0 6\r\ns3cret\r\nEND\r\n");
  }

  @Test
  void withAdminUsersUdpRunsNoAdminCommandsButItsReadsAndWrites() {
    ServerConfig.Access admins = new ServerConfig.Access(java.nio.file.Path.of("users"), false, List.of(),
        Set.of("root"));
    channel = new EmbeddedChannel(new UdpRequestHandler(executor, LIMITS, policy(admins, UdpPolicy.DEFAULT),
        counters, () -> nanos));
    assertThat(reassemble(request(TRUSTED, 1, "set a 0 0 1\r\nx\r\nflush_all\r\nstats reset\r\nget a\r\n"), 1))
        .isEqualTo("STORED\r\nCLIENT_ERROR permission denied\r\nCLIENT_ERROR permission denied\r\n"
            + "VALUE a 0 1\r\nx\r\nEND\r\n");
    assertThat(request(TRUSTED, 2, "flush_all noreply\r\n")).isEmpty();
    assertThat(store.get(Key.wrap(ascii("a")))).isNotNull();
    assertThat(request(UNTRUSTED, 3, "version\r\n")).as("-Y: UDP serves --udp-allow sources only").isEmpty();
    assertThat(counters.get(Counter.UDP_DROPPED_UNAUTHENTICATED)).isEqualTo(1);
  }

  @Test
  void theRefusalReplyHasItsSize() {
    assertThat(Arrays.asList(UdpRequestHandler.TOO_LARGE.length + 8)).containsExactly(49);
  }
}
