package io.safecached.server.metrics;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.safecached.command.Result;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One scrape: the stats mapped by {@link StatsMapping} and the JVM's metrics, in the Prometheus text format. */
final class Scraper {
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

  Scraper(StatsReader stats, SecurityEvents events) {
    registry.register(() -> StatsMapping.map(read(stats), events));
    JvmMetrics.builder().register(registry);
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
      writer.write(out, registry.scrape());
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
