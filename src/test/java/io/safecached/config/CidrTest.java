package io.safecached.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Address blocks for the UDP allow list: parsing without lookups, matching, IPv4-mapped IPv6. */
class CidrTest {
  private static InetAddress ip(String literal) throws Exception {
    return InetAddress.getByName(literal);
  }

  @Test
  void blocksMatchTheirAddressesOnly() throws Exception {
    Cidr lan = Cidr.parse("10.1.0.0/16");
    assertThat(lan.contains(ip("10.1.255.7"))).isTrue();
    assertThat(lan.contains(ip("10.2.0.1"))).isFalse();
    assertThat(lan.contains(ip("::1"))).isFalse();
    Cidr odd = Cidr.parse("192.168.1.128/25");
    assertThat(odd.contains(ip("192.168.1.200"))).isTrue();
    assertThat(odd.contains(ip("192.168.1.127"))).isFalse();
    assertThat(Cidr.parse("0.0.0.0/0").contains(ip("203.0.113.9"))).isTrue();
  }

  @Test
  void aBareAddressIsABlockOfOne() throws Exception {
    Cidr one = Cidr.parse("127.0.0.1");
    assertThat(one.prefixLength()).isEqualTo(32);
    assertThat(one.contains(ip("127.0.0.1"))).isTrue();
    assertThat(one.contains(ip("127.0.0.2"))).isFalse();
    assertThat(Cidr.parse("[::1]").contains(ip("::1"))).isTrue();
    assertThat(Cidr.parse("::1").prefixLength()).isEqualTo(128);
  }

  @Test
  void ipv4MappedIpv6SourcesMatchIpv4Blocks() throws Exception {
    InetAddress mapped = InetAddress.getByAddress(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, 127, 0, 0, 1});
    assertThat(Cidr.parse("127.0.0.1/32").contains(mapped)).isTrue();
    assertThat(Cidr.parse("127.0.0.2/32").contains(mapped)).isFalse();
  }

  @Test
  void hostBitsAreClearedAndEqualityFollows() {
    assertThat(Cidr.parse("10.1.2.3/8")).isEqualTo(Cidr.parse("10.0.0.0/8"));
    assertThat(Cidr.parse("10.1.2.3/8").toString()).isEqualTo("10.0.0.0/8");
    assertThat(Cidr.parse("2001:db8::1/32").toString()).isEqualTo("2001:db8::/32");
    assertThat(Cidr.parse("::1").toString()).isEqualTo("::1/128");
    assertThat(Cidr.parse("::/0").toString()).isEqualTo("::/0");
    assertThat(Cidr.parse("2001:db8:0:1:0:0:0:1").toString()).as("longest zero run").isEqualTo("2001:db8:0:1::1/128");
    assertThat(Cidr.parse("2001:0:1:0:1:0:1:0").toString()).as("single zero groups stay").isEqualTo("2001:0:1:0:1:0:1:0/128");
    assertThat(Cidr.parse("fe80::/10").toString()).isEqualTo("fe80::/10");
  }

  @ParameterizedTest
  @ValueSource(strings = {"fooble", "localhost", "10.0.0.0/33", "::1/129", "10.0.0.0/x", "", "/8", "10.0.0.0/-1"})
  void badBlocksAreRefusedWithoutLookingAnythingUp(String text) {
    assertThatThrownBy(() -> Cidr.parse(text)).isInstanceOf(ConfigException.class).hasMessageContaining("'" + text + "'");
  }
}
