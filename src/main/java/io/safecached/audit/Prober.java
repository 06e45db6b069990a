package io.safecached.audit;

import java.util.concurrent.CompletableFuture;

/** Runs the network probes for one target whose address is resolved; implemented over Netty in audit.probe. */
public interface Prober extends AutoCloseable {
  /** Probes the target; the future never completes exceptionally for network failures (they are observations). */
  CompletableFuture<Observation> probe(Target target);

  /** Stops every probe still running and frees the threads. */
  @Override
  void close();
}
