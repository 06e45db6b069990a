package io.safecached.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** A raw TCP client for protocol tests: sends bytes, reads replies with a bounded wait. */
public final class RawClient implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  public RawClient(InetSocketAddress address) throws IOException {
    socket = new Socket();
    socket.connect(address, 2000);
    socket.setSoTimeout(2000);
    socket.setTcpNoDelay(true);
    in = socket.getInputStream();
    out = socket.getOutputStream();
  }

  /** Sends ISO-8859-1 text as bytes. */
  public RawClient send(String text) throws IOException {
    return send(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  public RawClient send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
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

  /** Reads one {@code \r\n}-terminated line, without the terminator. */
  public String readLine() throws IOException {
    String s = readUntil("\r\n");
    return s.substring(0, s.length() - 2);
  }

  /** Sends a line and reads one reply line. */
  public String call(String line) throws IOException {
    send(line + "\r\n");
    return readLine();
  }

  /** True when the server closed the connection (end of stream within the timeout). */
  public boolean closedByPeer() throws IOException {
    try {
      return in.read() < 0;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException reset) {
      return true;
    }
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

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
