package io.safecached.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.safecached.command.Result.Stat;
import io.safecached.testsupport.CodecFixtures.Split;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** The metrics endpoint's HTTP handling: paths, methods, bounds and basic auth, fed as bytes in every split. */
class MetricsHandlerTest {
  private final SecurityEvents events = new SecurityEvents();
  private final StatsReader stats = group -> group == null
      ? List.of(new Stat("version", "1.6.45-test"), new Stat("curr_items", "42"))
      : List.of();
  /** Sources whose logins were checked, and the credentials given. */
  private final List<String> checked = new ArrayList<>();
  private final Login login = (source, user, password) -> {
    checked.add(source.getHostAddress() + " " + user + ":" + new String(password, StandardCharsets.UTF_8));
    return CompletableFuture.completedFuture(user.equals("scraper") && new String(password,
        StandardCharsets.UTF_8).equals("pa:ss"));
  };

  private EmbeddedChannel channel(Login withLogin) {
    EmbeddedChannel ch = new EmbeddedChannel() {
      @Override
      protected SocketAddress remoteAddress0() {
        return new InetSocketAddress("127.0.0.1", 40000);
      }
    };
    MetricsServer.addHttp(ch.pipeline(), new MetricsHandler(new Scraper(stats, events), Runnable::run, withLogin,
        events));
    return ch;
  }

  /** Feeds {@code request} cut by {@code split}, runs pending tasks, and returns everything written back. */
  private static String exchange(EmbeddedChannel ch, String request, Split split) {
    byte[] bytes = request.getBytes(StandardCharsets.ISO_8859_1);
    IntUnaryOperator cuts = split.cuts(7);
    int at = 0;
    while (at < bytes.length && ch.isOpen()) {
      int n = Math.min(bytes.length - at, cuts.applyAsInt(bytes.length - at));
      ch.writeInbound(Unpooled.wrappedBuffer(bytes, at, n));
      at += n;
    }
    ch.runPendingTasks();
    StringBuilder out = new StringBuilder();
    for (Object o; (o = ch.readOutbound()) != null; ) {
      ByteBuf b = (ByteBuf) o;
      out.append(b.toString(StandardCharsets.UTF_8));
      b.release();
    }
    ch.finishAndReleaseAll();
    return out.toString();
  }

  private static String get(String path, String... headers) {
    return "GET " + path + " HTTP/1.1\r\nHost: localhost\r\n" + String.join("", headers) + "\r\n";
  }

  private static String basic(String credentials) {
    return "Authorization: Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8))
        + "\r\n";
  }

  @ParameterizedTest
  @EnumSource(Split.class)
  void getMetricsAnswersTheScrapeAndCloses(Split split) {
    EmbeddedChannel ch = channel(null);
    String response = exchange(ch, get("/metrics?x=1"), split);
    assertThat(response).startsWith("HTTP/1.1 200 OK\r\n")
        .contains("content-type: text/plain; version=0.0.4; charset=utf-8\r\n", "connection: close\r\n")
        .contains("\nmemcached_current_items 42.0\n", "\nmemcached_version{version=\"1.6.45-test\"} 1.0\n",
            "\nmemcached_up 1.0\n", "\njvm_threads_current ");
    assertThat(ch.isOpen()).isFalse();
  }

  @ParameterizedTest
  @EnumSource(Split.class)
  void otherPathsMethodsAndBadRequestsGetShortErrors(Split split) {
    assertThat(exchange(channel(null), get("/"), split)).startsWith("HTTP/1.1 404 Not Found\r\n")
        .doesNotContain("memcached_");
    assertThat(exchange(channel(null), "POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nab", split))
        .startsWith("HTTP/1.1 405 Method Not Allowed\r\n").contains("allow: GET\r\n");
    assertThat(exchange(channel(null), "GET /metrics HTTP/1.1\r\nHost x\r\n\r\n", split))
        .startsWith("HTTP/1.1 400 Bad Request\r\n");
  }

  @Test
  void aRequestLargerThanItsBoundsIsRefusedUnbuffered() {
    String longLine = get("/metrics?" + "a".repeat(MetricsServer.MAX_INITIAL_LINE));
    assertThat(exchange(channel(null), longLine, Split.WHOLE)).startsWith("HTTP/1.1 400 Bad Request\r\n");
    String bigHeader = get("/metrics", "X-Filler: " + "b".repeat(MetricsServer.MAX_HEADER_SIZE) + "\r\n");
    assertThat(exchange(channel(null), bigHeader, Split.WHOLE)).startsWith("HTTP/1.1 400 Bad Request\r\n");
    String bigBody = "POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: " + (MetricsServer.MAX_BODY + 1)
        + "\r\n\r\n";
    assertThat(exchange(channel(null), bigBody, Split.WHOLE)).startsWith("HTTP/1.1 413 Request Entity Too Large");
  }

  @ParameterizedTest
  @EnumSource(Split.class)
  void withALoginTheRightCredentialsAreNeeded(Split split) {
    assertThat(exchange(channel(login), get("/metrics"), split)).startsWith("HTTP/1.1 401 Unauthorized\r\n")
        .contains("www-authenticate: " + MetricsHandler.REALM + "\r\n").doesNotContain("memcached_");
    assertThat(exchange(channel(login), get("/metrics", basic("scraper:wrong")), split))
        .startsWith("HTTP/1.1 401 Unauthorized\r\n");
    assertThat(exchange(channel(login), get("/metrics", "Authorization: Basic %%%\r\n"), split))
        .startsWith("HTTP/1.1 401 Unauthorized\r\n");
    assertThat(exchange(channel(login), get("/metrics", "Authorization: Bearer abc\r\n"), split))
        .startsWith("HTTP/1.1 401 Unauthorized\r\n");
    // the password is everything after the first colon
    assertThat(exchange(channel(login), get("/metrics", basic("scraper:pa:ss")), split))
        .startsWith("HTTP/1.1 200 OK\r\n")
        .contains("\nsafecached_metrics_auth_failures_total 4.0\n");
    assertThat(checked).containsExactly("127.0.0.1 scraper:wrong", "127.0.0.1 scraper:pa:ss");
    assertThat(events.metricsAuthFailures()).isEqualTo(4);
  }

  @Test
  void basicCredentialsAreDecodedOrEmpty() {
    assertThat(new String(MetricsHandler.basic("Basic dTpw"), StandardCharsets.UTF_8)).isEqualTo("u:p");
    assertThat(new String(MetricsHandler.basic("basic   dTpw  "), StandardCharsets.UTF_8)).isEqualTo("u:p");
    assertThat(MetricsHandler.basic(null)).isEmpty();
    assertThat(MetricsHandler.basic("Basic")).isEmpty();
    assertThat(MetricsHandler.basic("Basic !!")).isEmpty();
    assertThat(MetricsHandler.basic("Digest dTpw")).isEmpty();
  }

  @Test
  void aLoginThatCompletesLaterAnswersThen() {
    CompletableFuture<Boolean> pending = new CompletableFuture<>();
    EmbeddedChannel ch = channel((source, user, password) -> pending);
    ch.writeInbound(Unpooled.copiedBuffer(get("/metrics", basic("a:b")), StandardCharsets.ISO_8859_1));
    ch.runPendingTasks();
    Object nothingYet = ch.readOutbound();
    assertThat(nothingYet).isNull();
    pending.complete(true);
    assertThat(exchange(ch, "", Split.WHOLE)).startsWith("HTTP/1.1 200 OK\r\n");
  }
}
