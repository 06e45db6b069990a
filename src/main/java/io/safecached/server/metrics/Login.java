package io.safecached.server.metrics;

import java.net.InetAddress;
import java.util.concurrent.CompletionStage;

/** Checks the HTTP basic-auth credentials of a scrape against the server's users file. */
@FunctionalInterface
public interface Login {
  /**
   * Completes with true when {@code user} and {@code password} are valid and {@code source} may log in; a failure
   * may complete late (the brute-force guard's delay). Never blocks the caller.
   */
  CompletionStage<Boolean> check(InetAddress source, String user, byte[] password);
}
