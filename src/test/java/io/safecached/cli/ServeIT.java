package io.safecached.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.safecached.server.SafecachedServer;
import io.safecached.testsupport.TestUser;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code safecached serve} end to end in this JVM: a real server on 127.0.0.1, spoken to over a socket. */
class ServeIT {
  private static final String LOG_LINE = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}\\S* ";

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final AtomicReference<SafecachedServer> started = new AtomicReference<>();
  private final CountDownLatch listening = new CountDownLatch(1);

  private FutureTask<Integer> serveInBackground(String... args) {
    ServeCommand serve = new ServeCommand(new Serving(server -> {
      started.set(server);
      listening.countDown();
    }), new ListenAddresses(ListenAddresses.SYSTEM, Duration.ofSeconds(5)));
    PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
    PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(TestUser.SERVE_FLAGS);
    FutureTask<Integer> task = new FutureTask<>(() -> Main.run(all.toArray(new String[0]), o, e, serve));
    Thread t = new Thread(task, "serve-under-test");
    t.setDaemon(true);
    t.start();
    return task;
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private String stderr() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  @Timeout(30)
  void servesOnTheGivenPortAndExitsZeroAfterShutdown() throws Exception {
    int port = freePort();
    FutureTask<Integer> serve = serveInBackground("serve", "-l", "127.0.0.1", "-p", Integer.toString(port), "-A",
        "-t", "1", "-k");
    try {
      assertThat(listening.await(15, TimeUnit.SECONDS)).as("listening; stderr: %s", stderr()).isTrue();
      assertThat(started.get().boundAddresses()).containsExactly(new InetSocketAddress("127.0.0.1", port));
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setSoTimeout(5000);
        OutputStream w = s.getOutputStream();
        BufferedReader r = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
        w.write("version\r\n".getBytes(StandardCharsets.US_ASCII));
        w.flush();
        assertThat(r.readLine()).startsWith("VERSION 1.");
        w.write("shutdown\r\n".getBytes(StandardCharsets.US_ASCII));
        w.flush();
      }
      assertThat(serve.get(15, TimeUnit.SECONDS)).as("exit code; stderr: %s", stderr()).isZero();
      assertThat(started.get().terminationFuture()).isDone();
      assertThat(stderr().lines()).first().asString().startsWith("safecached: warning: ignoring -k");
      assertThat(stderr().lines()).anyMatch(l -> l.matches(LOG_LINE + "INFO .*127\\.0\\.0\\.1:" + port
          + " \\(loopback only\\).*"));
      assertThat(stderr().lines()).anyMatch(l -> l.matches(LOG_LINE + "INFO stopped"));
      assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    } finally {
      SafecachedServer server = started.get();
      if (server != null) {
        server.close();
      }
      serve.get(15, TimeUnit.SECONDS);
    }
  }

  @Test
  @Timeout(30)
  void anAddressInUseIsOneLineAndExit71() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int port = taken.getLocalPort();
      FutureTask<Integer> serve = serveInBackground("serve", "-l", "127.0.0.1", "-p", Integer.toString(port));
      try {
        assertThat(serve.get(15, TimeUnit.SECONDS)).isEqualTo(Main.EX_OSERR);
        assertThat(stderr().lines()).singleElement().asString()
            .startsWith("safecached: failed to listen on 127.0.0.1:" + port + ": ");
        assertThat(started.get()).isNull();
      } finally {
        if (started.get() != null) {
          started.get().close();
        }
      }
    }
  }
}
