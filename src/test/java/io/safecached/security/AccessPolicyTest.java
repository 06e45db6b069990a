package io.safecached.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.safecached.config.Cidr;
import io.safecached.config.ServerConfig;
import io.safecached.config.ServerConfig.UdpPolicy;
import io.safecached.security.AccessPolicy.Admission;
import io.safecached.security.AccessPolicy.Listener;
import io.safecached.security.AccessPolicy.Refusal;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The one access policy: who is served on which listener, and which command kinds they may run. */
class AccessPolicyTest {
  private static final InetAddress LOCAL = address("127.0.0.1");
  private static final InetAddress OTHER = address("127.0.0.2");
  private static final InetAddress REMOTE = address("192.0.2.7");
  private long now = 1_000_000_000L;

  private static InetAddress address(String s) {
    try {
      return InetAddress.getByName(s);
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  private AccessPolicy policy(List<String> allow, boolean users, Set<String> admins, UdpPolicy udp) {
    return new AccessPolicy(new ServerConfig.Access(users ? Path.of("users") : null, false,
        allow.stream().map(Cidr::parse).toList(), admins), new UdpGuard(udp, () -> now));
  }

  @Test
  void allowAppliesToEveryListener() {
    AccessPolicy p = policy(List.of("127.0.0.1/32"), false, Set.of(),
        UdpPolicy.DEFAULT.withAllow(List.of(Cidr.parse("127.0.0.0/8"))));
    for (Listener l : Listener.values()) {
      assertThat(p.admit(LOCAL, l)).as(l.toString()).isEqualTo(Admission.FULL);
      assertThat(p.admit(OTHER, l)).as(l + ": outside --allow, even when --udp-allow trusts it")
          .isEqualTo(Admission.NOT_ALLOWED);
    }
    assertThat(p.restrictsSources()).isTrue();
  }

  @Test
  void withoutAllowEverySourceConnects() {
    AccessPolicy p = policy(List.of(), false, Set.of(), UdpPolicy.DEFAULT);
    assertThat(p.restrictsSources()).isFalse();
    assertThat(p.admit(REMOTE, Listener.TCP)).isEqualTo(Admission.FULL);
    assertThat(p.admit(REMOTE, Listener.TLS)).isEqualTo(Admission.FULL);
    assertThat(p.admit(REMOTE, Listener.UDP)).as("outside --udp-allow").isEqualTo(Admission.LIMITED);
    assertThat(p.admit(LOCAL, Listener.UDP)).isEqualTo(Admission.FULL);
  }

  @Test
  void untrustedUdpSourcesAreRateLimited() {
    AccessPolicy p = policy(List.of(), false, Set.of(), UdpPolicy.DEFAULT.withRates(2, 1024, 100, 1 << 20));
    assertThat(p.admit(REMOTE, Listener.UDP)).isEqualTo(Admission.LIMITED);
    assertThat(p.admit(REMOTE, Listener.UDP)).isEqualTo(Admission.LIMITED);
    assertThat(p.admit(REMOTE, Listener.UDP)).isEqualTo(Admission.RATE_LIMITED);
    assertThat(p.admit(LOCAL, Listener.UDP)).as("trusted: no limits").isEqualTo(Admission.FULL);
    now += 1_000_000_000L;
    assertThat(p.admit(REMOTE, Listener.UDP)).isEqualTo(Admission.LIMITED);
  }

  @Test
  void withLoginsUdpServesOnlyTrustedSources() {
    AccessPolicy p = policy(List.of(), true, Set.of(), UdpPolicy.DEFAULT);
    assertThat(p.admit(REMOTE, Listener.UDP)).isEqualTo(Admission.UNAUTHENTICATED);
    assertThat(p.admit(LOCAL, Listener.UDP)).isEqualTo(Admission.FULL);
    assertThat(p.admit(REMOTE, Listener.TCP)).as("TCP logs in instead").isEqualTo(Admission.FULL);
  }

  @Test
  void limitedUdpSourcesRunReadsOnlyUnlessWritesAreAllowed() {
    AccessPolicy readOnly = policy(List.of(), false, Set.of(), UdpPolicy.DEFAULT);
    assertThat(readOnly.refusal(CommandKind.READ, Admission.LIMITED, null)).isNull();
    assertThat(readOnly.refusal(CommandKind.SESSION, Admission.LIMITED, null)).isNull();
    assertThat(readOnly.refusal(CommandKind.WRITE, Admission.LIMITED, null)).isEqualTo(Refusal.READ_ONLY);
    assertThat(readOnly.refusal(CommandKind.ADMIN, Admission.LIMITED, null)).isEqualTo(Refusal.READ_ONLY);
    assertThat(readOnly.refusal(CommandKind.WRITE, Admission.FULL, null)).isNull();
    assertThat(readOnly.refusal(CommandKind.ADMIN, Admission.FULL, null)).isNull();
    AccessPolicy writes = policy(List.of(), false, Set.of(), UdpPolicy.DEFAULT.withWrites(true));
    assertThat(writes.refusal(CommandKind.WRITE, Admission.LIMITED, null)).isNull();
    assertThat(writes.refusal(CommandKind.ADMIN, Admission.LIMITED, null)).isNull();
  }

  @Test
  void adminCommandsAreForAdminUsersOnly() {
    AccessPolicy p = policy(List.of(), true, Set.of("root"), UdpPolicy.DEFAULT);
    assertThat(p.refusal(CommandKind.ADMIN, Admission.FULL, "root")).isNull();
    assertThat(p.refusal(CommandKind.ADMIN, Admission.FULL, "alice")).isEqualTo(Refusal.NOT_ADMIN);
    assertThat(p.refusal(CommandKind.ADMIN, Admission.FULL, null)).as("UDP cannot log in")
        .isEqualTo(Refusal.NOT_ADMIN);
    assertThat(p.refusal(CommandKind.WRITE, Admission.FULL, "alice")).isNull();
    assertThat(p.isAdmin("root")).isTrue();
    AccessPolicy anyUser = policy(List.of(), true, Set.of(), UdpPolicy.DEFAULT);
    assertThat(anyUser.refusal(CommandKind.ADMIN, Admission.FULL, "alice")).isNull();
  }

  @Test
  void aSourceThatIsNotServedRunsNothing() {
    AccessPolicy p = policy(List.of(), false, Set.of(), UdpPolicy.DEFAULT);
    assertThatThrownBy(() -> p.refusal(CommandKind.READ, Admission.NOT_ALLOWED, null))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
