package io.safecached.server.auth;

import static io.safecached.server.auth.AuthTargets.ADMIN;
import static io.safecached.server.auth.AuthTargets.ADMIN_PASSWORD;
import static io.safecached.server.auth.AuthTargets.OTHER_PASSWORD;
import static io.safecached.server.auth.AuthTargets.OTHER_USER;
import static io.safecached.server.auth.AuthTargets.PASSWORD;
import static io.safecached.server.auth.AuthTargets.USER;
import static org.assertj.core.api.Assertions.assertThat;

import io.safecached.server.auth.AuthTargets.Target;
import io.safecached.testsupport.RawClient;
import java.io.IOException;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The text and meta protocols with a user file, over raw sockets, against safecached and against memcached
 * started with {@code -Y}: the same replies where safecached copies memcached, the intended differences asserted
 * as such. memcached's {@code -Y} mode answers one request per read, so every request here waits for its reply.
 */
class TextLoginIT {
  private static final String UNAUTHENTICATED = "CLIENT_ERROR unauthenticated";

  private static Target start(String which) throws IOException {
    return which.equals("safecached") ? AuthTargets.safecached() : AuthTargets.memcachedAscii();
  }

  private static String login(String user, String password) {
    String data = user + " " + password;
    return "set login 0 0 " + data.length() + "\r\n" + data + "\r\n";
  }

  /** One request, its one-line reply. */
  private static String call(RawClient c, String request) throws IOException {
    c.send(request);
    return c.readLine();
  }

  @ParameterizedTest
  @ValueSource(strings = {"safecached", "memcached"})
  void loginWithASetAsMemcachedsOwnTestDoes(String which) throws Exception {
    try (Target t = start(which); RawClient c = new RawClient(t.address()); RawClient c2 = new RawClient(t.address())) {
      assertThat(call(c, "set foo 0 0 2\r\nhi\r\n")).as("a write before login")
          .isEqualTo("CLIENT_ERROR bad authentication token format");
      assertThat(call(c, "get foo\r\n")).as("a read before login").isEqualTo(UNAUTHENTICATED);
      assertThat(call(c, login(USER, "wrong"))).isEqualTo("CLIENT_ERROR authentication failure");
      assertThat(call(c, login("nobody", PASSWORD))).isEqualTo("CLIENT_ERROR authentication failure");
      assertThat(call(c, login(USER, PASSWORD))).isEqualTo("STORED");
      assertThat(call(c, "set toast 0 0 2\r\nhi\r\n")).as("after login a set is a set").isEqualTo("STORED");
      c.send("get toast\r\n");
      assertThat(c.readUntil("END\r\n")).isEqualTo("VALUE toast 0 2\r\nhi\r\nEND\r\n");

      assertThat(call(c2, login(OTHER_USER, OTHER_PASSWORD))).as("a second user on a second connection")
          .isEqualTo("STORED");
      c2.send("get toast\r\n");
      assertThat(c2.readUntil("END\r\n")).isEqualTo("VALUE toast 0 2\r\nhi\r\nEND\r\n");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"safecached", "memcached"})
  void everyOtherLineBeforeLoginIsUnauthenticatedAndTheConnectionStays(String which) throws Exception {
    try (Target t = start(which); RawClient c = new RawClient(t.address())) {
      for (String line : new String[] {"mg foo v", "mn", "md foo", "ma foo", "me foo", "gets a b", "delete foo",
          "incr n 1", "touch foo 10", "flush_all", "stats", "verbosity 1", "bogus", "set k 0 0 notanumber"}) {
        assertThat(call(c, line + "\r\n")).as(line).isEqualTo(UNAUTHENTICATED);
      }
      assertThat(call(c, login(USER, PASSWORD))).isEqualTo("STORED");
      assertThat(call(c, "mn\r\n")).as("meta after login").isEqualTo("MN");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"safecached", "memcached"})
  void aLoginWithoutItsTerminatorIsRefused(String which) throws Exception {
    try (Target t = start(which); RawClient c = new RawClient(t.address())) {
      assertThat(call(c, "set k 0 0 12\r\nalice s3cretXX")).isEqualTo("CLIENT_ERROR bad command line termination");
      assertThat(call(c, login(USER, PASSWORD))).isEqualTo("STORED");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"safecached", "memcached"})
  void attemptsAndFailuresAreCounted(String which) throws Exception {
    try (Target t = start(which); RawClient c = new RawClient(t.address())) {
      call(c, "set k 0 0 2\r\nhi\r\n"); // not an attempt: no user and password
      call(c, login(USER, "wrong"));
      call(c, login(USER, PASSWORD));
      c.send("stats\r\n");
      String stats = c.readUntil("END\r\n");
      assertThat(stats).contains("STAT auth_cmds 2\r\n").contains("STAT auth_errors 1\r\n");
    }
  }

