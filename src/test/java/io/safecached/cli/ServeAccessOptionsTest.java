package io.safecached.cli;

import static io.safecached.cli.CliFixture.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.safecached.config.Cidr;
import io.safecached.config.ConfigException;
import io.safecached.config.ServerConfig;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code serve}'s access flags: -Y, -S, --allow, --admin-users, -Z with -o ssl_*, notls:, and the network rule. */
class ServeAccessOptionsTest {
  private static final String CERTS = "ssl_chain_cert=/etc/s/chain.pem,ssl_key=/etc/s/key.pem";

  @Test
  void accessFlagsFillTheAccessSettings() {
    ServerConfig c = parse("-Y", "/etc/safecached/users", "-S", "--allow", "10.0.0.0/8,127.0.0.1",
        "--allow", "::1", "--admin-users", "alice,bob").config();
    assertThat(c.access().authFile()).isEqualTo(Path.of("/etc/safecached/users"));
    assertThat(c.access().sasl()).isTrue();
    assertThat(c.access().allow()).containsExactly(Cidr.parse("10.0.0.0/8"), Cidr.parse("127.0.0.1/32"),
        Cidr.parse("::1/128"));
    assertThat(c.access().adminUsers()).containsExactlyInAnyOrder("alice", "bob");
    assertThat(c.tls()).isNull();
  }

  @Test
  void saslAndAdminUsersNeedAUsersFile() {
    assertThatThrownBy(() -> parse("-S")).isInstanceOf(ConfigException.class)
        .hasMessage("SASL (-S) needs a users file (-Y <file>)");
    assertThatThrownBy(() -> parse("--admin-users", "alice")).isInstanceOf(ConfigException.class)
        .hasMessage("--admin-users needs a users file (-Y <file>)");
  }

  @Test
  void aNetworkListenerNeedsAPasswordAnAllowlistOrClientCertificates() {
    assertThatThrownBy(() -> parse("-l", "10.1.2.3")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("-Y <file>").hasMessageContaining("--allow <cidr>");
    assertThat(parse("-l", "10.1.2.3", "-Y", "users").config().loopbackOnly()).isFalse();
    assertThat(parse("-l", "10.1.2.3", "--allow", "10.0.0.0/8").config().loopbackOnly()).isFalse();
    assertThat(parse("-l", "10.1.2.3", "-Z", "-o", CERTS + ",ssl_verify_mode=2,ssl_ca_cert=/etc/s/ca.pem")
        .config().tls().requiresClientCertificates()).isTrue();
    assertThatThrownBy(() -> parse("-l", "10.1.2.3", "-Z", "-o", CERTS)).as("TLS without client certificates")
        .isInstanceOf(ConfigException.class);
    assertThatThrownBy(() -> parse("-l", "notls:10.1.2.3", "-Z", "-o",
        CERTS + ",ssl_verify_mode=2,ssl_ca_cert=/etc/s/ca.pem")).as("the network listener is plaintext")
        .isInstanceOf(ConfigException.class);
  }

  @Test
  void tlsTakesMemcachedsOptions() {
    ServerConfig.Tls tls = parse("-Z", "-l", "127.0.0.1,notls:127.0.0.1:11212", "-o",
        CERTS + ",ssl_ca_cert=/etc/s/ca.pem,ssl_verify_mode=1,ssl_min_version=tlsv1.3").config().tls();
    assertThat(tls.certChain()).isEqualTo(Path.of("/etc/s/chain.pem"));
    assertThat(tls.key()).isEqualTo(Path.of("/etc/s/key.pem"));
    assertThat(tls.caCert()).isEqualTo(Path.of("/etc/s/ca.pem"));
    assertThat(tls.verifyMode()).isEqualTo(1);
    assertThat(tls.minVersion()).isEqualTo("tlsv1.3");
    assertThat(tls.plaintextListeners()).containsExactly(new InetSocketAddress("127.0.0.1", 11212));
    assertThat(parse("-Z", "-o", CERTS).config().tls().minVersion()).as("the default").isEqualTo("tlsv1.2");
    assertThat(parse("-Z", "-o", CERTS + ",ssl_min_version=3").config().tls().minVersion())
        .as("memcached's number").isEqualTo("tlsv1.3");
  }

  @Test
  void badTlsSettingsStopStartUpWithOneLine() {
    assertThatThrownBy(() -> parse("-Z")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("ssl_chain_cert=<file>,ssl_key=<file>");
    assertThatThrownBy(() -> parse("-Z", "-o", CERTS + ",ssl_min_version=tlsv1.1"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("(-o ssl_min_version=tlsv1.1)");
    assertThatThrownBy(() -> parse("-Z", "-o", CERTS + ",ssl_min_version=1"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("(-o ssl_min_version=1)");
    assertThatThrownBy(() -> parse("-Z", "-o", CERTS + ",ssl_verify_mode=2"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("ssl_ca_cert");
    assertThatThrownBy(() -> parse("-Z", "-o", CERTS + ",ssl_verify_mode=4"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("ssl_verify_mode must be 0, 1, 2 or 3");
  }

  @Test
  void sslOptionsWithoutTlsAreWarnedAbout() {
    ServeCommand.Settings s = parse("-o", CERTS);
    assertThat(s.config().tls()).isNull();
    assertThat(s.warnings()).containsExactly("ignoring -o ssl_chain_cert,ssl_key: TLS is off without -Z");
  }

  @Test
  void theDefaultsRequireNothing() {
    ServerConfig c = parse().config();
    assertThat(c.access()).isEqualTo(ServerConfig.Access.OPEN);
    assertThat(c.access().allows(new InetSocketAddress("192.0.2.1", 1).getAddress())).isTrue();
    assertThat(List.of(c.access().authenticates(), c.access().sasl())).containsOnly(false);
  }
}
