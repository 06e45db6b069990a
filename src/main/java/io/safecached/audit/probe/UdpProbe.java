package io.safecached.audit.probe;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import io.safecached.audit.Connect;
import io.safecached.audit.UdpReply;
import java.io.ByteArrayOutputStream;
import java.net.PortUnreachableException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The framed UDP {@code stats} probe on a connected datagram channel: an 8-byte memcached frame (request id,
 * sequence 0, 1 datagram, reserved 0) plus {@code stats\r\n}. Replies are put back together by sequence number
 * until the count announced in their frame has arrived. Bounded: at most {@link #MAX_DATAGRAMS} datagrams and
 * {@code maxBytes} payload bytes are kept; ICMP port unreachable means closed; silence means no answer.
 */
final class UdpProbe extends Exchange<UdpReply> {
  static final byte[] COMMAND = "stats\r\n".getBytes(StandardCharsets.US_ASCII);
  static final int FRAME = 8;
  static final int MAX_DATAGRAMS = 1024;

  private final int requestId;
  private final int maxBytes;
  private final boolean ipv6;
  private final TreeMap<Integer, byte[]> parts = new TreeMap<>();
  private long responseBytes;
  private int expected;
  private boolean closed;

  UdpProbe(long deadlineNanos, int requestId, int maxBytes, boolean ipv6) {
    super(deadlineNanos);
    this.requestId = requestId & 0xffff;
    this.maxBytes = maxBytes;
    this.ipv6 = ipv6;
  }

  static int requestBytes() {
    return FRAME + COMMAND.length;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    arm(ctx);
    ByteBuf out = Unpooled.buffer(requestBytes());
    out.writeShort(requestId).writeShort(0).writeShort(1).writeShort(0).writeBytes(COMMAND);
    ctx.writeAndFlush(out).addListener(f -> {
      if (!f.isSuccess()) {
        failed(f.cause());
        finish(false);
      }
    });
    super.channelActive(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      ByteBuf buf = msg instanceof DatagramPacket p ? p.content() : msg instanceof ByteBuf b ? b : null;
      if (buf == null || result.isDone() || buf.readableBytes() < FRAME) {
        return;
      }
      int id = buf.getUnsignedShort(buf.readerIndex());
      int seq = buf.getUnsignedShort(buf.readerIndex() + 2);
      int total = buf.getUnsignedShort(buf.readerIndex() + 4);
      if (id != requestId || total == 0 || seq >= total || parts.containsKey(seq)) {
        return;
      }
      if (expected == 0) {
        expected = total;
      }
      int len = buf.readableBytes();
      responseBytes += len;
      if (parts.size() < MAX_DATAGRAMS && responseBytes <= maxBytes) {
        byte[] payload = new byte[len - FRAME];
        buf.getBytes(buf.readerIndex() + FRAME, payload);
        parts.put(seq, payload);
      } else {
        parts.put(seq, new byte[0]);
      }
      if (parts.size() >= expected || parts.size() >= MAX_DATAGRAMS || responseBytes > maxBytes) {
        finish(false);
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  void failed(Throwable cause) {
    if (cause instanceof PortUnreachableException || ConnectFailure.classify(cause) == Connect.CLOSED) {
      closed = true;
    }
  }

  @Override
  UdpReply snapshot(boolean timedOut) {
    if (parts.isEmpty()) {
      return UdpReply.silent(closed ? Connect.CLOSED : Connect.NO_ANSWER, requestBytes(), ipv6);
    }
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    int next = 0;
    for (Map.Entry<Integer, byte[]> e : parts.entrySet()) {
      if (e.getKey() != next++) {
        break;
      }
      all.write(e.getValue(), 0, e.getValue().length);
    }
    Map<String, String> stats = new LinkedHashMap<>();
    for (String line : all.toString(StandardCharsets.ISO_8859_1).split("\r?\n")) {
      if (line.startsWith("STAT ")) {
        String[] kv = line.substring(5).split(" ", 2);
        stats.put(kv[0], kv.length > 1 ? kv[1] : "");
      }
    }
    return new UdpReply(Connect.OPEN, requestBytes(), responseBytes, parts.size(), expected,
        parts.size() == expected, stats, ipv6);
  }
}
