package io.safecached.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.safecached.server.SafecachedServer;
import io.safecached.testsupport.Poll;
import io.safecached.testsupport.TestCertificates;
import io.safecached.testsupport.TestUser;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve --metrics} end to end: a real server on 127.0.0.1 with its metrics endpoint on a free port, some
 * commands, then scrapes over HTTP (and HTTPS, and with basic auth), checked for values, by {@code promtool check
 * metrics}, and by one real Prometheus scrape when the Debian {@code prometheus} package is installed.
 */
class MetricsIT {
  private static final Path PROMTOOL = Path.of("/usr/bin/promtool");
  private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");

  @TempDir
  Path dir;

  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final AtomicReference<SafecachedServer> started = new AtomicReference<>();
  private final CountDownLatch listening = new CountDownLatch(1);
  private FutureTask<Integer> serve;

  private SafecachedServer serve(String... args) throws Exception {
    ServeCommand command = new ServeCommand(new Serving(server -> {
      started.set(server);
      listening.countDown();
    }), new ListenAddresses(ListenAddresses.SYSTEM, Duration.ofSeconds(5)));
    PrintStream o = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(TestUser.SERVE_FLAGS); // as root, serve refuses to start without -u
    serve = new FutureTask<>(() -> Main.run(all.toArray(String[]::new), o, e, command));
    Thread t = new Thread(serve, "serve-under-test");
    t.setDaemon(true);
    t.start();
    assertThat(listening.await(45, TimeUnit.SECONDS)).as("listening; stderr: %s", stderr()).isTrue();
    return started.get();
  }

  private String stderr() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @AfterEach
  void stop() throws Exception {
    SafecachedServer server = started.get();
    if (server != null) {
      server.close();
    }
    if (serve != null) {
      serve.get(15, TimeUnit.SECONDS);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Sends text protocol lines and reads {@code replies} reply lines. */
  private static List<String> talk(InetSocketAddress address, int replies, String... lines) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(address, 5000);
      s.setSoTimeout(5000);
      OutputStream w = s.getOutputStream();
      w.write((String.join("\r\n", lines) + "\r\n").getBytes(StandardCharsets.US_ASCII));
      w.flush();
      BufferedReader r = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
      List<String> out = new java.util.ArrayList<>();
      for (int i = 0; i < replies; i++) {
        out.add(r.readLine());
      }
      return out;
    }
  }

