package io.safecached.functional;

import io.safecached.testsupport.MetaClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Function;

/**
 * What the text and meta adapters share: one line-oriented connection (a {@link MetaClient}, for its line and
 * exact-length reads), flush_all and version (text in both protocols), pipelined data blocks and the strict
 * mapping of two-way replies.
 */
abstract class LineProtocolClient implements ProtocolClient {
  static final String TOO_LARGE = "SERVER_ERROR object too large for cache";
  static final String NON_NUMERIC = "CLIENT_ERROR cannot increment or decrement non-numeric value";

  protected final MetaClient c;

  LineProtocolClient(InetSocketAddress address) throws IOException {
    c = new MetaClient(address);
  }

  /** True for {@code yes}, false for {@code no}; any other reply to {@code request} fails the test. */
  static boolean either(String reply, String yes, String no, String request) {
    if (reply.equals(yes) || reply.equals(no)) {
      return reply.equals(yes);
    }
    throw new AssertionError("unexpected reply to " + request + ": " + reply);
  }

  /** Each value after its request line ({@code header} of the entry, CRLF added) and CRLF, then {@code last}. */
  static byte[] dataBlocks(Map<String, byte[]> values, Function<Map.Entry<String, byte[]>, String> header,
      String last) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (Map.Entry<String, byte[]> e : values.entrySet()) {
      b.writeBytes((header.apply(e) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
      b.writeBytes(e.getValue());
      b.writeBytes(new byte[] {'\r', '\n'});
    }
    b.writeBytes(last.getBytes(StandardCharsets.ISO_8859_1));
    return b.toByteArray();
  }

  @Override
  public void flush() throws IOException {
    String line = c.call("flush_all").line();
    if (!line.equals("OK")) {
      throw new AssertionError("unexpected reply to flush_all: " + line);
    }
  }

  @Override
  public String version() throws IOException {
    String line = c.call("version").line();
    if (!line.startsWith("VERSION ")) {
      throw new AssertionError("unexpected reply to version: " + line);
    }
    return line.substring(8);
  }

  @Override
  public void close() throws IOException {
    c.close();
  }
}
