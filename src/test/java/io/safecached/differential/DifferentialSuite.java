package io.safecached.differential;

import static org.junit.jupiter.api.Assertions.fail;

import io.safecached.testsupport.MemcachedProcess;
import io.safecached.testsupport.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestReporter;

/**
 * What the differential ITs share: replays scripts from src/test/resources/differential on the real memcached
 * binary and on safecached and compares the normalised replies step by step. Each script also runs on a second memcached process; the two
 * memcached runs must be equal, which proves the script is deterministic and the normalisation masks only what
 * differs between any two servers. A step marked {@code # differs: reason} is a documented, intended difference:
 * it is reported, not failed, and fails once safecached answers like memcached again (so stale markers go).
 * Full transcripts go to target/differential/.
 */
final class DifferentialSuite {
  private static final Path OUT = Path.of("target", "differential");
  private static final long SCRIPT_BOUND_SECONDS = 60;

  private DifferentialSuite() {}

  /** Which scripts a suite runs, by file name. */
  enum Kind {
    /** meta-*.txt: meta commands on a text connection. */
    META,
    /** binary-*.txt: binary packets on their own connection. */
    BINARY,
    /** Every other script: the classic text protocol. */
    TEXT;

    static Kind of(String fileName) {
      return fileName.startsWith("meta-") ? META : fileName.startsWith("binary-") ? BINARY : TEXT;
    }
  }

  /** One container per script of {@code kind}: memcached against itself, then safecached against memcached. */
  static Stream<DynamicNode> scripts(Kind kind, TestReporter reporter) throws IOException, URISyntaxException {
    List<Path> files = scriptFiles().stream().filter(p -> Kind.of(p.getFileName().toString()) == kind).toList();
    if (files.isEmpty() && System.getProperty("differential.scripts", "").isBlank()) {
      fail("no " + kind + " scripts found in src/test/resources/differential");
    }
    Files.createDirectories(OUT);
    List<DynamicNode> nodes = new ArrayList<>();
    for (Path file : files) {
      Script script = Script.parse(file.getFileName().toString(),
          Files.readString(file, StandardCharsets.UTF_8));
      if (script.binary() != (kind == Kind.BINARY)) {
        fail(script.name() + ": binary-*.txt scripts, and only they, need '# protocol: binary'");
      }
      Runs runs = new Runs(script);
      nodes.add(DynamicContainer.dynamicContainer(script.name(), file.toUri(), Stream.of(
          DynamicTest.dynamicTest(script.name() + ": memcached vs memcached (script and normalisation check)",
              () -> compareMemcachedWithItself(runs)),
          DynamicTest.dynamicTest(script.name() + ": safecached vs memcached", () -> compareSafecached(runs, reporter)))));
    }
    return nodes.stream();
  }

  static List<Path> scriptFiles() throws IOException, URISyntaxException {
    URL dir = DifferentialSuite.class.getClassLoader().getResource("differential");
    if (dir == null) {
      return List.of();
    }
    // -Ddifferential.scripts=misc,stats runs only those scripts (names without .txt)
    Set<String> only = new LinkedHashSet<>();
    for (String n : System.getProperty("differential.scripts", "").split(",")) {
      if (!n.isBlank()) {
        only.add(n.trim().endsWith(".txt") ? n.trim() : n.trim() + ".txt");
      }
    }
    try (Stream<Path> s = Files.list(Path.of(dir.toURI()))) {
      return s.filter(p -> p.getFileName().toString().endsWith(".txt"))
          .filter(p -> only.isEmpty() || only.contains(p.getFileName().toString()))
          .sorted().toList();
    }
  }

