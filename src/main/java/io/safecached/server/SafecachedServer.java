package io.safecached.server;

import io.safecached.config.ServerConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A running safecached server: its listeners, store and threads. Start with {@link #start}, stop with close. */
public final class SafecachedServer implements AutoCloseable {

  private SafecachedServer() {}

  /**
   * Binds every listener of {@code config} and starts serving. Throws when any address cannot be bound; then
   * nothing is left running.
   */
  public static SafecachedServer start(ServerConfig config) throws IOException {
    throw new UnsupportedOperationException("not yet");
  }

  /** The addresses actually bound (with the real port when the config asked for port 0). */
  public List<InetSocketAddress> boundAddresses() {
    throw new UnsupportedOperationException("not yet");
  }

  /** One line saying what is exposed: addresses, protocols, UDP, authentication. */
  public String exposureSummary() {
    throw new UnsupportedOperationException("not yet");
  }

  /** Completes when the server has stopped, by {@link #close()} or by the {@code shutdown} command. */
  public CompletableFuture<Void> terminationFuture() {
    throw new UnsupportedOperationException("not yet");
  }

  /** Stops accepting, closes every connection and releases the threads; waits for it. */
  @Override
  public void close() {
  }
}
