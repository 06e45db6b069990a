package io.safecached.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.safecached.testsupport.MemcachedProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/audit.md's sample runs, run literally: every {@code $ command} line of the "Sample runs" section, in
 * order, with {@code bin/safecached} as {@code safecached}, inside a loopback-only network namespace (so the
 * documented ports are free and nothing leaves the machine). What each command prints is compared with the
 * lines under it in the document after numbers are replaced by {@code N} and runs of spaces by one space (pids,
 * times, counts and column widths change from run to run); a line holding only {@code …} ends the comparison
 * (the document shows the first lines only), a line of digits under {@code $ echo $?} is the exit code and is
 * compared exactly. Blocks after a {@code <!-- on a terminal -->} comment run under {@code script}, so stderr is
 * a terminal while stdout is redirected: the progress must be drawn there.
 */
class AuditDocsIT {
  private static final Path DOC = Path.of("docs", "audit.md");
  private static final Path BIN = Path.of("bin");
  private static final Pattern NUMBER = Pattern.compile("[0-9][0-9,]*(\\.[0-9]+)?");

  /** One documented command and the output shown under it. */
  record Example(String command, List<String> expected, boolean terminal, int line) {}

  static List<Example> examples(List<String> doc) {
    List<Example> out = new ArrayList<>();
    boolean inSection = false;
    boolean inBlock = false;
    boolean terminal = false;
    boolean nextTerminal = false;
    Example current = null;
    for (int i = 0; i < doc.size(); i++) {
      String l = doc.get(i);
      if (l.startsWith("## ")) {
        inSection = l.equals("## Sample runs");
        continue;
      }
      if (!inSection) {
        continue;
      }
      if (l.strip().equals("<!-- on a terminal -->")) {
        nextTerminal = true;
        continue;
      }
      if (l.startsWith("```")) {
        inBlock = !inBlock;
        if (inBlock) {
          terminal = nextTerminal;
          nextTerminal = false;
        }
        current = null;
        continue;
      }
      if (!inBlock) {
        continue;
      }
      if (l.startsWith("$ ")) {
        current = new Example(l.substring(2), new ArrayList<>(), terminal, i + 1);
        out.add(current);
      } else if (current != null) {
        current.expected().add(l);
      }
    }
    return out;
  }

  static String normalise(String line) {
    return NUMBER.matcher(line).replaceAll("N").replaceAll("\\s+", " ").strip();
  }

  /** What a terminal shows of a line that was redrawn with carriage returns: its last non-blank part. */
  static String visible(String line) {
    String[] parts = line.split("\r");
    for (int i = parts.length - 1; i >= 0; i--) {
      if (!parts[i].isBlank()) {
        return parts[i];
      }
    }
    return "";
  }

  @Test
  void theSampleRunsRunLiterally(@TempDir Path dir) throws Exception {
    Netns.assumeAvailable();
    assumeThat(MemcachedProcess.available()).as("memcached installed").isTrue();
    assumeThat(Files.exists(Path.of("target", "safecached.jar"))).as("target/safecached.jar built").isTrue();
    assumeThat(onPath("script")).as("script (util-linux) for the terminal example").isTrue();
    List<Example> examples = examples(Files.readAllLines(DOC));
    assertThat(examples).as("examples in docs/audit.md").hasSizeGreaterThan(8);

    StringBuilder script = new StringBuilder("export PATH='" + BIN.toAbsolutePath() + "':\"$PATH\"\nset +e\n");
    for (int k = 0; k < examples.size(); k++) {
      Example e = examples.get(k);
      if (e.command().equals("echo $?")) {
        script.append("cp code.").append(k - 1).append(" out.").append(k).append("\n");
        continue;
      }
      Files.writeString(dir.resolve("cmd." + k), e.command() + "\n");
      if (e.terminal()) {
        script.append("script -qec 'bash cmd.").append(k).append("' /dev/null > out.").append(k).append(" 2>&1");
      } else {
        script.append("bash cmd.").append(k).append(" > out.").append(k).append(" 2>&1");
      }
      script.append("; echo $? > code.").append(k).append("\n");
      Matcher m = Pattern.compile("^memcached .*-l (\\S+) -p (\\d+)").matcher(e.command());
      if (m.find()) { // -d returns before the port is bound: wait for it, as a reader would
        script.append("for i in $(seq 100); do (exec 3<>/dev/tcp/").append(m.group(1)).append('/')
            .append(m.group(2)).append(") 2>/dev/null && break; sleep 0.1; done\n");
      }
    }
    Netns.Result r = Netns.run(dir, script.toString(), Duration.ofMinutes(4));
    assertThat(r.code()).as(r.err()).isZero();

    for (int k = 0; k < examples.size(); k++) {
      Example e = examples.get(k);
      String raw = Files.readString(dir.resolve("out." + k));
      List<String> actual = new ArrayList<>();
      for (String l : raw.split("\r?\n", -1)) {
        String v = e.terminal() ? visible(l) : l;
        if (!(e.terminal() && v.isBlank())) {
          actual.add(v);
        }
      }
      while (!actual.isEmpty() && actual.get(actual.size() - 1).isEmpty()) {
        actual.remove(actual.size() - 1);
      }
      String where = "docs/audit.md line " + e.line() + ": $ " + e.command() + "\n--- got:\n" + raw;
      if (e.terminal()) {
        assertThat(raw).as("progress drawn on the terminal: " + where).containsPattern("\r\\[[#.]{24}\\] [0-9,]+ of ");
      }
      compare(e, actual, where);
    }
  }

  private static void compare(Example e, List<String> actual, String where) {
    List<String> want = new ArrayList<>();
    boolean prefixOnly = false;
    for (String l : e.expected()) {
      if (l.strip().equals("…")) {
        prefixOnly = true;
        break;
      }
      want.add(l);
    }
    if (e.command().equals("echo $?")) {
      assertThat(actual).as(where).containsExactly(want.toArray(String[]::new));
      return;
    }
    List<String> got = actual.stream().map(AuditDocsIT::normalise).toList();
    List<String> exp = want.stream().map(AuditDocsIT::normalise).toList();
    if (prefixOnly) {
      assertThat(got.size()).as(where).isGreaterThanOrEqualTo(exp.size());
      got = got.subList(0, exp.size());
    }
    if (e.command().contains("--format json") || e.command().contains("--format csv")) {
      assertThat(got).as(where).containsExactlyInAnyOrderElementsOf(exp); // lines in the order targets finish
    } else {
      assertThat(got).as(where).containsExactlyElementsOf(exp);
    }
  }

  private static boolean onPath(String tool) throws IOException, InterruptedException {
    return new ProcessBuilder("sh", "-c", "command -v " + tool).start().waitFor() == 0;
  }
}
