package io.safecached.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Brute-force protection on a fake nanosecond clock: delays, refusal, reset, forgetting and the memory bound. */
class BruteForceGuardTest {
  private static final long SECOND = 1_000_000_000L;
  private static final InetAddress A = address("127.0.0.1");
  private static final InetAddress B = address("127.0.0.2");

  private long now = 42 * SECOND;
  private final BruteForceGuard guard = BruteForceGuard.defaults(() -> now);

  private static InetAddress address(String s) {
    try {
      return InetAddress.getByName(s);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  /** The delay of each of {@code n} failures from {@code source}, checking delayMillis announced it. */
  private List<Long> fail(InetAddress source, int n) {
    List<Long> delays = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      long announced = guard.delayMillis(source);
      long delay = guard.failure(source);
      assertThat(delay).as("failure %d", i + 1).isEqualTo(announced);
      delays.add(delay);
    }
    return delays;
  }

  @Test
  void threeFreeFailuresThenDoublingDelaysUpToTwoSeconds() {
    assertThat(guard.delayMillis(A)).isZero();
    assertThat(fail(A, 9)).containsExactly(0L, 0L, 0L, 250L, 500L, 1000L, 2000L, 2000L, 2000L);
    assertThat(guard.refused(A)).isFalse();
  }

  @Test
  void theTenthConsecutiveFailureRefusesTheSourceForFiveMinutes() {
    fail(A, 10);
    assertThat(guard.refused(A)).isTrue();
    assertThat(guard.refused(B)).as("other sources are not affected").isFalse();
    assertThat(guard.delayMillis(B)).isZero();
    now += Duration.ofMinutes(5).toNanos() - 1;
    assertThat(guard.refused(A)).isTrue();
    now += 1;
    assertThat(guard.refused(A)).isFalse();
    assertThat(guard.delayMillis(A)).as("forgotten when the refusal ends").isZero();
    assertThat(guard.trackedSources()).isZero();
  }

  @Test
  void aSuccessClearsTheSource() {
    fail(A, 9);
    guard.success(A);
    assertThat(guard.delayMillis(A)).isZero();
    assertThat(fail(A, 4)).containsExactly(0L, 0L, 0L, 250L);
    fail(A, 6);
    assertThat(guard.refused(A)).isTrue();
    guard.success(A);
    assertThat(guard.refused(A)).isFalse();
    assertThat(guard.trackedSources()).isZero();
  }

  @Test
  void failuresAreForgottenAfterAQuietPeriod() {
    fail(A, 5);
    now += Duration.ofMinutes(5).toNanos() - 1;
    assertThat(guard.delayMillis(A)).as("still remembered").isEqualTo(1000L);
    fail(A, 1);
    now += Duration.ofMinutes(4).toNanos();
    assertThat(guard.delayMillis(A)).as("the quiet period restarts at each failure").isEqualTo(2000L);
    now += Duration.ofMinutes(1).toNanos();
    assertThat(guard.delayMillis(A)).isZero();
  }

  @Test
  void memoryIsBoundedAndTheMostRecentSourcesAreKept() throws Exception {
    BruteForceGuard small = new BruteForceGuard(() -> now, 100, 0, Duration.ofSeconds(2), 3, Duration.ofMinutes(5));
    for (int i = 0; i < 1000; i++) {
      InetAddress source = InetAddress.getByAddress(new byte[] {10, 0, (byte) (i >> 8), (byte) i});
      small.failure(source);
      small.failure(source);
    }
    assertThat(small.trackedSources()).isEqualTo(100);
    InetAddress last = InetAddress.getByAddress(new byte[] {10, 0, (byte) (999 >> 8), (byte) 999});
    InetAddress first = InetAddress.getByAddress(new byte[] {10, 0, 0, 0});
    assertThat(small.delayMillis(last)).as("third failure of a remembered source").isEqualTo(1000L);
    assertThat(small.delayMillis(first)).as("pushed out: starts afresh").isEqualTo(250L);
  }

  @Test
  void onlyFailuresAddSources() throws Exception {
    for (int i = 0; i < 1000; i++) {
      InetAddress source = InetAddress.getByAddress(new byte[] {10, 1, (byte) (i >> 8), (byte) i});
      guard.delayMillis(source);
      guard.refused(source);
      guard.success(source);
    }
    assertThat(guard.trackedSources()).isZero();
  }

  @Test
  void customSettings() {
    BruteForceGuard g = new BruteForceGuard(() -> now, 10, 0, Duration.ofMillis(100), 2, Duration.ofSeconds(30));
    assertThat(g.failure(A)).as("no free failures; capped below the first delay").isEqualTo(100L);
    assertThat(g.refused(A)).isFalse();
    assertThat(g.failure(A)).isEqualTo(100L);
    assertThat(g.refused(A)).isTrue();
    now += 30 * SECOND;
    assertThat(g.refused(A)).isFalse();
    BruteForceGuard noDelay = new BruteForceGuard(() -> now, 10, 1, Duration.ZERO, 100, Duration.ofSeconds(1));
    assertThat(noDelay.failure(A)).isZero();
    assertThat(noDelay.failure(A)).isZero();
  }

  @Test
  void manyFailuresNeitherOverflowTheDelayNorTheCount() {
    BruteForceGuard g = new BruteForceGuard(() -> now, 10, 0, Duration.ofDays(36_500), Integer.MAX_VALUE,
        Duration.ofSeconds(1));
    long delay = 0;
    for (int i = 0; i < 100; i++) {
      delay = g.failure(A);
    }
    assertThat(delay).isEqualTo(250L << 32);
  }

  @Test
  void globalIpv6SourcesCountPerSlash64() throws Exception {
    InetAddress one = address("2001:db8:1:2::1");
    InetAddress other = address("2001:db8:1:2:ffff:ffff:ffff:fffe");
    InetAddress nextBlock = address("2001:db8:1:3::1");
    fail(one, 5);
    assertThat(guard.delayMillis(other)).as("same /64").isEqualTo(1000L);
    assertThat(guard.delayMillis(nextBlock)).isZero();
    fail(other, 5);
    assertThat(guard.refused(one)).isTrue();
  }

  @Test
  void localIpv6AndMappedIpv4SourcesCountOneByOne() throws Exception {
    for (String[] pair : new String[][] {{"fe80::1", "fe80::2"}, {"fd00::1", "fd00::2"}}) {
      InetAddress x = address(pair[0]);
      fail(x, 10);
      assertThat(guard.refused(x)).isTrue();
      assertThat(guard.refused(address(pair[1]))).as(pair[1]).isFalse();
    }
    byte[] mapped = new byte[16];
    mapped[10] = (byte) 0xff;
    mapped[11] = (byte) 0xff;
    mapped[12] = 127;
    mapped[15] = 1;
    InetAddress v6 = Inet6Address.getByAddress(null, mapped, -1);
    assertThat(v6).isInstanceOf(Inet6Address.class);
    assertThat(BruteForceGuard.key(v6)).isEqualTo(A);
    fail(A, 10);
    assertThat(guard.refused(v6)).isTrue();
    assertThat(BruteForceGuard.key(address("::1"))).isEqualTo(address("::1"));
  }

  @Test
  void settingsAreChecked() {
    Duration d = Duration.ofSeconds(1);
    assertThatThrownBy(() -> new BruteForceGuard(() -> now, 0, 3, d, 10, d)).hasMessageContaining("maxSources");
    assertThatThrownBy(() -> new BruteForceGuard(() -> now, 1, -1, d, 10, d)).hasMessageContaining("freeFailures");
    assertThatThrownBy(() -> new BruteForceGuard(() -> now, 1, 3, d.negated(), 10, d)).hasMessageContaining("maxDelay");
    assertThatThrownBy(() -> new BruteForceGuard(() -> now, 1, 3, d, 0, d)).hasMessageContaining("refuseAfter");
    assertThatThrownBy(() -> new BruteForceGuard(() -> now, 1, 3, d, 10, Duration.ZERO)).hasMessageContaining("refuseFor");
  }
}
