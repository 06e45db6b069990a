package io.safecached.testsupport;

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

/**
 * A raw loopback TCP connection for protocol tests: connects and reads with a 2 s timeout, Nagle off, reads
 * buffered; line and exact-length reads for the clients built on it.
 */
public abstract class SocketClient implements AutoCloseable {
  protected final Socket socket;
  protected final InputStream in;
  private final OutputStream out;

  protected SocketClient(InetSocketAddress address) throws IOException {
    this(address, 0);
  }

  /** Connects; {@code receiveBuffer} > 0 sets SO_RCVBUF before connecting. */
  protected SocketClient(InetSocketAddress address, int receiveBuffer) throws IOException {
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

  /** Waits up to {@code millis} for each read from now on (2 s by default). */
  public final void readTimeout(int millis) throws IOException {
    socket.setSoTimeout(millis);
  }

  /** Writes {@code bytes} as they are and flushes. */
  protected final void write(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** Reads one line ending in {@code \r\n} and returns it without the terminator. */
  public String readLine() throws IOException {
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
  public byte[] readExactly(int n) throws IOException {
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

  /** True when the server closed the connection (end of stream or reset within the read timeout). */
  public boolean closedByPeer() throws IOException {
    try {
      return in.read() < 0;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
