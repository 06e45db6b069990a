package io.safecached.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.safecached.config.Cidr;
import io.safecached.config.ServerConfig.UdpPolicy;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The UDP guard's trust, rate and amplification decisions, on a fake nanosecond clock. */
class UdpGuardTest {
  private static final long MS = 1_000_000L;
  private static final InetAddress TRUSTED = address("127.0.0.1");
  private static final InetAddress A = address("127.0.0.2");
  private static final InetAddress B = address("127.0.0.3");
  private static final InetAddress V6 = address("::1");

  private long now = 123_456_789L;

  private static InetAddress address(String s) {
    try {
      return InetAddress.getByName(s);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  private static UdpPolicy policy(double amplification, int sourcePps, long sourceBps, int globalPps,
                                  long globalBps) {
    return new UdpPolicy(List.of(Cidr.parse("127.0.0.1/32"), Cidr.parse("::1/128")), amplification, false,
        sourcePps, sourceBps, globalPps, globalBps);
  }

  private UdpGuard guard(UdpPolicy policy) {
    return new UdpGuard(policy, () -> now);
  }

  private static int admitted(UdpGuard guard, InetAddress source, int attempts) {
    int n = 0;
    for (int i = 0; i < attempts; i++) {
      if (guard.admit(source)) {
        n++;
      }
    }
    return n;
  }

  @Test
  void trustsOnlyTheAllowList() {
    UdpGuard guard = guard(UdpPolicy.DEFAULT);
    assertThat(guard.trusted(TRUSTED)).isTrue();
    assertThat(guard.trusted(V6)).isTrue();
    assertThat(guard.trusted(A)).isFalse();
    assertThat(guard.writesAllowed()).isFalse();
    assertThat(new UdpGuard(UdpPolicy.DEFAULT.withWrites(true), () -> now).writesAllowed()).isTrue();
  }

  @Test
  void trustedSourcesAreNeverLimited() {
    UdpGuard guard = guard(policy(1.0, 1, 64, 1, 64));
    assertThat(admitted(guard, TRUSTED, 1000)).isEqualTo(1000);
    assertThat(guard.mayReply(TRUSTED, 10, 1_000_000)).isTrue();
    assertThat(guard.trackedSources()).isZero();
    assertThat(guard.admit(A)).isTrue(); // trusted traffic took no global tokens
  }

  @Test
  void perSourcePacketRateRefillsWithTimeUpToOneSecondOfBurst() {
    UdpGuard guard = guard(policy(1.0, 50, 32 * 1024, 5000, 4 << 20));
    assertThat(admitted(guard, A, 80)).isEqualTo(50);
    now += 100 * MS;
    assertThat(admitted(guard, A, 80)).isEqualTo(5);
    now += 10_000 * MS;
    assertThat(admitted(guard, A, 80)).isEqualTo(50);
    assertThat(admitted(guard, B, 80)).isEqualTo(50); // each source has its own bucket
  }

  @Test
  void globalPacketRateBindsAllUntrustedSourcesTogether() {
    UdpGuard guard = guard(policy(1.0, 10, 1024, 15, 1024));
    assertThat(admitted(guard, A, 20)).isEqualTo(10);
    assertThat(admitted(guard, B, 20)).isEqualTo(5);
    now += 200 * MS; // global +3, each source +2
    assertThat(admitted(guard, A, 20)).isEqualTo(2);
    assertThat(admitted(guard, B, 20)).isEqualTo(1);
  }

  @Test
  void refusedAdmissionTakesNoToken() {
    UdpGuard guard = guard(policy(1.0, 10, 1024, 20, 1024));
    assertThat(admitted(guard, A, 10)).isEqualTo(10);
    // A is refused by its own bucket many times: that must not drain the global bucket
    assertThat(admitted(guard, A, 100)).isZero();
    assertThat(admitted(guard, B, 20)).isEqualTo(10);
  }

  @Test
  void amplificationBoundComparesWireBytes() {
    UdpGuard one = guard(UdpPolicy.DEFAULT);
    assertThat(one.withinAmplification(100, 100)).isTrue();
    assertThat(one.withinAmplification(100, 101)).isFalse();
    UdpGuard twoAndHalf = guard(UdpPolicy.DEFAULT.withMaxAmplification(2.5));
    assertThat(twoAndHalf.withinAmplification(100, 250)).isTrue();
    assertThat(twoAndHalf.withinAmplification(100, 251)).isFalse();
    assertThat(one.mayReply(A, 100, 101)).isFalse();
    assertThat(one.mayReply(A, 100, 100)).isTrue();
  }

  @Test
  void replyBytesAreLimitedPerSource() {
    UdpGuard guard = guard(policy(1000, 50, 1000, 5000, 100_000));
    assertThat(guard.mayReply(A, 1000, 600)).isTrue();
    assertThat(guard.mayReply(A, 1000, 600)).isFalse();
    assertThat(guard.mayReply(B, 1000, 600)).isTrue();
    now += 200 * MS; // A: 400 + 200
    assertThat(guard.mayReply(A, 1000, 601)).isFalse();
    assertThat(guard.mayReply(A, 1000, 600)).isTrue();
  }

  @Test
  void replyBytesAreLimitedGlobally() {
    UdpGuard guard = guard(policy(1000, 50, 1000, 100, 1500));
    assertThat(guard.mayReply(A, 1000, 1000)).isTrue();
    assertThat(guard.mayReply(B, 1000, 600)).isFalse(); // only 500 left globally
    assertThat(guard.mayReply(B, 1000, 500)).isTrue();
  }

  @Test
  void aReplyOverTheBoundTakesNoByteTokens() {
    UdpGuard guard = guard(policy(1.0, 50, 1000, 100, 1000));
    for (int i = 0; i < 100; i++) {
      assertThat(guard.mayReply(A, 10, 11)).isFalse();
    }
    assertThat(guard.mayReply(A, 1000, 1000)).isTrue();
  }

  @Test
  void theSourceTableIsBounded() throws UnknownHostException {
    UdpGuard guard = new UdpGuard(policy(1.0, 1, 64, 1_000_000, 1 << 30), () -> now, 4);
    for (int i = 0; i < 1000; i++) {
      InetAddress forged = InetAddress.getByAddress(new byte[] {10, 0, (byte) (i >> 8), (byte) i});
      assertThat(guard.admit(forged)).isTrue();
      assertThat(guard.admit(forged)).isFalse();
    }
    assertThat(guard.trackedSources()).isEqualTo(4);
  }

  @Test
  void theTableKeepsTheMostRecentlyUsedSources() throws UnknownHostException {
    UdpGuard guard = new UdpGuard(policy(1.0, 1, 64, 1_000_000, 1 << 30), () -> now, 2);
    assertThat(guard.admit(A)).isTrue();
    assertThat(guard.admit(B)).isTrue();
    assertThat(guard.admit(A)).isFalse(); // A is now the most recently used
    assertThat(guard.admit(InetAddress.getByName("127.0.0.4"))).isTrue(); // pushes B out, not A
    assertThat(guard.admit(A)).isFalse();
    assertThat(guard.admit(B)).isTrue(); // forgotten, so full again: the global bucket still bounds this
  }
}