  /** Intended difference: safecached serves version and quit before login (memcached refuses them too). */
  @ParameterizedTest
  @ValueSource(strings = {"safecached", "memcached"})
  void versionAndQuitBeforeLogin(String which) throws Exception {
    try (Target t = start(which); RawClient c = new RawClient(t.address())) {
      String version = call(c, "version\r\n");
      if (t.safecached()) {
        assertThat(version).startsWith("VERSION 1.6.");
        c.send("quit\r\n");
        assertThat(c.closedByPeer()).isTrue();
      } else {
        assertThat(version).isEqualTo(UNAUTHENTICATED);
        assertThat(call(c, "quit\r\n")).isEqualTo(UNAUTHENTICATED);
      }
    }
  }

  /**
   * Intended difference: safecached reads the data block of a refused storage command (memcached takes it for
   * a further command line and answers it again), so no data can pass for a command.
   */
  @Test
  void aRefusedStorageCommandsDataIsNeverACommand() throws Exception {
    try (Target t = AuthTargets.safecached(); RawClient c = new RawClient(t.address())) {
      c.send("ms foo 7\r\nversion\r\nadd k 0 0 7\r\nversion\r\nmn\r\n");
      assertThat(c.readLine()).isEqualTo(UNAUTHENTICATED);
      assertThat(c.readLine()).isEqualTo(UNAUTHENTICATED);
      assertThat(c.readLine()).isEqualTo(UNAUTHENTICATED);
      assertThat(c.drain(200)).isEmpty();
    }
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrder() throws Exception {
    try (Target t = AuthTargets.safecached(); RawClient c = new RawClient(t.address())) {
      c.send("get a\r\n" + login(USER, PASSWORD) + "set a 0 0 1\r\nx\r\nget a\r\n");
      assertThat(c.readUntil("END\r\n"))
          .isEqualTo(UNAUTHENTICATED + "\r\nSTORED\r\nSTORED\r\nVALUE a 0 1\r\nx\r\nEND\r\n");
    }
  }

  @Test
  void adminCommandsAreForAdminUsers() throws Exception {
    try (Target t = AuthTargets.safecached(Set.of(ADMIN)); RawClient user = new RawClient(t.address());
         RawClient admin = new RawClient(t.address())) {
      assertThat(call(user, login(USER, PASSWORD))).isEqualTo("STORED");
      for (String line : new String[] {"flush_all", "verbosity 1", "cache_memlimit 100", "stats reset",
          "stats conns", "shutdown"}) {
        assertThat(call(user, line + "\r\n")).as(line).isEqualTo("CLIENT_ERROR permission denied");
      }
      assertThat(call(user, "set k 0 0 1\r\nv\r\n")).as("still logged in").isEqualTo("STORED");
      assertThat(call(admin, login(ADMIN, ADMIN_PASSWORD))).isEqualTo("STORED");
      assertThat(call(admin, "flush_all\r\n")).isEqualTo("OK");
      assertThat(call(admin, "stats reset\r\n")).isEqualTo("RESET");
    }
  }
}
