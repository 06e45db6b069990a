package io.safecached.audit.probe;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP server on loopback that runs a behaviour for each connection in a daemon thread; closing it closes the
 * listening socket and every connection still open, so each connection's thread ends with the test.
 */
final class FakePeer implements AutoCloseable {
  /** What the peer does on one accepted connection. */
  @FunctionalInterface
  interface ConnectionBehaviour {
    void handle(Socket s) throws IOException, InterruptedException;
  }

  private final ServerSocket listener;
  private final List<Socket> connections = new CopyOnWriteArrayList<>();

  private FakePeer(ServerSocket listener) {
    this.listener = listener;
  }

  static FakePeer start(ConnectionBehaviour behaviour) throws IOException {
    FakePeer p = new FakePeer(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
    Thread t = new Thread(() -> {
      while (!p.listener.isClosed()) {
        try {
          Socket s = p.listener.accept();
          p.connections.add(s);
          Thread c = new Thread(() -> {
            try (s) {
              behaviour.handle(s);
            } catch (IOException | InterruptedException ignored) {
              // the prober hung up, or the test is over
            }
          });
          c.setDaemon(true);
          c.start();
        } catch (IOException closed) {
          return;
        }
      }
    });
    t.setDaemon(true);
    t.start();
    return p;
  }

  int port() {
    return listener.getLocalPort();
  }

  @Override
  public void close() throws IOException {
    listener.close();
    for (Socket s : connections) {
      s.close();
    }
  }
}
