package io.safecached.server.auth;

import static io.safecached.server.auth.AuthTargets.PASSWORD;
import static io.safecached.server.auth.AuthTargets.USER;
import static org.assertj.core.api.Assertions.assertThat;

import io.safecached.server.auth.AuthTargets.Target;
import io.safecached.testsupport.RawClient;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Before its login a connection is read under tight limits (small items, no long get lines), so that a peer
 * without a password cannot make the server hold a full item or a 2 MiB line; after the login the configured
 * limits apply.
 */
class PreLoginLimitsIT {
  private static final String BIG_VALUE = "x".repeat(100_000);

  private static String login() {
    String data = USER + " " + PASSWORD;
    return "set auth 0 0 " + data.length() + "\r\n" + data + "\r\n";
  }

  private static String longGet() {
    StringBuilder line = new StringBuilder("get");
    while (line.length() < 3000) {
      line.append(" key").append(line.length());
    }
    return line.append("\r\n").toString();
  }

  @Test
  void aLargeValueBeforeLoginIsNeverStoredAndItsBytesAreDiscarded() throws Exception {
    try (Target t = AuthTargets.safecached(); RawClient c = new RawClient(t.address())) {
      c.send("set k 0 0 " + BIG_VALUE.length() + "\r\n" + BIG_VALUE + "\r\nversion\r\n");
      assertThat(c.readLine()).as("a storage command before the login is a login attempt, and this one fails")
          .isEqualTo("CLIENT_ERROR authentication failure");
      assertThat(c.readLine()).as("the value was skipped, not read as commands").startsWith("VERSION ");
      c.send(login());
      assertThat(c.readLine()).isEqualTo("STORED");
      c.send("set k 0 0 " + BIG_VALUE.length() + "\r\n" + BIG_VALUE + "\r\n");
      assertThat(c.readLine()).as("after the login the item limit is -I again").isEqualTo("STORED");
    }
  }

  @Test
  void aLongGetLineBeforeLoginClosesTheConnectionButIsServedAfter() throws Exception {
    try (Target t = AuthTargets.safecached()) {
      try (RawClient c = new RawClient(t.address())) {
        c.send(longGet().getBytes(StandardCharsets.US_ASCII));
        assertThat(c.closedByPeer()).as("over the line limit before the login").isTrue();
      }
      try (RawClient c = new RawClient(t.address())) {
        c.send(login());
        assertThat(c.readLine()).isEqualTo("STORED");
        c.send(longGet());
        assertThat(c.readLine()).isEqualTo("END");
      }
    }
  }
}
