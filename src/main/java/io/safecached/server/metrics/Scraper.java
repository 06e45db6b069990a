package io.safecached.server.metrics;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.safecached.command.Result;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One scrape: the stats mapped by {@link StatsMapping} and the JVM's metrics, in the Prometheus text format. */
final class Scraper {
  /**
   * The JVM's collectors, registered once per JVM: the client library remembers every registry they were
   * registered with for good, so a registry per server would keep every stopped server reachable.
   */
  private static final PrometheusRegistry JVM = jvmRegistry();

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

  Scraper(StatsReader stats, SecurityEvents events) {
    registry.register(() -> StatsMapping.map(read(stats), events));
  }

  private static PrometheusRegistry jvmRegistry() {
    PrometheusRegistry jvm = new PrometheusRegistry();
    JvmMetrics.builder().register(jvm);
    return jvm;
  }

  /** The four stats groups the mapping reads, each as name to value. */
  static StatsMapping.Stats read(StatsReader stats) {
    return new StatsMapping.Stats(toMap(stats.read(null)), toMap(stats.read("settings")),
        toMap(stats.read("items")), toMap(stats.read("slabs")));
  }

  private static Map<String, String> toMap(List<Result.Stat> stats) {
    Map<String, String> m = new LinkedHashMap<>();
    for (Result.Stat s : stats) {
      m.putIfAbsent(s.name(), s.value());
    }
    return m;
  }

  /** The value of the Content-Type header for {@link #scrape}'s output. */
  String contentType() {
    return writer.getContentType();
  }

  /** Collects every metric now and writes them into a new buffer. */
  ByteBuf scrape(ByteBufAllocator alloc) {
    ByteBuf buf = alloc.buffer(64 * 1024);
    try (ByteBufOutputStream out = new ByteBufOutputStream(buf)) {
      List<MetricSnapshot> all = new ArrayList<>();
      registry.scrape().forEach(all::add);
      JVM.scrape().forEach(all::add);
      writer.write(out, new MetricSnapshots(all));
    } catch (IOException e) {
      buf.release();
      throw new UncheckedIOException(e);
    } catch (RuntimeException | Error e) {
      buf.release();
      throw e;
    }
    return buf;
  }
}
