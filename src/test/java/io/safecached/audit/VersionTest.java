package io.safecached.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class VersionTest {
  private static int cmp(String a, String b) {
    return Integer.signum(Version.of(a).compareTo(Version.of(b)));
  }

  @Test
  void comparesNumericallyNotAsText() {
    assertThat(cmp("1.4.15", "1.4.5")).isEqualTo(1);
    assertThat(cmp("1.6.18", "1.6.9")).isEqualTo(1);
    assertThat(cmp("1.10.0", "1.9.99")).isEqualTo(1);
    assertThat(cmp("1.6", "1.6.0")).isZero();
  }

  @Test
  void preReleasesSortBeforeTheRelease() {
    assertThat(cmp("1.4.5-rc1", "1.4.5")).isEqualTo(-1);
    assertThat(cmp("1.4.5-rc1", "1.4.4")).isEqualTo(1);
    assertThat(cmp("1.4.5-rc1", "1.4.5-rc2")).isEqualTo(-1);
    assertThat(cmp("1.5.0-beta1", "1.5.0-rc1")).isEqualTo(-1);
    assertThat(Version.of("1.4.5-rc1").preRelease()).isTrue();
  }

  @Test
  void distributionSuffixesAreIgnored() {
    assertThat(cmp("1.6.18-1+deb12u1", "1.6.18")).isZero();
    assertThat(cmp("1.5.6-0ubuntu1", "1.5.6")).isZero();
    assertThat(cmp("1.6.45-safecached-0.1.0", "1.6.45")).isZero();
    assertThat(Version.of("1.6.18-1+deb12u1").preRelease()).isFalse();
    assertThat(Version.of("1.6.18-1+deb12u1").text()).isEqualTo("1.6.18-1+deb12u1");
  }

  @Test
  void rejectsNonVersions() {
    assertThat(Version.parse("unknown")).isEmpty();
    assertThat(Version.parse(null)).isEmpty();
    assertThat(Version.parse("")).isEmpty();
    assertThatThrownBy(() -> Version.of("x1")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rangesCombineConstraints() {
    VersionRange r = VersionRange.parse(">=1.6.0 <1.6.3");
    assertThat(r.contains(Version.of("1.6.0"))).isTrue();
    assertThat(r.contains(Version.of("1.6.2"))).isTrue();
    assertThat(r.contains(Version.of("1.6.3"))).isFalse();
    assertThat(r.contains(Version.of("1.5.99"))).isFalse();
    assertThat(VersionRange.parse("=1.6.9").contains(Version.of("1.6.9-2"))).isTrue();
    assertThat(VersionRange.parse("<=1.5.5").contains(Version.of("1.5.5"))).isTrue();
    assertThat(VersionRange.parse("<=1.5.5").contains(Version.of("1.5.6-rc1"))).isFalse();
    assertThatThrownBy(() -> VersionRange.parse("1.2.3")).isInstanceOf(IllegalArgumentException.class);
  }
}