  private static void compareMemcachedWithItself(Runs runs) throws Exception {
    runs.await();
    List<String> problems = new ArrayList<>();
    Script script = runs.script;
    for (int i = 0; i < script.steps().size(); i++) {
      Script.Step step = script.steps().get(i);
      String a = runs.memcachedA.get(i).compared();
      String b = runs.memcachedB.get(i).compared();
      if (!a.equals(b)) {
        problems.add(describe(script, step, "memcached #1", a, "memcached #2", b));
      }
    }
    if (!problems.isEmpty()) {
      fail(script.name() + ": two memcached processes answered differently, so this script or the "
          + "normalisation is not deterministic:\n" + String.join("\n", problems));
    }
  }

  private static void compareSafecached(Runs runs, TestReporter reporter) throws Exception {
    runs.await();
    Script script = runs.script;
    if (runs.safecachedFailure != null) {
      Assumptions.assumeFalse(runs.safecachedFailure instanceof UnsupportedOperationException,
          "safecached cannot start yet: " + runs.safecachedFailure);
      throw new AssertionError("safecached failed on " + script.name(), runs.safecachedFailure);
    }
    List<String> problems = new ArrayList<>();
    List<String> intended = new ArrayList<>();
    Set<String> missingStats = new LinkedHashSet<>();
    for (int i = 0; i < script.steps().size(); i++) {
      Script.Step step = script.steps().get(i);
      ScriptRunner.Outcome mc = runs.memcachedA.get(i);
      ScriptRunner.Outcome sc = runs.safecached.get(i);
      for (String stat : mc.statNames()) {
        if (!sc.statNames().contains(stat)) {
          missingStats.add(stat);
        }
      }
      boolean same = mc.compared().equals(sc.compared());
      if (step.differs() != null) {
        if (same) {
          problems.add("step " + step.index() + " \"" + step.name() + "\" (line " + step.line()
              + ") is marked '# differs: " + step.differs() + "' but safecached now answers like memcached: "
              + "remove the marker");
        } else {
          intended.add(describe(script, step, "memcached", mc.compared(), "safecached", sc.compared())
              + "\n  intended: " + step.differs());
        }
      } else if (!same) {
        problems.add(describe(script, step, "memcached", mc.compared(), "safecached", sc.compared()));
      }
    }
    StringBuilder report = new StringBuilder();
    report.append("# ").append(script.name()).append("\n\n");
    report.append("## differences\n").append(problems.isEmpty() ? "none\n" : String.join("\n", problems) + "\n");
    report.append("\n## intended differences (# differs:)\n")
        .append(intended.isEmpty() ? "none\n" : String.join("\n", intended) + "\n");
    report.append("\n## STAT names memcached printed and safecached did not\n")
        .append(missingStats.isEmpty() ? "none" : String.join(" ", missingStats)).append('\n');
    report.append("\n## transcripts\n").append(transcripts(runs));
    Files.writeString(OUT.resolve(script.name().replace(".txt", ".report.md")), report.toString());
    for (String d : intended) {
      reporter.publishEntry("intended difference", d);
    }
    if (!missingStats.isEmpty()) {
      reporter.publishEntry("stats memcached has and safecached lacks", String.join(" ", missingStats));
    }
    if (!problems.isEmpty()) {
      fail(script.name() + ": safecached differs from memcached in " + problems.size() + " step(s):\n"
          + String.join("\n", problems));
    }
  }

