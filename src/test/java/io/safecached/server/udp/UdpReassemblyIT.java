package io.safecached.server.udp;

import static org.assertj.core.api.Assertions.assertThat;

import io.safecached.testsupport.RawClient;
import io.safecached.testsupport.TestServer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A value of several hundred KB, set over TCP, fetched over UDP by a trusted source and put back together. */
@Timeout(30)
class UdpReassemblyIT {
  static final int SIZE = 500_000;

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void aLargeValueReassemblesExactlyFromItsDatagrams() throws Exception {
    byte[] value = new byte[SIZE];
    new Random(5).nextBytes(value); // binary, so \r\n and frame-like bytes occur inside the value
    int udpPort = UdpTestClient.freeUdpPort();
    try (TestServer server = TestServer.start(b -> b.udpPort(udpPort))) {
      try (RawClient c = new RawClient(server.address())) {
        c.send("set large 42 0 " + SIZE + "\r\n").send(value).send("\r\n");
        assertThat(c.readLine()).isEqualTo("STORED");
      }
      ByteArrayOutputStream expected = new ByteArrayOutputStream();
      expected.writeBytes(ascii("VALUE large 42 " + SIZE + "\r\n"));
      expected.writeBytes(value);
      expected.writeBytes(ascii("\r\nEND\r\n"));
      byte[] want = expected.toByteArray();

      try (UdpTestClient client = UdpTestClient.trusted(udpPort)) {
        for (int requestId : List.of(0, 1, 0xabcd, 0xffff)) {
          UdpTestClient.Exchange e = client.request(requestId, ascii("get large\r\n"), 1000, 10_000);
          assertThat(e.complete()).as("every datagram of request %d arrived: %s", requestId, e).isTrue();
          List<UdpTestClient.Datagram> mine = e.forRequest();
          int total = mine.get(0).total();
          int perDatagram = UdpTestClient.MAX_DATAGRAM - UdpTestClient.HEADER;
          assertThat(total).isEqualTo((want.length + perDatagram - 1) / perDatagram);
          assertThat(e.datagrams()).as("nothing but this request's datagrams").hasSize(total);
          assertThat(mine).allSatisfy(d -> {
            assertThat(d.id()).isEqualTo(requestId);
            assertThat(d.total()).isEqualTo(total);
            assertThat(d.reserved()).isZero();
            assertThat(d.length()).isLessThanOrEqualTo(UdpTestClient.MAX_DATAGRAM).isGreaterThan(UdpTestClient.HEADER);
          });
          assertThat(mine).extracting(UdpTestClient.Datagram::sequence)
              .containsExactlyInAnyOrder(IntStream.range(0, total).boxed().toArray(Integer[]::new));
          assertThat(e.reassembled()).as("reassembled reply").isEqualTo(want);
        }
      }
    }
  }

  @Test
  void aMultiKeyGetOfTwoLargeValuesReassembles() throws Exception {
    byte[] a = new byte[300_000];
    byte[] b = new byte[200_000];
    new Random(7).nextBytes(a);
    new Random(8).nextBytes(b);
    int udpPort = UdpTestClient.freeUdpPort();
    try (TestServer server = TestServer.start(s -> s.udpPort(udpPort))) {
      try (RawClient c = new RawClient(server.address())) {
        c.send("set a 1 0 " + a.length + "\r\n").send(a).send("\r\n");
        assertThat(c.readLine()).isEqualTo("STORED");
        c.send("set b 2 0 " + b.length + "\r\n").send(b).send("\r\n");
        assertThat(c.readLine()).isEqualTo("STORED");
      }
      ByteArrayOutputStream expected = new ByteArrayOutputStream();
      expected.writeBytes(ascii("VALUE a 1 " + a.length + "\r\n"));
      expected.writeBytes(a);
      expected.writeBytes(ascii("\r\nVALUE b 2 " + b.length + "\r\n"));
      expected.writeBytes(b);
      expected.writeBytes(ascii("\r\nEND\r\n"));
      try (UdpTestClient client = UdpTestClient.trusted(udpPort)) {
        UdpTestClient.Exchange e = client.request(77, ascii("get a missing b\r\n"), 1000, 10_000);
        assertThat(e.complete()).as("%s", e).isTrue();
        assertThat(e.reassembled()).isEqualTo(expected.toByteArray());
      }
    }
  }
}
