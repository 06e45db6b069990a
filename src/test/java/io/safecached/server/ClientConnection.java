package io.safecached.server;

import io.safecached.testsupport.SocketClient;
import java.io.IOException;
import java.net.InetSocketAddress;
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
final class ClientConnection extends SocketClient {
  ClientConnection(InetSocketAddress address) throws IOException {
    super(address);
  }

  /** Connects; {@code receiveBuffer} > 0 sets SO_RCVBUF before connecting. */
  ClientConnection(InetSocketAddress address, int receiveBuffer) throws IOException {
    super(address, receiveBuffer);
  }

  /** The client-side port, as the server sees it. */
  int localPort() {
    return socket.getLocalPort();
  }

  ClientConnection send(String text) throws IOException {
    return send(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  ClientConnection send(byte[] bytes) throws IOException {
    write(bytes);
    return this;
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
}
