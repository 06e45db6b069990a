package io.safecached.differential;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import io.safecached.testsupport.MemcachedProcess;
import io.safecached.testsupport.TestServer;
import io.safecached.testsupport.TestTransport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;

/**
 * The differential fuzzer's run in {@code mvn verify}: fixed seeds, 28,800 requests (text and meta, then
 * binary; the first 9,000 in the runs on the other transports), against memcached 1.6.18 and an in-process
 * safecached. Fails on any divergence that is not a known difference of docs/compatibility.md
 * ({@link KnownDifferences}); the minimised reproducers and the counts by kind go to
 * target/differential/fuzz-report.md.
 *
 * <p>A longer run: {@code bench/fuzz} or {@code mvn -B verify -Dit.test=DifferentialFuzzIT -Dtest=none
 * -Dsurefire.failIfNoSpecifiedTests=false -Dfuzz.sequences=2000 -Dfuzz.seed=1000}; {@code fuzz.sequences} text
 * sequences of {@code fuzz.length} requests each (and a fifth as many binary ones) from seed {@code fuzz.seed} on.
 */
class DifferentialFuzzIT {
  private static final Path REPORT = Path.of("target", "differential", "fuzz-report.md");
  private static final Path REPORT_NO_CAS = Path.of("target", "differential", "fuzz-report-no-cas.md");

  @Test
  void safecachedAnswersTheFuzzedSequencesLikeMemcached(TestReporter reporter) throws Exception {
    fuzz(List.of(), sequences(), REPORT, reporter);
  }

  /** The same with CAS off on both sides ({@code -C}), a tenth as many sequences, flush requests left out. */
  @Test
  void withoutCasSafecachedAnswersLikeMemcachedWithoutCas(TestReporter reporter) throws Exception {
    fuzz(List.of("-C"), Math.max(1, sequences() / 10), REPORT_NO_CAS, reporter);
  }

  /**
   * Text sequences to run: {@code fuzz.sequences}, else 160 on the default transport and the first 50 of them in
   * the build's runs on the other transports (what the fuzzer tests is the protocols, which every transport shares).
   */
  private static int sequences() {
    return Integer.getInteger("fuzz.sequences", TestTransport.defaultRun() ? 160 : 50);
  }

  private static void fuzz(List<String> flags, int sequences, Path reportFile, TestReporter reporter)
      throws Exception {
    int length = Integer.getInteger("fuzz.length", 150);
    long seed = Long.getLong("fuzz.seed", 1);
    List<KnownDifferences.Known> known = KnownDifferences.load();
    Map<String, Integer> byKind = new TreeMap<>();
    Map<String, DifferentialFuzzer.Divergence> examples = new TreeMap<>();
    Map<String, String> knownAs = new TreeMap<>();
    long compared = 0;
    try (MemcachedProcess mc = MemcachedProcess.start(ServerFlags.memcachedArgs(flags));
        TestServer sc = TestServer.start(ServerFlags.safecachedSettings(flags))) {
      DifferentialFuzzer fuzzer = new DifferentialFuzzer(mc.address(), sc.address(), flags);
      try {
        int binarySequences = Math.max(1, sequences / 5);
        for (int i = 0; i < sequences + binarySequences; i++) {
          boolean binary = i >= sequences;
          DifferentialFuzzer.Divergence d = fuzzer.fuzz(seed + i, length, binary);
          if (d == null) {
            continue;
          }
          byKind.merge(d.kind(), 1, Integer::sum);
          examples.putIfAbsent(d.kind(), d);
          for (KnownDifferences.Known k : known) {
            if (k.matches(d)) {
              knownAs.put(d.kind(), k.name());
              break;
            }
          }
        }
      } finally {
        fuzzer.close();
      }
      compared = fuzzer.compared();
      List<String> unknown = new ArrayList<>();
      StringBuilder report = new StringBuilder("# differential fuzz" + (flags.isEmpty() ? "" : " (" + String.join(" ",
          flags) + ")") + "\n\n")
          .append("seed ").append(seed).append(", ").append(sequences).append(" text/meta and ")
          .append(Math.max(1, sequences / 5)).append(" binary sequences of ").append(length).append(" requests; ")
          .append(compared).append(" requests compared (each sequence up to its first divergence), ")
          .append(fuzzer.operations())
          .append(" sent to each server with the minimisation replays\n\n## divergences by kind\n");
      if (byKind.isEmpty()) {
        report.append("none\n");
      }
      for (Map.Entry<String, Integer> e : byKind.entrySet()) {
        DifferentialFuzzer.Divergence d = examples.get(e.getKey());
        String name = knownAs.get(e.getKey());
        report.append("\n### ").append(name == null ? "UNKNOWN" : "known (" + name + ")").append(": ")
            .append(e.getKey()).append(" (").append(e.getValue()).append(" sequences)\n\n")
            .append("memcached:  ").append(Escapes.show(d.memcached().getBytes(StandardCharsets.ISO_8859_1), 400))
            .append("\nsafecached: ").append(Escapes.show(d.safecached().getBytes(StandardCharsets.ISO_8859_1), 400))
            .append("\n\n```\n").append(d.script()).append("```\n");
        if (name == null) {
          unknown.add(e.getKey() + " (" + e.getValue() + " sequences); reproducer:\n" + d.script());
        }
      }
      Files.createDirectories(reportFile.getParent());
      Files.writeString(reportFile, report.toString());
      reporter.publishEntry("fuzz" + String.join("", flags), compared + " requests compared, " + byKind.values().stream()
          .mapToInt(Integer::intValue).sum() + " divergent sequences, " + unknown.size() + " unknown kinds");
      assertThat(compared).isGreaterThan(0);
      if (!unknown.isEmpty()) {
        fail(unknown.size() + " kind(s) of divergence not listed in docs/compatibility.md (see " + reportFile + "):\n"
            + String.join("\n", unknown));
      }
    }
  }
}
