package io.safecached.security;

/**
 * What a command is, as the access policy sees it; every command type declares its kind once
 * ({@code Command.kind()}), and the authentication gate, the UDP path and the policy ask it.
 */
public enum CommandKind {
  /** Reads items or server information and changes nothing (get, mg without T/N/R, me, mn, stats, version). */
  READ,
  /** Changes items: storage, delete, incr/decr, touch, gat, mg with T/N/R, ms, md, ma. */
  WRITE,
  /**
   * Changes or reveals the whole server rather than items: flush_all, shutdown, cache_memlimit, verbosity,
   * refresh_certs, stats reset, stats conns.
   */
  ADMIN,
  /** Ends the connection (quit); touches no data. */
  SESSION,
  /** Part of a login (binary SASL); answered by the authentication gate, never run by the executor. */
  LOGIN
}
