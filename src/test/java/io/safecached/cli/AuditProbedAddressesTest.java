package io.safecached.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.safecached.audit.Observation;
import io.safecached.audit.Prober;
import io.safecached.audit.Target;
import io.safecached.audit.target.TargetFiles;
import io.safecached.config.Addresses;
import java.io.ByteArrayInputStream;
import java.net.Inet6Address;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hard guarantee of the audit: the addresses the prober is asked to contact are a subset of the targets
 * given minus the exclusions, for every input format, and nothing at all is contacted when an input is refused.
 * The prober here records and sends nothing.
 */
class AuditProbedAddressesTest {
  /** Records every target it is asked to probe; answers "not probed" without touching the network. */
  static final class RecordingProber implements Prober {
    final List<String> asked = Collections.synchronizedList(new ArrayList<>());

    @Override
    public CompletableFuture<Observation> probe(Target t) {
      String ip = Addresses.text(t.address());
      asked.add((t.address() instanceof Inet6Address ? "[" + ip + "]" : ip) + ":" + t.port() + " " + t.display());
      return CompletableFuture.completedFuture(new Observation(null, null, null, null, null, null));
    }

    /** The addresses asked for, as ip:port. */
    Set<String> addresses() {
      Set<String> out = new LinkedHashSet<>();
      synchronized (asked) {
        asked.forEach(a -> out.add(a.split(" ")[0]));
      }
      return out;
    }

    @Override
    public void close() {}
  }

  private static AuditCommandTest.Run run(RecordingProber prober, String stdin, String... args) {
    AuditCommand cmd = AuditCommandTest.command();
    cmd.probers(s -> prober);
    if (stdin != null) {
      cmd.stdin(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
    }
    return AuditCommandTest.run(cmd, args);
  }

  /** What a documented target line stands for at the address level (host names resolve to loopback). */
  private static boolean allowed(String asked, Set<String> expected) {
    String[] parts = asked.split(" ");
    return expected.contains(parts[1]) && (parts[0].equals(parts[1]) || parts[1].startsWith("localhost:"));
  }

  @Test
  void everyFormatProbesExactlyItsTargetsMinusExclusions(@TempDir Path dir) throws Exception {
    Path excl = dir.resolve("exclude.txt");
    for (Map.Entry<String, String[]> e : TargetFiles.FORMATS.entrySet()) {
      Set<String> expected = new LinkedHashSet<>(Arrays.asList(e.getValue()[1].split(" ")));
      String excluded = expected.stream().filter(t -> t.startsWith("127.")).findFirst().orElseThrow();
      String excludedIp = excluded.substring(0, excluded.indexOf(':'));
      Files.writeString(excl, "# keep out\n127.255.255.254\n" + excludedIp + "\n10.0.0.0/8\n");
      Path f = dir.resolve(e.getKey());
      Files.writeString(f, e.getValue()[0]);
      for (String source : List.of("file", "stdin")) {
        RecordingProber p = new RecordingProber();
        AuditCommandTest.Run r = source.equals("file")
            ? run(p, null, "--ports", "5", "--format", "json", "--exclude", "@" + excl, "@" + f)
            : run(p, e.getValue()[0], "--ports", "5", "--format", "json", "--exclude", "@" + excl, "-");
        assertThat(r.code()).as(e.getKey() + " " + source + ": " + r.err()).isZero();
        for (String a : p.asked) {
          assertThat(allowed(a, expected)).as(e.getKey() + " " + source + " probed " + a).isTrue();
        }
        Set<String> want = new LinkedHashSet<>(expected);
        want.removeIf(t -> t.startsWith(excludedIp + ":"));
        Set<String> got = new LinkedHashSet<>();
        p.asked.forEach(a -> got.add(a.split(" ")[1]));
        assertThat(got).as(e.getKey() + " " + source).containsExactlyInAnyOrderElementsOf(want);
        assertThat(p.addresses()).as(e.getKey()).noneMatch(a -> a.startsWith(excludedIp + ":"));
      }
    }
  }

  @Test
  void refusedInputsProbeNothing(@TempDir Path dir) throws Exception {
    int n = 0;
    for (String[] bad : TargetFiles.MALFORMED) {
      Path f = dir.resolve("bad" + n++ + ".txt");
      Files.writeString(f, bad[0]);
      RecordingProber p = new RecordingProber();
      AuditCommandTest.Run r = run(p, null, "--format", "json", "@" + f);
      assertThat(r.code()).as(bad[0]).isEqualTo(2);
      assertThat(r.err()).as(bad[0]).contains(f.toString()).contains(bad[1]);
      assertThat(p.asked).as(bad[0]).isEmpty();
      RecordingProber q = new RecordingProber();
      assertThat(run(q, null, "--format", "json", "--exclude", "@" + f, "127.0.0.1").code()).isEqualTo(2);
      assertThat(q.asked).isEmpty();
    }
    for (String spelling : List.of("1699123456", "0x7f.1", "127.1", "0177.0.0.1", "21212:11211", "0x7f000001")) {
      RecordingProber p = new RecordingProber();
      AuditCommandTest.Run r = run(p, null, "--format", "json", "127.0.0.1:21212", spelling);
      assertThat(r.code()).as(spelling + " " + r.err()).isEqualTo(2);
      assertThat(p.asked).as(spelling).isEmpty();
    }
  }

  @Test
  void atFileOnTheCommandLineIsNeverSplitIntoWords(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("masscan.txt");
    Files.writeString(f, "open tcp 21212 127.0.0.1 1699123456\n");
    RecordingProber p = new RecordingProber();
    AuditCommand cmd = AuditCommandTest.command();
    cmd.probers(s -> p);
    AuditCommandTest.Run r = AuditCommandTest.runLikeMain(cmd, "--format", "json", "@" + f);
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(p.addresses()).containsExactly("127.0.0.1:21212");
  }

  @Test
  void excludeFileWithManyLinesHoldsEveryLine(@TempDir Path dir) throws Exception {
    Path excl = dir.resolve("excl.txt");
    StringBuilder sb = new StringBuilder();
    for (int i = 5; i <= 250; i++) {
      sb.append("127.0.0.").append(i).append(i % 3 == 0 ? "  # comment\n" : "\n");
    }
    Files.writeString(excl, sb.toString());
    RecordingProber p = new RecordingProber();
    AuditCommandTest.Run r = run(p, null, "--no-udp", "--format", "json", "--exclude", "@" + excl,
        "127.0.0.0/24");
    assertThat(r.code()).as(r.err()).isZero();
    Set<String> got = p.addresses();
    assertThat(got).hasSize(5 + 5);
    for (String a : got) {
      int last = Integer.parseInt(a.substring("127.0.0.".length(), a.indexOf(':')));
      assertThat(last < 5 || last > 250).as(a).isTrue();
    }
    assertThat(r.err()).contains("10 of 256 targets audited", "246 excluded");
  }
}