  private static String transcripts(Runs runs) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < runs.script.steps().size(); i++) {
      Script.Step step = runs.script.steps().get(i);
      sb.append("### step ").append(step.index()).append(" \"").append(step.name()).append("\" (line ")
          .append(step.line()).append(")\n");
      sb.append("sent:       ").append(step.describe()).append('\n');
      sb.append("memcached:  ").append(show(runs.memcachedA.get(i).compared())).append('\n');
      if (runs.safecached != null) {
        sb.append("safecached: ").append(show(runs.safecached.get(i).compared())).append('\n');
      }
    }
    return sb.toString();
  }

  private static String describe(Script script, Script.Step step, String leftName, String left, String rightName,
      String right) {
    return "- " + script.name() + " step " + step.index() + " \"" + step.name() + "\" (line " + step.line() + ")\n"
        + "  sent:       " + step.describe() + "\n"
        + "  " + pad(leftName) + show(left) + "\n"
        + "  " + pad(rightName) + show(right)
        + lineDiff(leftName, left, rightName, right);
  }

  /** For long multi-line replies (stats), the lines that differ, so the difference is easy to see. */
  private static String lineDiff(String leftName, String left, String rightName, String right) {
    String[] a = left.split("\r\n", -1);
    String[] b = right.split("\r\n", -1);
    if (a.length < 6 && b.length < 6) {
      return "";
    }
    StringBuilder sb = new StringBuilder("\n  lines that differ:");
    int shown = 0;
    for (int i = 0; i < Math.max(a.length, b.length) && shown < 8; i++) {
      String x = i < a.length ? a[i] : "<none>";
      String y = i < b.length ? b[i] : "<none>";
      if (!x.equals(y)) {
        sb.append("\n    line ").append(i + 1).append(": ").append(leftName).append(" ").append(show(x))
            .append(" | ").append(rightName).append(" ").append(show(y));
        shown++;
      }
    }
    return sb.toString();
  }

  private static String pad(String name) {
    return String.format("%-12s", name + ":");
  }

  private static String show(String s) {
    return Escapes.show(s.getBytes(StandardCharsets.ISO_8859_1), 1500);
  }

  /** The three runs of one script (two memcached processes, one safecached), done once, in parallel. */
  private static final class Runs {
    final Script script;
    List<ScriptRunner.Outcome> memcachedA;
    List<ScriptRunner.Outcome> memcachedB;
    List<ScriptRunner.Outcome> safecached;
    Throwable safecachedFailure;
    private Throwable memcachedFailure;
    private boolean done;

    Runs(Script script) {
      this.script = script;
    }

    synchronized void await() throws Exception {
      if (!done) {
        done = true;
        try {
          runAll();
        } catch (Exception | Error e) {
          memcachedFailure = e;
        }
      }
      if (memcachedFailure instanceof Exception e) {
        throw e;
      }
      if (memcachedFailure instanceof Error e) {
        throw e;
      }
    }

    private void runAll() throws Exception {
      String[] args = ServerFlags.memcachedArgs(script.flags());
      ExecutorService pool = Executors.newFixedThreadPool(3, r -> {
        Thread t = new Thread(r, "differential-" + script.name());
        t.setDaemon(true);
        return t;
      });
      try {
        Future<List<ScriptRunner.Outcome>> a = pool.submit(onMemcached(args));
        Future<List<ScriptRunner.Outcome>> b = pool.submit(onMemcached(args));
        Future<List<ScriptRunner.Outcome>> s = pool.submit(() -> {
          try (TestServer server = TestServer.start(ServerFlags.safecachedSettings(script.flags()))) {
            return new ScriptRunner(server.address()).run(script);
          }
        });
        memcachedA = get(a);
        memcachedB = get(b);
        try {
          safecached = s.get(SCRIPT_BOUND_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          safecachedFailure = e.getCause();
        } catch (TimeoutException e) {
          safecachedFailure = e;
        }
      } finally {
        pool.shutdownNow();
      }
    }

    private Callable<List<ScriptRunner.Outcome>> onMemcached(String[] args) {
      return () -> {
        try (MemcachedProcess mc = MemcachedProcess.start(args)) {
          return new ScriptRunner(mc.address()).run(script);
        }
      };
    }

    private static List<ScriptRunner.Outcome> get(Future<List<ScriptRunner.Outcome>> f)
        throws ExecutionException, InterruptedException, TimeoutException {
      try {
        return f.get(SCRIPT_BOUND_SECONDS, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof org.opentest4j.TestAbortedException aborted) {
          throw aborted;
        }
        if (e.getCause() instanceof IOException io) {
          throw new UncheckedIOException(io);
        }
        throw e;
      }
    }
  }
}
