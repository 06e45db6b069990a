package io.safecached.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.safecached.config.ServerConfig;
import io.safecached.testsupport.RawClient;
import io.safecached.testsupport.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The user file end to end, with the text login: hashed and plaintext users log in, SIGHUP's reload keeps the
 * old users when the file is bad and swaps them when it is good, and an edit is picked up without a signal.
 */
class UserFileIT {
  private static final String STORED = "STORED";
  private static final String FAILURE = "CLIENT_ERROR authentication failure";

  @TempDir
  Path dir;

  private Path write(String content) throws IOException {
    Path file = dir.resolve("users");
    Files.writeString(file, content, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return file;
  }

  private static TestServer start(Path users) throws IOException {
    return TestServer.start(b -> b.access(new ServerConfig.Access(users, false, List.of(), Set.of())));
  }

  /** A text login on a new connection; its one-line reply. */
  private static String login(TestServer server, String user, String password) throws IOException {
    try (RawClient c = new RawClient(server.address())) {
      return login(c, user, password);
    }
  }

  private static String login(RawClient c, String user, String password) throws IOException {
    String data = user + " " + password;
    return c.call("set auth 0 0 " + data.length() + "\r\n" + data);
  }

  @Test
  void hashedAndPlaintextUsersAndTheReloadOfSighup() throws Exception {
    Path users = write("# test users\nhashed:" + PasswordHash.hash("h4sh3d pw".toCharArray())
        + "\nplain:pl41n:pw\n");
    try (TestServer server = start(users); RawClient first = new RawClient(server.address())) {
      assertThat(login(first, "hashed", "h4sh3d pw")).as("the text login cannot send a space")
          .isEqualTo(FAILURE);
      Files.writeString(users, "hashed:" + PasswordHash.hash("h4sh3d-pw".toCharArray()) + "\nplain:pl41n:pw\n");
      assertThat(server.server().reloadSecurity()).isNull();
      assertThat(login(first, "hashed", "h4sh3d-pw")).isEqualTo(STORED);
      assertThat(first.call("get auth")).as("logged in: commands run").isEqualTo("END");
      assertThat(login(server, "plain", "pl41n:pw")).isEqualTo(STORED);

      Files.writeString(users, "hashed\n");
      assertThat(server.server().reloadSecurity()).contains("not reloaded");
      assertThat(login(server, "hashed", "h4sh3d-pw")).as("a bad file keeps the old users").isEqualTo(STORED);

      Files.writeString(users, "hashed:" + PasswordHash.hash("n3w-pw".toCharArray()) + "\n");
      assertThat(server.server().reloadSecurity()).isNull();
      assertThat(login(server, "hashed", "h4sh3d-pw")).as("the old password, also not from the login cache")
          .isEqualTo(FAILURE);
      assertThat(login(server, "hashed", "n3w-pw")).isEqualTo(STORED);
      assertThat(login(server, "plain", "pl41n:pw")).as("a user taken out of the file").isEqualTo(FAILURE);
      assertThat(first.call("get auth")).as("a connection logged in before stays logged in").isEqualTo("END");
    }
  }

  @Test
  void anEditIsPickedUpWithoutASignal() throws Exception {
    Path users = write("app:first\n");
    try (TestServer server = start(users)) {
      assertThat(login(server, "app", "first")).isEqualTo(STORED);
      write("app:second\n");
      // the file is polled every 2 s; a few failed tries stay within the brute-force guard's free failures
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      String reply;
      do {
        Thread.sleep(700);
        reply = login(server, "app", "second");
      } while (!reply.equals(STORED) && System.nanoTime() < deadline);
      assertThat(reply).isEqualTo(STORED);
      assertThat(login(server, "app", "first")).isEqualTo(FAILURE);
    }
  }
}
