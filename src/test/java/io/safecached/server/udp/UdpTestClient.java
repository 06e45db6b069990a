package io.safecached.server.udp;

import io.safecached.testsupport.RawClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A memcached UDP client for tests: sends framed requests from a chosen loopback source address and collects every
 * datagram that comes back, counting bytes (frame headers included) so tests can bound amplification.
 */
public final class UdpTestClient implements AutoCloseable {
  /** Bytes of the frame header: request id, sequence, total, reserved (u16 big-endian each). */
  public static final int HEADER = 8;
  /** Largest datagram a memcached-compatible server sends. */
  public static final int MAX_DATAGRAM = 1400;
  private static final int RECEIVE_BUFFER = 4 * 1024 * 1024;

  private final DatagramSocket socket;
  private final InetSocketAddress server;
  private final byte[] buffer = new byte[65536];
  private long bytesSent;
  private long bytesReceived;
  private long datagramsSent;
  private long datagramsReceived;

  /** A client whose socket is bound to {@code source} (e.g. 127.0.0.2 to act as an untrusted host). */
  public UdpTestClient(InetAddress source, InetSocketAddress server) throws IOException {
    this.server = server;
    this.socket = new DatagramSocket(new InetSocketAddress(source, 0));
    socket.setReceiveBufferSize(RECEIVE_BUFFER);
  }

  /** A client on 127.0.0.1, a trusted source under the default policy. */
  public static UdpTestClient trusted(int serverPort) throws IOException {
    return new UdpTestClient(InetAddress.getByName("127.0.0.1"), new InetSocketAddress("127.0.0.1", serverPort));
  }

  /** A client on 127.0.0.2, untrusted when the policy trusts only 127.0.0.1/32. */
  public static UdpTestClient untrusted(int serverPort) throws IOException {
    return new UdpTestClient(InetAddress.getByName("127.0.0.2"), new InetSocketAddress("127.0.0.1", serverPort));
  }

