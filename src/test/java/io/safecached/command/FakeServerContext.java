package io.safecached.command;

import java.util.ArrayList;
import java.util.List;

/** A {@link ServerContext} whose settings a test sets and whose lifecycle calls it records. */
public final class FakeServerContext implements ServerContext {
  /** The version reported. */
  public String version = "1.6.18-test";
  /** {@code -A}. */
  public boolean shutdownEnabled;
  /** {@code -F}. */
  public boolean flushAllDisabled;
  /** False for memcached's {@code -C}. */
  public boolean casEnabled = true;
  /** {@code stats detail}'s counters. */
  public PrefixStats prefixStats = new PrefixStats(':', false);
  /** {@code -I}, memcached's default of 1 MB. */
  public int maxItemSize = 1024 * 1024;
  /** What refresh_certs reports: null for success. */
  public String refreshCertsProblem = "TLS not enabled";
  /** Every level passed to {@link #verbosity}. */
  public final List<Integer> verbosityCalls = new ArrayList<>();
  /** The graceful flag of every {@link #shutdown} call. */
  public final List<Boolean> shutdownCalls = new ArrayList<>();

  /** Process statistics as the server supplies them, in memcached's order and with recognisable values. */
  public List<Result.Stat> processStats = List.of(
      new Result.Stat("pid", "4242"),
      new Result.Stat("uptime", "77"),
      new Result.Stat("time", "1700000000"),
      new Result.Stat("version", "1.6.18-test"),
      new Result.Stat("pointer_size", "64"),
      new Result.Stat("rusage_user", "0.123456"),
      new Result.Stat("rusage_system", "0.654321"),
      new Result.Stat("max_connections", "1024"),
      new Result.Stat("curr_connections", "3"),
      new Result.Stat("total_connections", "9"),
      new Result.Stat("rejected_connections", "1"));
  /** Server statistics that follow the command counters. */
  public List<Result.Stat> serverStats = List.of(
      new Result.Stat("accepting_conns", "1"),
      new Result.Stat("threads", "4"));
  /** {@code stats settings}. */
  public List<Result.Stat> settings = List.of(new Result.Stat("maxconns", "1024"));
  /** {@code stats conns}. */
  public List<Result.Stat> connections = List.of(new Result.Stat("7:state", "conn_parse_cmd"));

  @Override
  public String version() {
    return version;
  }

  @Override
  public List<Result.Stat> processStats() {
    return processStats;
  }

  @Override
  public List<Result.Stat> serverStats() {
    return serverStats;
  }

  @Override
  public List<Result.Stat> settings() {
    return settings;
  }

  @Override
  public List<Result.Stat> connections() {
    return connections;
  }

  @Override
  public boolean shutdownEnabled() {
    return shutdownEnabled;
  }

  @Override
  public boolean flushAllDisabled() {
    return flushAllDisabled;
  }

  @Override
  public boolean casEnabled() {
    return casEnabled;
  }

  @Override
  public PrefixStats prefixStats() {
    return prefixStats;
  }

  @Override
  public int maxItemSize() {
    return maxItemSize;
  }

  @Override
  public void verbosity(int level) {
    verbosityCalls.add(level);
  }

  @Override
  public String refreshCerts() {
    return refreshCertsProblem;
  }

  @Override
  public void shutdown(boolean graceful) {
    shutdownCalls.add(graceful);
  }
}
