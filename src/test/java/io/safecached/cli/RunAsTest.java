package io.safecached.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** memcached's rule for root, and {@code -u} for other users. */
class RunAsTest {
  @Test
  void rootWithoutUserIsRefusedInMemcachedsWords() {
    RunAs.Decision d = RunAs.decide(true, "root", null);
    assertThat(d.refused()).isTrue();
    assertThat(d.refusal()).startsWith("can't run as root without the -u switch").contains("-u root");
  }

  @Test
  void minusURootIsTheExplicitOptIn() {
    assertThat(RunAs.decide(true, "root", "root")).isEqualTo(RunAs.Decision.GO);
  }

  @Test
  void rootStillRootWithAnotherUserWasNotSwitchedAndSaysHow() {
    RunAs.Decision d = RunAs.decide(true, "root", "memcache");
    assertThat(d.refusal()).contains("bin/safecached").contains("setpriv --reuid=memcache");
  }

  @Test
  void otherUsersIgnoreMinusUAsMemcachedDoesButSaySoWhenItDiffers() {
    assertThat(RunAs.decide(false, "memcache", "memcache")).isEqualTo(RunAs.Decision.GO);
    assertThat(RunAs.decide(false, "alice", null)).isEqualTo(RunAs.Decision.GO);
    RunAs.Decision d = RunAs.decide(false, "alice", "memcache");
    assertThat(d.refused()).isFalse();
    assertThat(d.warning()).isEqualTo("-u memcache has no effect: running as 'alice', not as root; only root can "
        + "switch users");
    assertThat(RunAs.decide(false, "alice", " ").refused()).isTrue();
  }

  @Test
  void thisProcessIsRootExactlyWhenItsUserIsRoot() {
    assertThat(RunAs.isRoot()).isEqualTo("root".equals(System.getProperty("user.name")));
  }
}
