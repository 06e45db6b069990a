package io.safecached.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.safecached.config.Cidr;
import io.safecached.config.ServerConfig;
import io.safecached.server.udp.UdpTestClient;
import io.safecached.testsupport.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --allow closes other sources at accept; with -Y, UDP answers only --udp-allow sources. */
class AllowlistIT {
  private static final int TIMEOUT_MS = 2000;

  /** Sends {@code version} from {@code source} and returns the reply line, or null when the server closed. */
  private static String versionFrom(String source, InetSocketAddress server) throws IOException {
    try (Socket s = new Socket()) {
      s.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
      s.setSoTimeout(TIMEOUT_MS);
      s.connect(server, TIMEOUT_MS);
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      try {
        out.write("version\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
      } catch (IOException e) {
        return null; // reset by the server
      }
      StringBuilder line = new StringBuilder();
      int b;
      try {
        while ((b = in.read()) >= 0 && b != '\n') {
          line.append((char) b);
        }
      } catch (IOException e) {
        return null;
      }
      return b < 0 ? null : line.toString().strip();
    }
  }

  @Test
  void onlyAllowedSourcesAreServedAndTheOthersAreCounted() throws Exception {
    try (TestServer server = TestServer.start(b -> b.access(
        new ServerConfig.Access(null, false, List.of(Cidr.parse("127.0.0.2/32")), Set.of())))) {
      assertThat(versionFrom("127.0.0.2", server.address())).startsWith("VERSION ");
      assertThat(versionFrom("127.0.0.1", server.address())).as("127.0.0.1 is not in --allow").isNull();
      assertThat(versionFrom("127.0.0.3", server.address())).isNull();
      assertThat(statFrom("127.0.0.2", server.address(), "", "rejected_by_allowlist")).isEqualTo("2");
      assertThat(statFrom("127.0.0.2", server.address(), "", "total_connections"))
          .as("refused connections never count: the version connection and the two stats ones").isEqualTo("3");
    }
  }

  /** One general statistic, read from {@code source} after sending {@code first} (e.g. a login). */
  private static String statFrom(String source, InetSocketAddress server, String first, String name)
      throws IOException {
    try (Socket s = new Socket()) {
      s.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
      s.setSoTimeout(TIMEOUT_MS);
      s.connect(server, TIMEOUT_MS);
      s.getOutputStream().write((first + "stats\r\n").getBytes(StandardCharsets.US_ASCII));
      String all = new String(readUntilEnd(s.getInputStream()), StandardCharsets.US_ASCII);
      for (String line : all.split("\r\n")) {
        if (line.startsWith("STAT " + name + " ")) {
          return line.substring(("STAT " + name + " ").length());
        }
      }
      return null;
    }
  }

  private static byte[] readUntilEnd(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0) {
      out.write(b);
      byte[] sofar = out.toByteArray();
      if (sofar.length >= 5
          && new String(sofar, sofar.length - 5, 5, StandardCharsets.US_ASCII).equals("END\r\n")) {
        break;
      }
    }
    return out.toByteArray();
  }

  @Test
  void withPasswordsUdpServesOnlyTrustedSources(@TempDir Path dir) throws Exception {
    Path users = Files.writeString(dir.resolve("users"), "alice:secret\n");
    int udpPort = UdpTestClient.freeUdpPort();
    try (TestServer server = TestServer.start(b -> b.udpPort(udpPort)
            .access(new ServerConfig.Access(users, false, List.of(), Set.of())));
         UdpTestClient trusted = UdpTestClient.trusted(udpPort);
         UdpTestClient other = new UdpTestClient(InetAddress.getByName("127.0.0.2"),
             new InetSocketAddress("127.0.0.1", udpPort))) {
      assertThat(trusted.request(1, "version\r\n").datagrams()).hasSize(1);
      assertThat(other.request(2, "version\r\n").datagrams()).as("UDP cannot log in").isEmpty();
      assertThat(statFrom("127.0.0.1", server.address(), "set auth 0 0 12\r\nalice secret\r\n",
          "udp_dropped_unauthenticated")).isEqualTo("1");
    }
  }
}
