package io.safecached.audit;

/** Told about progress after each finished target (from one thread at a time). */
@FunctionalInterface
public interface AuditListener {
  /** {@code done} of {@code total} targets finished, {@code exposed} of them exposed, after {@code elapsedNanos}. */
  void progress(long done, long total, long exposed, long elapsedNanos);

  /** A listener that ignores everything. */
  AuditListener NONE = (d, t, e, n) -> { };
}
