package io.safecached.command;

import java.util.List;

/** What the command layer needs from the running server: its settings, connections and lifecycle. */
public interface ServerContext {

  /** The version reported by {@code version} and {@code stats}. */
  String version();

  /** Connection and process statistics for the general {@code stats}, in memcached's order. */
  List<Result.Stat> processStats();

  /** Statistics that follow the command counters in the general {@code stats} (threads, limits, …). */
  List<Result.Stat> serverStats();

  /** {@code stats settings}. */
  List<Result.Stat> settings();

  /** {@code stats conns}. */
  List<Result.Stat> connections();

  /** Whether {@code shutdown} may stop the server ({@code -A}). */
  boolean shutdownEnabled();

  /** Whether {@code flush_all} is refused ({@code -F}). */
  boolean flushAllDisabled();

  /** Whether CAS values are handed out; with memcached's {@code -C} clients see 0 and cas commands fail. */
  boolean casEnabled();

  /** The server's {@code stats detail} counters (one instance for the whole server). */
  PrefixStats prefixStats();

  /** Largest item accepted, as memcached counts it ({@code -I}). */
  int maxItemSize();

  /** Sets the verbosity level. */
  void verbosity(int level);

  /** Starts stopping the server; replies already written are sent first. */
  void shutdown(boolean graceful);

  /**
   * memcached's {@code refresh_certs}: reloads the TLS certificates; null on success, else why not (the old
   * certificates stay in use), as the text memcached prints after {@code Error }.
   */
  String refreshCerts();
}