  private static HttpResponse<String> get(String url, SSLContext tls, String authorization) throws Exception {
    HttpClient.Builder client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
    if (tls != null) {
      client.sslContext(tls);
    }
    HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET();
    if (authorization != null) {
      req.header("Authorization", authorization);
    }
    return client.build().send(req.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  private static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  private static String url(SafecachedServer server, String scheme) {
    return scheme + "://127.0.0.1:" + server.metricsAddress().getPort() + "/metrics";
  }

  @Test
  @Timeout(60)
  void aScrapeShowsTheCommandsRunUnderMemcachedExportersNamesAndPassesPromtool() throws Exception {
    SafecachedServer server = serve("serve", "-l", "127.0.0.1", "-p", "0", "-t", "1", "--metrics", "127.0.0.1:0");
    assertThat(server.metricsAddress().getAddress().isLoopbackAddress()).isTrue();
    assertThat(stderr()).contains("; metrics: http://127.0.0.1:" + server.metricsAddress().getPort() + "/metrics");
    InetSocketAddress data = server.boundAddresses().get(0);
    assertThat(talk(data, 6, "set a 0 0 1", "x", "get a", "get nope", "delete a", "delete a"))
        .containsExactly("STORED", "VALUE a 0 1", "x", "END", "END", "DELETED");

    HttpResponse<String> r = get(url(server, "http"), null, null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
    List<String> lines = r.body().lines().toList();
    assertThat(lines).contains(
        "memcached_up 1.0",
        "memcached_commands_total{command=\"set\",status=\"hit\"} 1.0",
        "memcached_commands_total{command=\"get\",status=\"hit\"} 1.0",
        "memcached_commands_total{command=\"get\",status=\"miss\"} 1.0",
        "memcached_commands_total{command=\"delete\",status=\"hit\"} 1.0",
        "memcached_commands_total{command=\"delete\",status=\"miss\"} 1.0",
        "memcached_current_items 0.0",
        "memcached_items_total 1.0",
        "memcached_limit_bytes 6.7108864E7",
        "memcached_max_connections 1024.0",
        "memcached_version{version=\"" + SafecachedServer.PROTOCOL_VERSION + "\"} 1.0");
    assertThat(lines).anyMatch(l -> l.startsWith("memcached_connections_total "))
        .anyMatch(l -> l.startsWith("memcached_read_bytes_total "))
        .anyMatch(l -> l.startsWith("memcached_uptime_seconds "))
        .anyMatch(l -> l.startsWith("jvm_memory_used_bytes{area=\"heap\"}"))
        .anyMatch(l -> l.startsWith("jvm_gc_collection_seconds_count{"));

    assertThat(get("http://127.0.0.1:" + server.metricsAddress().getPort() + "/", null, null).statusCode())
        .isEqualTo(404);
    promtoolAccepts(r.body());
  }

  private void promtoolAccepts(String exposition) throws Exception {
    assumeTrue(Files.isExecutable(PROMTOOL), "promtool not installed (Debian package prometheus): the exposition "
        + "is not linted here");
    Path file = dir.resolve("scrape.txt");
    Files.writeString(file, exposition);
    Process p = new ProcessBuilder(PROMTOOL.toString(), "check", "metrics").redirectErrorStream(true)
        .redirectInput(file.toFile()).start();
    boolean done = p.waitFor(30, TimeUnit.SECONDS);
    if (!done) {
      p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(done).as("promtool finished").isTrue();
    assertThat(p.exitValue()).as("promtool check metrics: %s", out).isZero();
    assertThat(out).as("promtool's findings").isBlank();
  }

  @Test
  @Timeout(90)
  void withAUsersFileAScrapeNeedsBasicAuthAndTlsServesHttpsWithTheServersCertificate() throws Exception {
    TestCertificates certs = TestCertificates.generate(dir);
    Path users = dir.resolve("users");
    Files.writeString(users, "scraper:s3cret\n");
    SafecachedServer server = serve("serve", "-l", "127.0.0.1", "-p", "0", "-t", "1", "--metrics", "127.0.0.1:0",
        "-Y", users.toString(), "-Z", "-o", "ssl_chain_cert=" + certs.server().cert() + ",ssl_key="
            + certs.server().key());
    assertThat(stderr()).contains("; metrics: https://127.0.0.1:" + server.metricsAddress().getPort()
        + "/metrics (basic auth)");
    SSLContext tls = certs.clientContext(null);
    String url = url(server, "https");

    HttpResponse<String> none = get(url, tls, null);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> v.startsWith("Basic "));
    assertThat(none.body()).doesNotContain("memcached_");
    // failed logins feed the data port's brute-force guard: the fourth in a row is answered 250 ms late
    assertThat(get(url, tls, basic("scraper", "wrong")).statusCode()).isEqualTo(401);
    assertThat(get(url, tls, basic("nobody", "s3cret")).statusCode()).isEqualTo(401);
    assertThat(get(url, tls, basic("scraper", "")).statusCode()).isEqualTo(401);
    assertThat(get(url, tls, basic("scraper", "S3CRET")).statusCode()).isEqualTo(401);

    HttpResponse<String> ok = get(url, tls, basic("scraper", "s3cret"));
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.body().lines()).contains("memcached_up 1.0", "safecached_metrics_auth_failures_total 5.0",
            "safecached_auth_delayed_total 1.0", "safecached_auth_delay_seconds_total 0.25",
            "safecached_auth_refused_total 0.0")
        .anyMatch(l -> l.matches("safecached_tls_handshakes_total [1-9][0-9]*\\.0"));

    // plaintext HTTP to the TLS endpoint is not served
    try (Socket s = new Socket()) {
      s.connect(server.metricsAddress(), 5000);
      s.setSoTimeout(5000);
      s.getOutputStream().write("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)).doesNotContain("memcached");
    }
  }

  /** A raw GET /metrics from {@code source}; what came back before the server closed. */
  private static String rawScrape(String source, InetSocketAddress metrics) throws IOException {
    try (Socket s = new Socket()) {
      s.bind(new InetSocketAddress(java.net.InetAddress.getByName(source), 0));
      s.connect(metrics, 5000);
      s.setSoTimeout(10_000);
      try {
        s.getOutputStream().write("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      } catch (java.net.SocketException reset) {
        return "";
      }
    }
  }

  @Test
  @Timeout(60)
  void theAllowlistCoversTheMetricsListenerToo() throws Exception {
    SafecachedServer server = serve("serve", "-l", "127.0.0.1", "-p", "0", "-t", "1", "--metrics", "127.0.0.1:0",
        "--allow", "127.0.0.2/32");
    assertThat(rawScrape("127.0.0.1", server.metricsAddress())).as("closed at accept").isEmpty();
    String allowed = rawScrape("127.0.0.2", server.metricsAddress());
    assertThat(allowed).startsWith("HTTP/1.1 200 OK\r\n")
        .contains("\nsafecached_allowlist_rejections_total{transport=\"tcp\"} 1.0\n");
  }

  @Test
  @Timeout(90)
  void aRealPrometheusScrapesItWithBasicAuth() throws Exception {
    assumeTrue(Files.isExecutable(PROMETHEUS), "prometheus not installed (Debian package prometheus): no real "
        + "scrape here");
    Path users = dir.resolve("users");
    Files.writeString(users, "prom:pa55word\n");
    SafecachedServer server = serve("serve", "-l", "127.0.0.1", "-p", "0", "-t", "1", "--metrics", "127.0.0.1:0",
        "-Y", users.toString());
    int promPort = freePort();
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(config, String.join("\n",
        "global:",
        "  scrape_interval: 1s",
        "  scrape_timeout: 1s",
        "scrape_configs:",
        "  - job_name: safecached",
        "    basic_auth:",
        "      username: prom",
        "      password: pa55word",
        "    static_configs:",
        "      - targets: ['127.0.0.1:" + server.metricsAddress().getPort() + "']",
        ""));
    Path log = dir.resolve("prometheus.log");
    Process prometheus = new ProcessBuilder(PROMETHEUS.toString(), "--config.file=" + config,
        "--storage.tsdb.path=" + dir.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + promPort,
        "--log.level=warn").redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      String query = "http://127.0.0.1:" + promPort + "/api/v1/query?query="
          + URLEncoder.encode("memcached_up{job=\"safecached\"}", StandardCharsets.UTF_8);
      AtomicReference<String> last = new AtomicReference<>("");
      boolean scraped = Poll.until(Duration.ofSeconds(45), () -> {
        if (!prometheus.isAlive()) {
          return true;
        }
        try {
          HttpResponse<String> r = get(query, null, null);
          last.set(r.body());
          return r.statusCode() == 200 && r.body().contains("\"value\":[") && r.body().contains(",\"1\"]");
        } catch (IOException e) {
          return false;
        } catch (Exception e) {
          throw new IOException(e);
        }
      });
      assertThat(prometheus.isAlive()).as("prometheus running; its log: %s", Files.readString(log)).isTrue();
      assertThat(scraped).as("prometheus stored memcached_up 1; last answer: %s; log: %s", last.get(),
          Files.readString(log)).isTrue();
    } finally {
      prometheus.destroy();
      if (!prometheus.waitFor(15, TimeUnit.SECONDS)) {
        prometheus.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    }
  }
}
