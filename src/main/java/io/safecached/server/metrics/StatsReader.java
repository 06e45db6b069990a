package io.safecached.server.metrics;

import io.safecached.command.Result;
import java.util.List;

/** Runs a {@code stats} command for the metrics endpoint: the same figures a memcached client reads. */
@FunctionalInterface
public interface StatsReader {
  /** The reply to {@code stats <group>} ({@code null}: the general stats); empty when the group has none. */
  List<Result.Stat> read(String group);
}
