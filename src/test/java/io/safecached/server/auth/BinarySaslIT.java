package io.safecached.server.auth;

import static io.safecached.server.auth.AuthTargets.ADMIN;
import static io.safecached.server.auth.AuthTargets.ADMIN_PASSWORD;
import static io.safecached.server.auth.AuthTargets.PASSWORD;
import static io.safecached.server.auth.AuthTargets.USER;
import static io.safecached.testsupport.BinaryClient.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.safecached.server.auth.AuthTargets.Target;
import io.safecached.testsupport.BinaryClient;
import io.safecached.testsupport.BinaryClient.Response;
import java.io.IOException;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Binary SASL PLAIN over raw sockets, against safecached and against memcached started with {@code -S} (PLAIN
 * from a sasldb): the same statuses and texts, and the intended differences asserted as such.
 */
class BinarySaslIT {
  private static final int SASL_LIST_MECHS = 0x20;
  private static final int SASL_AUTH = 0x21;
  private static final int SASL_STEP = 0x22;
  private static final int AUTH_ERROR = 0x20;

  private static Target start(String which) throws IOException {
    return which.equals("safecached") ? AuthTargets.safecached() : AuthTargets.memcachedSasl();
  }

  private static BinaryClient.Request plain(String authzid, String user, String password) {
    return request(SASL_AUTH).key("PLAIN").value(authzid + "\0" + user + "\0" + password);
  }

  private static void assertAuthError(Response r, int opcode) {
    assertThat(r.opcode()).isEqualTo(opcode);
    assertThat(r.status()).as("%s", r).isEqualTo(AUTH_ERROR);
    assertThat(r.text()).isEqualTo("Auth failure.");
  }

  @ParameterizedTest
  @ValueSource(strings = {"safecached", "memcached"})
  void plainLogsInAfterAFailure(String which) throws Exception {
    try (Target t = start(which); BinaryClient c = new BinaryClient(t.address())) {
      Response mechs = c.call(request(SASL_LIST_MECHS));
      assertThat(mechs.status()).isZero();
      assertThat(mechs.text()).isEqualTo("PLAIN");
      assertAuthError(c.call(plain("", USER, "wrong").opaque(5)), SASL_AUTH);
      Response ok = c.call(plain("", USER, PASSWORD).opaque(6));
      assertThat(ok.status()).isZero();
      assertThat(ok.opaque()).isEqualTo(6);
      assertThat(ok.text()).isEqualTo("Authenticated");
      assertThat(c.call(request(BinaryClient.SET).extras(BinaryClient.storeExtras(0, 0)).key("k").value("v"))
          .status()).isZero();
      assertThat(c.call(request(BinaryClient.GET).key("k")).text()).isEqualTo("v");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"safecached", "memcached"})
  void aRequestBeforeLoginIsAnAuthErrorAndCloses(String which) throws Exception {
    for (BinaryClient.Request r : new BinaryClient.Request[] {request(BinaryClient.GET).key("k"),
        request(BinaryClient.NOOP), request(BinaryClient.STAT),
        request(BinaryClient.SET).extras(BinaryClient.storeExtras(0, 0)).key("k").value("v")}) {
      try (Target t = start(which); BinaryClient c = new BinaryClient(t.address())) {
        assertAuthError(c.call(r), r.opcode());
        assertThat(c.closedByPeer()).as("closed after opcode %02x", r.opcode()).isTrue();
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"safecached", "memcached"})
  void stepsAndUnknownMechanismsFailAndTheConnectionStays(String which) throws Exception {
    try (Target t = start(which); BinaryClient c = new BinaryClient(t.address())) {
      assertAuthError(c.call(request(SASL_STEP).key("PLAIN").value("\0" + USER + "\0" + PASSWORD)), SASL_STEP);
      assertAuthError(c.call(request(SASL_AUTH).key("NOSUCHMECH").value("x")), SASL_AUTH);
      assertThat(c.call(request(BinaryClient.VERSION)).status()).as("version before login").isZero();
      assertThat(c.call(plain("", USER, PASSWORD)).status()).isZero();
      Response stats = null;
      c.send(request(BinaryClient.STAT));
      StringBuilder all = new StringBuilder();
      while ((stats = c.read()).key().length > 0) {
        all.append(stats.keyText()).append('=').append(stats.text()).append('\n');
      }
      assertThat(all.toString()).contains("auth_cmds=3\n").contains("auth_errors=2\n");
    }
  }

  /** Intended difference: safecached answers QUIT before login (memcached: AUTH_ERROR); both close. */
  @ParameterizedTest
  @ValueSource(strings = {"safecached", "memcached"})
  void quitBeforeLogin(String which) throws Exception {
    try (Target t = start(which); BinaryClient c = new BinaryClient(t.address())) {
      Response r = c.call(request(BinaryClient.QUIT));
      assertThat(r.status()).isEqualTo(t.safecached() ? 0 : AUTH_ERROR);
      assertThat(c.closedByPeer()).isTrue();
    }
  }

  @Test
  void anAuthorizationIdentityOtherThanTheUserIsRefused() throws Exception {
    try (Target t = AuthTargets.safecached(); BinaryClient c = new BinaryClient(t.address())) {
      assertAuthError(c.call(plain(ADMIN, USER, PASSWORD)), SASL_AUTH);
      assertThat(c.call(plain(USER, USER, PASSWORD)).text()).isEqualTo("Authenticated");
    }
  }

  @Test
  void flushIsForAdminUsers() throws Exception {
    try (Target t = AuthTargets.safecached(Set.of(ADMIN)); BinaryClient c = new BinaryClient(t.address())) {
      assertThat(c.call(plain("", USER, PASSWORD)).status()).isZero();
      assertAuthError(c.call(request(BinaryClient.FLUSH)), BinaryClient.FLUSH);
      assertThat(c.call(request(BinaryClient.VERSION)).status()).as("the connection stays").isZero();
      assertThat(c.call(plain("", ADMIN, ADMIN_PASSWORD)).status()).isZero();
      assertThat(c.call(request(BinaryClient.FLUSH)).status()).isZero();
    }
  }
}
