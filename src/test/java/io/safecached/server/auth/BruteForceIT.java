package io.safecached.server.auth;

import static io.safecached.server.auth.AuthTargets.PASSWORD;
import static io.safecached.server.auth.AuthTargets.USER;
import static io.safecached.testsupport.BinaryClient.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.safecached.security.BruteForceGuard;
import io.safecached.server.auth.AuthTargets.Target;
import io.safecached.testsupport.BinaryClient;
import io.safecached.testsupport.RawClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Brute-force protection on a running safecached with the default guard: a few free failures, then delayed
 * replies, then the source is refused (connections from it are answered the failure and closed, without the
 * password being checked). Failures are made in parallel so the delays overlap and the test takes seconds.
 */
class BruteForceIT {
  private static final String FAILURE = "CLIENT_ERROR authentication failure";

  private static String login(String user, String password) {
    String data = user + " " + password;
    return "set login 0 0 " + data.length() + "\r\n" + data + "\r\n";
  }

  @Test
  void failuresAreDelayedAfterTheFreeOnes() throws Exception {
    try (Target t = AuthTargets.safecached(); RawClient c = new RawClient(t.address())) {
      for (int i = 0; i < BruteForceGuard.DEFAULT_FREE_FAILURES; i++) {
        c.send(login(USER, "wrong"));
        assertThat(c.readLine()).isEqualTo(FAILURE);
      }
      long start = System.nanoTime();
      c.send(login(USER, "wrong") + "version\r\n");
      assertThat(c.readLine()).isEqualTo(FAILURE);
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertThat(millis).as("the reply was held back").isGreaterThanOrEqualTo(BruteForceGuard.FIRST_DELAY_MILLIS - 10);
      assertThat(c.readLine()).as("what followed waited its turn").startsWith("VERSION ");
    }
  }

  @Test
  void aSourceThatKeepsFailingIsRefusedEvenWithTheRightPassword() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(BruteForceGuard.DEFAULT_REFUSE_AFTER);
    try (Target t = AuthTargets.safecached()) {
      List<Future<String>> replies = new ArrayList<>();
      for (int i = 0; i < BruteForceGuard.DEFAULT_REFUSE_AFTER; i++) {
        replies.add(pool.submit(() -> {
          try (RawClient c = new RawClient(t.address())) {
            c.readTimeout(8000); // later failures are held back up to 2 s each, more on a busy machine
            c.send(login(USER, "wrong"));
            return c.readLine();
          }
        }));
      }
      for (Future<String> f : replies) {
        assertThat(f.get(10, TimeUnit.SECONDS)).isEqualTo(FAILURE);
      }
      try (RawClient c = new RawClient(t.address())) {
        c.send(login(USER, PASSWORD));
        assertThat(c.readLine()).isEqualTo(FAILURE);
        assertThat(c.closedByPeer()).isTrue();
      }
      try (BinaryClient c = new BinaryClient(t.address())) {
        BinaryClient.Response r = c.call(request(0x21).key("PLAIN").value("\0" + USER + "\0" + PASSWORD));
        assertThat(r.status()).isEqualTo(0x20);
        assertThat(c.closedByPeer()).isTrue();
      }
    } finally {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }
  }
}
