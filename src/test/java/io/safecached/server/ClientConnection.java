package io.safecached.server;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A raw loopback TCP connection for limit tests: like RawClient, plus its local port, exact-length reads for
 * large replies and a bounded wait for the server to close it.
 */
final class ClientConnection implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  ClientConnection(InetSocketAddress address) throws IOException {
    this(address, 0);
  }

  /** Connects; {@code receiveBuffer} > 0 sets SO_RCVBUF before connecting. */
  ClientConnection(InetSocketAddress address, int receiveBuffer) throws IOException {
    socket = new Socket();
    if (receiveBuffer > 0) {
      socket.setReceiveBufferSize(receiveBuffer);
    }
    socket.connect(address, 2000);
    socket.setSoTimeout(2000);
    socket.setTcpNoDelay(true);
    in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
    out = socket.getOutputStream();
  }

  /** The client-side port, as the server sees it. */
  int localPort() {
    return socket.getLocalPort();
  }

  ClientConnection send(String text) throws IOException {
    return send(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  ClientConnection send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
    return this;
  }

  /** Reads one line ending in {@code \r\n} and returns it without the terminator. */
  String readLine() throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int prev = -1;
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("connection closed after: " + buf.toString(StandardCharsets.ISO_8859_1));
      }
      if (prev == '\r' && b == '\n') {
        byte[] line = buf.toByteArray();
        return new String(line, 0, line.length - 1, StandardCharsets.ISO_8859_1);
      }
      buf.write(b);
      prev = b;
    }
  }

  /** Reads exactly {@code n} bytes. */
  byte[] readExactly(int n) throws IOException {
    byte[] data = new byte[n];
    int off = 0;
    while (off < n) {
      int r = in.read(data, off, n - off);
      if (r < 0) {
        throw new EOFException("connection closed after " + off + " of " + n + " bytes");
      }
      off += r;
    }
    return data;
  }

  /** Sends a line and reads one reply line. */
  String call(String line) throws IOException {
    send(line + "\r\n");
    return readLine();
  }

  /** Sends {@code stats [arg]} and returns the STAT lines (without "STAT ") up to END. */
  List<String> statLines(String command) throws IOException {
    send(command + "\r\n");
    List<String> lines = new ArrayList<>();
    while (true) {
      String line = readLine();
      if (line.equals("END")) {
        return lines;
      }
      if (!line.startsWith("STAT ")) {
        throw new IOException("unexpected line in " + command + " reply: " + line);
      }
      lines.add(line.substring(5));
    }
  }

  /** The general stats as name to value. */
  Map<String, String> stats() throws IOException {
    Map<String, String> stats = new LinkedHashMap<>();
    for (String line : statLines("stats")) {
      int space = line.indexOf(' ');
      stats.put(line.substring(0, space), line.substring(space + 1));
    }
    return stats;
  }

  /** One general stat as a number. */
  long stat(String name) throws IOException {
    String v = stats().get(name);
    if (v == null) {
      throw new AssertionError("stats has no " + name);
    }
    return Long.parseLong(v);
  }

  /**
   * Waits up to {@code millis} for the server to close the connection (end of stream or reset), discarding
   * whatever it still sends; false when it stayed open.
   */
  boolean closedByPeerWithin(long millis) throws IOException {
    long deadline = System.nanoTime() + millis * 1_000_000;
    int old = socket.getSoTimeout();
    try {
      while (true) {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
          return false;
        }
        socket.setSoTimeout((int) Math.max(1, left));
        try {
          if (in.read() < 0) {
            return true;
          }
        } catch (SocketTimeoutException stillOpen) {
          return false;
        } catch (IOException reset) {
          return true;
        }
      }
    } finally {
      if (!socket.isClosed()) {
        socket.setSoTimeout(old);
      }
    }
  }

  void setReadTimeout(int millis) throws IOException {
    socket.setSoTimeout(millis);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
