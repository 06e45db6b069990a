package io.safecached.testsupport;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Base of the suites that give every test a fresh server: before each test it starts the server of its
 * {@link Target} and then the suite's clients; after it, it closes the clients and then the server.
 */
public abstract class ServerSuite {
  private final Target target;
  private final List<AutoCloseable> clients = new ArrayList<>();
  private Target.Running server;

  protected ServerSuite(Target target) {
    this.target = target;
  }

  /** Opens a client to a server's address. */
  @FunctionalInterface
  public interface Connector<C> {
    C connect(InetSocketAddress address) throws Exception;
  }

  /** Opens the clients the suite's tests use, each through {@link #open}; the server listens at {@link #address()}. */
  protected abstract void openClients() throws Exception;

  /** Registers {@code client} to be closed after the test (before the server), and returns it. */
  protected final <C extends AutoCloseable> C open(C client) {
    clients.add(client);
    return client;
  }

  @BeforeEach
  protected final void startServerAndClients() throws Exception {
    server = target.start();
    try {
      openClients();
    } catch (Exception | Error e) {
      try {
        closeClients();
      } finally {
        server.close();
      }
      throw e;
    }
  }

  @AfterEach
  protected final void stopClientsAndServer() throws Exception {
    if (server == null) {
      return; // the server did not start (skipped or failed test): nothing is open
    }
    try {
      closeClients();
    } finally {
      server.close();
    }
  }

  private void closeClients() throws Exception {
    Exception failure = null;
    for (AutoCloseable c : clients) {
      try {
        c.close();
      } catch (Exception e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    clients.clear();
    if (failure != null) {
      throw failure;
    }
  }

  /** The server this suite runs against. */
  protected final Target target() {
    return target;
  }

  /** The address of the server of the current test. */
  protected final InetSocketAddress address() {
    return server.address();
  }
}
