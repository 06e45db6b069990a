package io.safecached.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.safecached.config.ServerConfig;
import io.safecached.testsupport.TestServer;
import io.safecached.testsupport.TestTransport;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The harness really runs the server on the transport the build asked for (-Dsafecached.transport). */
class TransportIT {
  @Test
  void theServerRunsOnTheTransportTheRunAskedFor() throws IOException {
    try (TestServer server = TestServer.start();
         Socket s = new Socket(server.address().getAddress(), server.port())) {
      String summary = server.server().exposureSummary();
      ServerConfig.Transport asked = TestTransport.transport();
      if (asked != ServerConfig.Transport.AUTO) {
        assertThat(summary).contains("; transport: " + asked.optionName() + " (asked for)");
      } else {
        assertThat(summary).containsPattern("; transport: (io_uring|epoll|nio) \\(");
      }
      OutputStream out = s.getOutputStream();
      out.write("set k 0 0 1\r\nv\r\nget k\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      byte[] expected = "STORED\r\nVALUE k 0 1\r\nv\r\nEND\r\n".getBytes(StandardCharsets.US_ASCII);
      s.setSoTimeout(10_000);
      InputStream in = s.getInputStream();
      assertThat(in.readNBytes(expected.length)).isEqualTo(expected);

      // counted without a pipeline handler: every byte read and written, 'stats' itself read but not yet answered
      out.write("stats\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      Map<String, String> stats = new HashMap<>();
      BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
      for (String line = lines.readLine(); line != null && !line.equals("END"); line = lines.readLine()) {
        String[] f = line.split(" ", 3);
        stats.put(f[1], f[2]);
      }
      assertThat(stats).containsEntry("bytes_read", Integer.toString(23 + 7))
          .containsEntry("bytes_written", Integer.toString(expected.length));
    }
  }
}