  /** A UDP port on 127.0.0.1 that was free a moment ago. */
  public static int freeUdpPort() throws IOException {
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      return s.getLocalPort();
    }
  }

  /** The counters of {@code stats} read over TCP from {@code tcp}, by name. */
  public static Map<String, String> tcpStats(InetSocketAddress tcp) throws IOException {
    try (RawClient c = new RawClient(tcp)) {
      String reply = c.send("stats\r\n").readUntil("END\r\n");
      Map<String, String> stats = new LinkedHashMap<>();
      for (String line : reply.split("\r\n")) {
        String[] parts = line.split(" ", 3);
        if (parts.length == 3 && parts[0].equals("STAT")) {
          stats.put(parts[1], parts[2]);
        }
      }
      return stats;
    }
  }

  /** One counter of {@link #tcpStats(InetSocketAddress)} as a number; fails when the server does not report it. */
  public static long tcpStat(InetSocketAddress tcp, String name) throws IOException {
    String v = tcpStats(tcp).get(name);
    if (v == null) {
      throw new AssertionError("stats over TCP has no " + name);
    }
    return Long.parseLong(v);
  }

  /** The 8-byte frame header followed by {@code payload}: one datagram, sequence 0 of 1. */
  public static byte[] frame(int requestId, byte[] payload) {
    return ByteBuffer.allocate(HEADER + payload.length)
        .putShort((short) requestId).putShort((short) 0).putShort((short) 1).putShort((short) 0)
        .put(payload).array();
  }

  /** {@link #frame(int, byte[])} for ISO-8859-1 text. */
  public static byte[] frame(int requestId, String text) {
    return frame(requestId, text.getBytes(StandardCharsets.ISO_8859_1));
  }

  public InetSocketAddress localAddress() {
    return (InetSocketAddress) socket.getLocalSocketAddress();
  }

  /** Sends one raw datagram (frame included) to the server. */
  public void sendRaw(byte[] datagram) throws IOException {
    socket.send(new DatagramPacket(datagram, datagram.length, server));
    bytesSent += datagram.length;
    datagramsSent++;
  }

  /**
   * Sends a framed request and collects replies until every datagram of the reply with {@code requestId} has
   * arrived, or {@code quietMillis} pass with nothing, or {@code maxMillis} pass in all. Every datagram received
   * in that time is counted in {@link Exchange#replyBytes()}, whatever its id.
   */
  public Exchange request(int requestId, byte[] payload, int quietMillis, int maxMillis) throws IOException {
    byte[] datagram = frame(requestId, payload);
    sendRaw(datagram);
    return collect(requestId, datagram.length, quietMillis, maxMillis);
  }

  /** {@link #request(int, byte[], int, int)} for text with a 500 ms quiet time and a 5 s bound. */
  public Exchange request(int requestId, String text) throws IOException {
    return request(requestId, text.getBytes(StandardCharsets.ISO_8859_1), 500, 5000);
  }

  /** Receives until the reply with {@code requestId} is complete, or quiet, or the bound passes. */
  public Exchange collect(int requestId, int requestBytes, int quietMillis, int maxMillis) throws IOException {
    List<Datagram> all = new ArrayList<>();
    long deadline = System.nanoTime() + maxMillis * 1_000_000L;
    boolean unreachable = false;
    while (true) {
      long leftMillis = (deadline - System.nanoTime()) / 1_000_000L;
      if (leftMillis <= 0 || complete(all, requestId)) {
        break;
      }
      Datagram d;
      try {
        d = receive((int) Math.max(1, Math.min(quietMillis, leftMillis)));
      } catch (PortUnreachableException e) {
        unreachable = true;
        break;
      }
      if (d == null) {
        break;
      }
      all.add(d);
    }
    return new Exchange(requestId, requestBytes, List.copyOf(all), unreachable);
  }

  /** Everything that arrives until {@code quietMillis} pass without a datagram (at most {@code maxMillis}). */
  public List<Datagram> drain(int quietMillis, int maxMillis) throws IOException {
    List<Datagram> all = new ArrayList<>();
    long deadline = System.nanoTime() + maxMillis * 1_000_000L;
    while (true) {
      long leftMillis = (deadline - System.nanoTime()) / 1_000_000L;
      if (leftMillis <= 0) {
        break;
      }
      Datagram d;
      try {
        d = receive((int) Math.max(1, Math.min(quietMillis, leftMillis)));
      } catch (PortUnreachableException e) {
        break;
      }
      if (d == null) {
        break;
      }
      all.add(d);
    }
    return all;
  }

  private static boolean complete(List<Datagram> got, int requestId) {
    int total = -1;
    Set<Integer> seqs = new HashSet<>();
    for (Datagram d : got) {
      if (d.id() == requestId && d.length() >= HEADER) {
        total = d.total();
        seqs.add(d.sequence());
      }
    }
    return total > 0 && seqs.size() >= total;
  }

  private Datagram receive(int timeoutMillis) throws IOException {
    socket.setSoTimeout(timeoutMillis);
    DatagramPacket p = new DatagramPacket(buffer, buffer.length);
    try {
      socket.receive(p);
    } catch (SocketTimeoutException quiet) {
      return null;
    }
    bytesReceived += p.getLength();
    datagramsReceived++;
    return Datagram.parse(Arrays.copyOfRange(p.getData(), p.getOffset(), p.getOffset() + p.getLength()),
        System.nanoTime());
  }

  /** Bytes sent by this client so far, frame headers included. */
  public long bytesSent() {
    return bytesSent;
  }

  /** Bytes received by this client so far, frame headers included, whatever the request id. */
  public long bytesReceived() {
    return bytesReceived;
  }

  public long datagramsSent() {
    return datagramsSent;
  }

  public long datagramsReceived() {
    return datagramsReceived;
  }

  @Override
  public void close() {
    socket.close();
  }

  /**
   * One received datagram: its frame fields (or -1 when shorter than a frame), its bytes and when it arrived
   * ({@link System#nanoTime()}).
   */
  public record Datagram(int id, int sequence, int total, int reserved, byte[] raw, long receivedNanos) {
    static Datagram parse(byte[] raw, long receivedNanos) {
      if (raw.length < HEADER) {
        return new Datagram(-1, -1, -1, -1, raw, receivedNanos);
      }
      ByteBuffer b = ByteBuffer.wrap(raw);
      return new Datagram(Short.toUnsignedInt(b.getShort()), Short.toUnsignedInt(b.getShort()),
          Short.toUnsignedInt(b.getShort()), Short.toUnsignedInt(b.getShort()), raw, receivedNanos);
    }

    /** Bytes on the wire (UDP payload), header included. */
    public int length() {
      return raw.length;
    }

    /** The bytes after the frame header. */
    public byte[] payload() {
      return raw.length < HEADER ? new byte[0] : Arrays.copyOfRange(raw, HEADER, raw.length);
    }

    public String text() {
      return new String(payload(), StandardCharsets.ISO_8859_1);
    }

    @Override
    public String toString() {
      return "Datagram[id=" + id + ", seq=" + sequence + "/" + total + ", len=" + raw.length + "]";
    }
  }

  /** A request and every datagram that arrived for it. */
  public record Exchange(int requestId, int requestBytes, List<Datagram> datagrams, boolean portUnreachable) {
    /** All bytes received after the request, headers included, whatever their id. */
    public long replyBytes() {
      return datagrams.stream().mapToLong(Datagram::length).sum();
    }

    /** Reply bytes divided by request bytes. */
    public double ratio() {
      return (double) replyBytes() / requestBytes;
    }

    /** The datagrams carrying this request's id. */
    public List<Datagram> forRequest() {
      return datagrams.stream().filter(d -> d.id() == requestId).toList();
    }

    /** True when every sequence number 0..total-1 of this request's reply arrived. */
    public boolean complete() {
      List<Datagram> mine = forRequest();
      if (mine.isEmpty()) {
        return false;
      }
      int total = mine.get(0).total();
      return total > 0 && mine.stream().map(Datagram::sequence).distinct().count() == total;
    }

    /** The payloads of this request's datagrams in sequence order (duplicates dropped). */
    public byte[] reassembled() {
      TreeMap<Integer, byte[]> bySeq = new TreeMap<>();
      for (Datagram d : forRequest()) {
        bySeq.putIfAbsent(d.sequence(), d.payload());
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      bySeq.values().forEach(out::writeBytes);
      return out.toByteArray();
    }

    public String text() {
      return new String(reassembled(), StandardCharsets.ISO_8859_1);
    }

    @Override
    public String toString() {
      return "Exchange[id=" + requestId + ", sent=" + requestBytes + ", received=" + replyBytes() + " in "
          + datagrams.size() + " datagrams" + (portUnreachable ? ", port unreachable" : "") + "]";
    }
  }
}
