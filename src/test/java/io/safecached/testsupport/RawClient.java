package io.safecached.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** A raw TCP client for protocol tests: sends bytes, reads replies with a bounded wait. */
public final class RawClient extends SocketClient {
  public RawClient(InetSocketAddress address) throws IOException {
    super(address);
  }

  /** Sends ISO-8859-1 text as bytes. */
  public RawClient send(String text) throws IOException {
    return send(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  public RawClient send(byte[] bytes) throws IOException {
    write(bytes);
    return this;
  }

  /** Reads until the received text ends with {@code suffix}; fails after the socket timeout. */
  public String readUntil(String suffix) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed after: " + buf.toString(StandardCharsets.ISO_8859_1));
      }
      buf.write(b);
      String s = buf.toString(StandardCharsets.ISO_8859_1);
      if (s.endsWith(suffix)) {
        return s;
      }
    }
  }

  /** Sends a line and reads one reply line. */
  public String call(String line) throws IOException {
    send(line + "\r\n");
    return readLine();
  }

  /** Reads whatever arrives until {@code quietMillis} pass without data (for replies of unknown length). */
  public String drain(int quietMillis) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int old = socket.getSoTimeout();
    socket.setSoTimeout(quietMillis);
    try {
      byte[] chunk = new byte[8192];
      while (true) {
        int n = in.read(chunk);
        if (n < 0) {
          break;
        }
        buf.write(chunk, 0, n);
      }
    } catch (SocketTimeoutException quiet) {
      // nothing more arrived
    } finally {
      if (!socket.isClosed()) {
        socket.setSoTimeout(old);
      }
    }
    return buf.toString(StandardCharsets.ISO_8859_1);
  }
}
