package io.safecached.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.safecached.config.ConfigException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The {@code -l} syntax and its bounded name lookup. */
class ListenAddressesTest {
  private final AtomicInteger lookups = new AtomicInteger();
  private final ListenAddresses addresses = new ListenAddresses(host -> {
    lookups.incrementAndGet();
    return CliFixture.FAKE_DNS.resolve(host);
  }, Duration.ofSeconds(5));

  private List<InetSocketAddress> parse(String... values) {
    return addresses.parse(List.of(values));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "127.0.0.1            | 127.0.0.1 | 0",
      "127.0.0.1:11311      | 127.0.0.1 | 11311",
      "::1                  | ::1       | 0",
      "0:0:0:0:0:0:0:1      | ::1       | 0",
      "[::1]                | ::1       | 0",
      "[::1]:22122          | ::1       | 22122",
      "localhost:4000       | 127.0.0.1 | 4000",
      "' 127.0.0.3 '        | 127.0.0.3 | 0"})
  void oneEntry(String entry, String address, int port) throws Exception {
    assertThat(parse(entry)).containsExactly(new InetSocketAddress(InetAddress.getByName(address), port));
  }

  @Test
  void literalsAreNeverLookedUp() {
    parse("127.0.0.1,::1,[::1]:5,10.1.2.3:7");
    assertThat(lookups).hasValue(0);
    parse("localhost");
    assertThat(lookups).hasValue(1);
  }

  @Test
  void commaListsAndRepeatedFlagsAddUpWithoutDuplicates() {
    assertThat(parse("127.0.0.1,::1", "127.0.0.2:99", "127.0.0.1")).containsExactly(
        new InetSocketAddress("127.0.0.1", 0), new InetSocketAddress("::1", 0), new InetSocketAddress("127.0.0.2", 99));
  }

  @Test
  void everyAddressOfANameIsUsed() {
    ListenAddresses twoAddresses = new ListenAddresses(host -> new InetAddress[] {
        InetAddress.getByName("127.0.0.1"), InetAddress.getByName("::1")}, Duration.ofSeconds(5));
    assertThat(twoAddresses.parse(List.of("both:7"))).containsExactly(
        new InetSocketAddress("127.0.0.1", 7), new InetSocketAddress("::1", 7));
  }

  @Test
  void theSystemResolverFindsLocalhost() {
    List<InetSocketAddress> found = new ListenAddresses(ListenAddresses.SYSTEM, Duration.ofSeconds(5))
        .parse(List.of("localhost"));
    assertThat(found).isNotEmpty().allSatisfy(a -> assertThat(a.getAddress().isLoopbackAddress()).isTrue());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "fooble               | cannot resolve listen address 'fooble'",
      "fooble:11211         | cannot resolve listen address 'fooble'",
      "''                   | empty listen address (-l)",
      "127.0.0.1,           | empty listen address (-l)",
      ":11211               | listen address ':11211' has no host",
      "127.0.0.1:0          | port in listen address '127.0.0.1:0' must be between 1 and 65535",
      "127.0.0.1:65536      | port in listen address '127.0.0.1:65536' must be between 1 and 65535",
      "127.0.0.1:http       | port in listen address '127.0.0.1:http'",
      "[::1                 | has no closing ']'",
      "[::1]x               | expected ':port' after ']'",
      "[127.0.0.1]:5        | brackets are for IPv6 addresses",
      "256.1.1.1            | invalid IPv4 listen address '256.1.1.1'",
      "1::2::3              | invalid IPv6 listen address '1::2::3'",
      "notls:               | empty listen address",
      "bad_host!            | invalid listen address 'bad_host!'"})
  void badEntriesAreRefusedWithTheirText(String entry, String message) {
    assertThatThrownBy(() -> parse(entry)).isInstanceOf(ConfigException.class).hasMessageContaining(message);
    assertThat(lookups.get()).as("no lookup for a malformed entry").isLessThanOrEqualTo(1);
  }

  @Test
  void notlsMarksPlaintextListenersAsMemcachedDoes() {
    ListenAddresses.Parsed p = addresses.parseAll(List.of("127.0.0.1,notls:127.0.0.2:11212", "notls:[::1]"));
    assertThat(p.addresses()).containsExactly(new InetSocketAddress("127.0.0.1", 0),
        new InetSocketAddress("127.0.0.2", 11212), new InetSocketAddress("::1", 0));
    assertThat(p.plaintext()).containsExactlyInAnyOrder(new InetSocketAddress("127.0.0.2", 11212),
        new InetSocketAddress("::1", 0));
  }

  @Test
  @Timeout(10)
  void aLookupThatHangsIsCutOff() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    ListenAddresses hanging = new ListenAddresses(host -> {
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return new InetAddress[] {InetAddress.getByName("127.0.0.1")};
    }, Duration.ofMillis(200));
    long start = System.nanoTime();
    try {
      assertThatThrownBy(() -> hanging.parse(List.of("slow.example")))
          .hasMessage("cannot resolve listen address 'slow.example': no answer within 200 ms (use an IP address)");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    } finally {
      release.countDown();
    }
  }

  @Test
  void anEmptyAnswerIsAFailure() {
    ListenAddresses empty = new ListenAddresses(host -> new InetAddress[0], Duration.ofSeconds(1));
    assertThatThrownBy(() -> empty.parse(List.of("nothing"))).hasMessage("cannot resolve listen address 'nothing'");
  }
}
