package io.safecached.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.safecached.config.ConfigException;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** {@code serve --metrics}: parsing the address, and refusing a network address without authentication. */
class ServeMetricsOptionTest {

  private static InetSocketAddress metrics(String... args) {
    return CliFixture.parse(args).config().metrics();
  }

  @Test
  void offByDefault() {
    assertThat(metrics()).isNull();
  }

  @Test
  void loopbackAddressesAreServedWithoutAuthentication() {
    assertThat(metrics("--metrics", "127.0.0.1:9150")).isEqualTo(new InetSocketAddress("127.0.0.1", 9150));
    assertThat(metrics("--metrics", "[::1]:9150")).isEqualTo(new InetSocketAddress("::1", 9150));
    assertThat(metrics("--metrics", "localhost:0")).isEqualTo(new InetSocketAddress("127.0.0.1", 0));
  }

  @Test
  void aNetworkAddressIsRefusedWithoutAUsersFile() {
    for (String address : new String[] {"0.0.0.0:9150", "192.0.2.10:9150", "[::]:9150", "cache.example:9150"}) {
      assertThatThrownBy(() -> metrics("--metrics", address)).as(address).isInstanceOf(ConfigException.class)
          .hasMessageStartingWith("refusing to serve metrics on ")
          .hasMessageContaining("without authentication")
          .hasMessageContaining("-Y <file>");
    }
  }

  @Test
  void neitherAnAllowlistNorTheUnsafeOptInExposesMetrics() {
    assertThatThrownBy(() -> metrics("--metrics", "0.0.0.0:9150", "--allow", "192.0.2.0/24"))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("refusing to serve metrics on 0.0.0.0");
    assertThatThrownBy(() -> metrics("--metrics", "0.0.0.0:9150", "--allow-unauthenticated-network"))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("refusing to serve metrics on 0.0.0.0");
  }

  @Test
  void aNetworkAddressIsServedWithAUsersFile() {
    assertThat(metrics("--metrics", "0.0.0.0:9150", "-Y", "/etc/safecached/users"))
        .isEqualTo(new InetSocketAddress("0.0.0.0", 9150));
  }

  @Test
  void malformedAddressesAreOneLineErrors() {
    for (String bad : new String[] {"9150", "127.0.0.1", "127.0.0.1:", ":9150", "127.0.0.1:65536",
        "127.0.0.1:http", "::1:9150", "[::1]"}) {
      assertThatThrownBy(() -> metrics("--metrics", bad)).as(bad).isInstanceOf(ConfigException.class)
          .hasMessageContaining("(--metrics " + bad + ")");
    }
    assertThatThrownBy(() -> metrics("--metrics", "fooble:9150")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("fooble").hasMessageEndingWith("(--metrics fooble:9150)");
  }

  @Test
  void theHelpListsTheFlag() {
    assertThat(CliFixture.run("serve", "--help").out()).contains("--metrics=<host:port>");
  }
}
