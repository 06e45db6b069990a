package io.safecached.server.udp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.List;

/**
 * memcached's UDP frame header: request id, sequence number, total datagrams, reserved (u16 big-endian each),
 * and the splitting of a reply into datagrams of at most {@link #MAX_DATAGRAM} bytes.
 */
final class UdpFrame {
  /** Bytes of the frame header. */
  static final int HEADER = 8;
  /** Largest datagram sent, header included (memcached: 1400). */
  static final int MAX_DATAGRAM = 1400;
  /** Largest reply payload in one datagram. */
  static final int MAX_PAYLOAD = MAX_DATAGRAM - HEADER;
  /** Most datagrams one reply may have: the total is a u16. */
  static final int MAX_DATAGRAMS = 0xffff;

  private UdpFrame() {}

  /** The request id of a datagram with at least a full header. */
  static int requestId(ByteBuf datagram) {
    return datagram.getUnsignedShort(datagram.readerIndex());
  }

  /**
   * True when {@code datagram} carries one whole request: longer than the header, sequence 0 of 1 datagram.
   * memcached does not support requests spread over several datagrams.
   */
  static boolean wellFormed(ByteBuf datagram) {
    if (datagram.readableBytes() <= HEADER) {
      return false;
    }
    int at = datagram.readerIndex();
    return datagram.getUnsignedShort(at + 2) == 0 && datagram.getUnsignedShort(at + 4) == 1;
  }

  /** How many datagrams a reply payload of {@code payloadBytes} needs (0 for none). */
  static long datagramsFor(long payloadBytes) {
    return (payloadBytes + MAX_PAYLOAD - 1) / MAX_PAYLOAD;
  }

  /** Bytes on the wire of a reply payload of {@code payloadBytes}, frame headers included. */
  static long wireBytes(long payloadBytes) {
    return payloadBytes + HEADER * datagramsFor(payloadBytes);
  }

  /**
   * Cuts {@code payload} (left untouched) into framed datagram buffers echoing {@code requestId}, with sequence
   * numbers 0..n-1 and total n; the caller must check {@code n ≤ MAX_DATAGRAMS} first.
   */
  static List<ByteBuf> split(ByteBufAllocator alloc, int requestId, ByteBuf payload) {
    int length = payload.readableBytes();
    int total = (int) datagramsFor(length);
    if (total > MAX_DATAGRAMS) {
      throw new IllegalArgumentException("reply of " + length + " bytes needs more than 65535 datagrams");
    }
    List<ByteBuf> out = new ArrayList<>(total);
    int at = payload.readerIndex();
    for (int seq = 0; seq < total; seq++) {
      int n = Math.min(MAX_PAYLOAD, length - seq * MAX_PAYLOAD);
      ByteBuf d = alloc.buffer(HEADER + n);
      d.writeShort(requestId).writeShort(seq).writeShort(total).writeShort(0);
      d.writeBytes(payload, at + seq * MAX_PAYLOAD, n);
      out.add(d);
    }
    return out;
  }
}
