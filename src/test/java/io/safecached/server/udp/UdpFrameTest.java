package io.safecached.server.udp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** memcached's UDP frame header and the splitting of replies into datagrams. */
class UdpFrameTest {

  private static ByteBuf frame(int id, int seq, int total, String payload) {
    ByteBuf b = Unpooled.buffer();
    b.writeShort(id).writeShort(seq).writeShort(total).writeShort(0);
    b.writeBytes(payload.getBytes(StandardCharsets.US_ASCII));
    return b;
  }

  @Test
  void acceptsOnlyWholeRequestsInOneDatagram() {
    List<ByteBuf> bufs = List.of(frame(7, 0, 1, "get a\r\n"), frame(7, 0, 1, ""), frame(7, 0, 2, "get a\r\n"),
        frame(7, 1, 1, "get a\r\n"), frame(7, 0, 0, "get a\r\n"), Unpooled.wrappedBuffer(new byte[5]));
    try {
      assertThat(bufs.stream().map(UdpFrame::wellFormed).toList())
          .containsExactly(true, false, false, false, false, false);
      assertThat(UdpFrame.requestId(bufs.get(0))).isEqualTo(7);
      assertThat(UdpFrame.requestId(frame(0xfffe, 0, 1, "x"))).isEqualTo(0xfffe);
    } finally {
      bufs.forEach(ByteBuf::release);
    }
  }

  @Test
  void theReservedFieldIsIgnored() {
    ByteBuf b = frame(1, 0, 1, "version\r\n");
    b.setShort(6, 0x1234);
    try {
      assertThat(UdpFrame.wellFormed(b)).isTrue();
    } finally {
      b.release();
    }
  }

  @Test
  void countsDatagramsAndWireBytes() {
    assertThat(UdpFrame.datagramsFor(0)).isZero();
    assertThat(UdpFrame.datagramsFor(1)).isEqualTo(1);
    assertThat(UdpFrame.datagramsFor(1392)).isEqualTo(1);
    assertThat(UdpFrame.datagramsFor(1393)).isEqualTo(2);
    assertThat(UdpFrame.wireBytes(1393)).isEqualTo(1393 + 16);
    assertThat(UdpFrame.datagramsFor(1024L * 1024)).isEqualTo(754); // ceil(1048576 / 1392)
  }

  @Test
  void splitsIntoDatagramsOfAtMost1400BytesThatReassembleExactly() {
    byte[] payload = new byte[3000];
    new Random(5).nextBytes(payload);
    ByteBuf in = Unpooled.wrappedBuffer(payload);
    List<ByteBuf> out = UdpFrame.split(ByteBufAllocator.DEFAULT, 0xbeef, in);
    try {
      assertThat(out).hasSize(3);
      assertThat(out.stream().map(ByteBuf::readableBytes).toList()).containsExactly(1400, 1400, 3000 - 2784 + 8);
      ByteArrayOutputStream joined = new ByteArrayOutputStream();
      for (int i = 0; i < out.size(); i++) {
        ByteBuf d = out.get(i);
        assertThat(d.getUnsignedShort(0)).isEqualTo(0xbeef);
        assertThat(d.getUnsignedShort(2)).isEqualTo(i);
        assertThat(d.getUnsignedShort(4)).isEqualTo(3);
        assertThat(d.getUnsignedShort(6)).isZero();
        byte[] body = new byte[d.readableBytes() - 8];
        d.getBytes(8, body);
        joined.writeBytes(body);
      }
      assertThat(joined.toByteArray()).isEqualTo(payload);
      assertThat(in.readableBytes()).isEqualTo(3000); // the payload is left as it was
    } finally {
      out.forEach(ByteBuf::release);
      in.release();
    }
  }

  @Test
  void anExactMultipleLeavesNoEmptyDatagram() {
    ByteBuf in = Unpooled.wrappedBuffer(new byte[2 * 1392]);
    List<ByteBuf> out = UdpFrame.split(ByteBufAllocator.DEFAULT, 1, in);
    try {
      assertThat(out.stream().map(ByteBuf::readableBytes).toList()).containsExactly(1400, 1400);
    } finally {
      out.forEach(ByteBuf::release);
      in.release();
    }
  }
}
