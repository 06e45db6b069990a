package io.safecached.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;

class CveDatabaseTest {
  private final CveDatabase db = CveDatabase.bundled();

  private List<String> ids(String version) {
    return db.inAffectedRange(version).stream().map(Cve::id).toList();
  }

  @Test
  void bundledDataSpansTwoThousandNineToTwentyTwentySix() {
    List<String> all = db.entries().stream().map(Cve::id).toList();
    assertThat(all).contains("CVE-2009-1255", "CVE-2018-1000115", "CVE-2026-47783", "CVE-2026-47784");
    assertThat(all).doesNotHaveDuplicates();
    for (Cve c : db.entries()) {
      assertThat(c.id()).matches("CVE-\\d{4}-\\d{4,}");
      assertThat(c.summary()).isNotBlank();
      assertThat(c.source()).startsWith("https://www.cve.org/CVERecord?id=" + c.id());
    }
  }

  @Test
  void udpAmplificationCveCoversUpToOneFiveFive() {
    assertThat(ids("1.5.5")).contains("CVE-2018-1000115");
    assertThat(ids("1.4.25")).contains("CVE-2018-1000115", "CVE-2016-8704", "CVE-2017-9951");
    assertThat(ids("1.5.6")).doesNotContain("CVE-2018-1000115");
  }

  @Test
  void matchesRangesWithPreReleasesAndDistroSuffixes() {
    assertThat(ids("1.2.7")).contains("CVE-2009-1255", "CVE-2010-1152");
    assertThat(ids("1.2.8")).doesNotContain("CVE-2009-1255");
    assertThat(ids("1.4.5-rc1")).contains("CVE-2011-4971", "CVE-2013-0179");
    assertThat(ids("1.4.3")).contains("CVE-2011-4971").doesNotContain("CVE-2013-0179", "CVE-2010-1152");
    assertThat(ids("1.6.18-1+deb12u1")).containsExactly("CVE-2023-46852", "CVE-2023-46853", "CVE-2026-47783",
        "CVE-2026-47784");
    assertThat(ids("1.6.9")).contains("CVE-2021-37519");
    assertThat(ids("1.6.42")).isEmpty();
  }

  @Test
  void safecachedIsNeverMatchedAgainstMemcachedCves() {
    assertThat(ids("1.4.0-safecached-0.1.0")).isEmpty();
    assertThat(ids("1.6.45-safecached-0.1.0")).isEmpty();
    assertThat(CveDatabase.isSafecached("1.6.45-SafeCached")).isTrue();
    assertThat(ids("garbage")).isEmpty();
    assertThat(ids(null)).isEmpty();
  }

  @Test
  void highestFixIsTheUpgradeTarget() {
    assertThat(CveDatabase.highestFix(db.inAffectedRange("1.6.0"))).map(Version::toString).contains("1.6.42");
  }

  @Test
  void malformedDataIsRejectedWithTheLine() {
    assertThatThrownBy(() -> CveDatabase.read(new StringReader("cve,affected,fixed,feature,summary,source\n"
        + "CVE-1,1.2,,,x,y\n"))).isInstanceOf(IOException.class).hasMessageContaining("line 2");
    assertThatThrownBy(() -> CveDatabase.read(new StringReader("a,b\n"))).isInstanceOf(IOException.class);
  }
}
