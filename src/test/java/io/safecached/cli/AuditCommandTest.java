package io.safecached.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.safecached.audit.Json;
import io.safecached.audit.ProcFixture;
import io.safecached.testsupport.MemcachedProcess;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The audit command line without real servers: usage errors, exit codes, --local from fixture files. */
class AuditCommandTest {
  /** One run's exit code and output. */
  record Run(int code, String out, String err) {}

  static Run run(AuditCommand cmd, String... args) {
    return runLikeMain(cmd, args);
  }

  /** Runs {@code safecached audit ARGS} with the command line set up exactly as {@link Main} sets it up. */
  static Run runLikeMain(AuditCommand cmd, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new Main.Top());
    cl.addSubcommand(cmd);
    Main.configure(cl);
    String[] full = new String[args.length + 1];
    full[0] = "audit";
    System.arraycopy(args, 0, full, 1, args.length);
    cl.setExpandAtFiles(Main.expandAtFiles(cl, full));
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(full);
    return new Run(code, out.toString(), err.toString());
  }

  static Run run(String... args) {
    return run(command(), args);
  }

  /**
   * An audit command for in-process tests: stderr is not a terminal, host names resolve without DNS (only
   * {@code localhost}), and the real prober is wrapped so that a non-loopback address fails the run before a
   * packet is sent. Tests that record instead of probing replace the prober.
   */
  static AuditCommand command() {
    AuditCommand cmd = new AuditCommand();
    cmd.terminal(() -> false);
    cmd.resolver(h -> {
      if (h.equalsIgnoreCase("localhost")) {
        return java.net.InetAddress.getLoopbackAddress();
      }
      throw new java.net.UnknownHostException(h + " (tests resolve only localhost)");
    });
    cmd.probers(s -> new LoopbackOnlyProber(new io.safecached.audit.probe.NettyProber(s)));
    return cmd;
  }

  /** Real probes, to loopback only: any other address throws before the real prober sees it. */
  static final class LoopbackOnlyProber implements io.safecached.audit.Prober {
    private final io.safecached.audit.Prober real;

    LoopbackOnlyProber(io.safecached.audit.Prober real) {
      this.real = real;
    }

    @Override
    public java.util.concurrent.CompletableFuture<io.safecached.audit.Observation> probe(io.safecached.audit.Target t) {
      if (!t.address().isLoopbackAddress()) {
        throw new IllegalStateException("a test tried to probe " + t.address() + ", which is not loopback");
      }
      return real.probe(t);
    }

    @Override
    public void close() {
      real.close();
    }
  }

  @Test
  void usageErrorsExitWithTwo() {
    assertThat(run().code()).isEqualTo(2);
    assertThat(run().err()).contains("give at least one TARGET");
    assertThat(run("--ports", "0", "127.0.0.1").code()).isEqualTo(2);
    assertThat(run("--format", "xml", "127.0.0.1").err()).contains("unknown --format");
    assertThat(run("--passive", "127.0.0.1").code()).isEqualTo(2);
    assertThat(run("--timeout", "soon", "127.0.0.1").code()).isEqualTo(2);
    assertThat(run("--fail-on", "bad", "127.0.0.1").code()).isEqualTo(2);
    assertThat(run("--scope", "moon", "127.0.0.1").code()).isEqualTo(2);
    assertThat(run("--no-such-option", "127.0.0.1").code()).isEqualTo(2);
    assertThat(run("not a host").code()).isEqualTo(2);
  }

  @Test
  void hugeExpansionsAreRefusedUnlessRaised() {
    Run r = run("10.0.0.0/8");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("16777216", "--max-targets 65536");
    assertThat(run("--ports", "1-4", "--max-targets", "7", "127.0.0.0/31").err()).contains("expand to 8");
  }

  @Test
  void helpListsTheOptionsAndExitCodes() {
    Run r = run("--help");
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("--write-check", "--local", "--max-targets", "--rate", "Exit codes");
  }

  @Test
  void closedPortIsNotExposedAndNoProgressWhenPiped() throws Exception {
    int port = MemcachedProcess.freePort();
    Run r = run("--timeout", "1s", "--retries", "0", "--format", "json", "127.0.0.1:" + port);
    assertThat(r.code()).isZero();
    Map<?, ?> line = (Map<?, ?>) Json.parse(r.out());
    assertThat(line.get("tcp")).isEqualTo("closed");
    assertThat(line.get("tcp_open")).isEqualTo(false);
    assertThat(line.get("udp")).isEqualTo("closed");
    assertThat(line.get("exposed")).isEqualTo(false);
    assertThat(line.get("findings")).isEqualTo(List.of());
    assertThat(r.err()).doesNotContain("\r").doesNotContain("ETA");
  }

  @Test
  void progressIsDrawnOnATerminal() throws Exception {
    AuditCommand cmd = command();
    cmd.terminal(() -> true);
    int port = MemcachedProcess.freePort();
    Run r = run(cmd, "--timeout", "1s", "--retries", "0", "--no-udp", "127.0.0.1:" + port);
    assertThat(r.err()).contains("\r[########################] 1 of 1 100%", "done");
    assertThat(AuditCommand.Progress.render(5, 20, 1, 10_000_000_000L)).isEqualTo(
        "[######..................] 5 of 20  25%  exposed 1  0.5/s  ETA 30s");
    assertThat(AuditCommand.Progress.render(1000, 65536, 0, 2_000_000_000L)).isEqualTo(
        "[........................] 1,000 of 65,536   1%  exposed 0  500/s  ETA 2m09s");
  }

  @Test
  void unresolvableHostExitsWithThree() {
    Run r = run("--timeout", "1s", "--retries", "0", "--format", "csv", "no-such-host.invalid");
    assertThat(r.code()).isEqualTo(3);
    assertThat(r.out()).contains("cannot resolve no-such-host.invalid");
  }

  @Test
  void targetsFromStdin() throws Exception {
    AuditCommand cmd = command();
    AuditProbedAddressesTest.RecordingProber prober = new AuditProbedAddressesTest.RecordingProber();
    cmd.probers(s -> prober);
    cmd.stdin(new ByteArrayInputStream("open tcp 21212 127.0.0.1 1699123456\n".getBytes(StandardCharsets.UTF_8)));
    Run r = run(cmd, "--format", "json", "-");
    assertThat(r.code()).isZero();
    assertThat(((Map<?, ?>) Json.parse(r.out())).get("port")).isEqualTo(21212L);
    assertThat(prober.addresses()).containsExactly("127.0.0.1:21212");
  }

  @Test
  void localPassiveReadsTheFixtureProcTree(@TempDir Path dir) throws Exception {
    ProcFixture.write(dir, 0);
    Run r = run("--local", "--passive", "--proc-root", dir.toString(), "--format", "json");
    assertThat(r.code()).as(r.err()).isEqualTo(1);
    List<Object> lines = Json.parseAll(r.out());
    assertThat(lines).hasSize(4);
    Map<?, ?> wildcardTcp = lines.stream().map(o -> (Map<?, ?>) o)
        .filter(m -> m.get("host").equals("0.0.0.0") && m.get("tcp_open").equals(true)).findFirst().orElseThrow();
    assertThat(wildcardTcp.get("source")).isEqualTo("local");
    assertThat(wildcardTcp.get("scope")).isEqualTo("all-interfaces");
    assertThat(wildcardTcp.get("exposed")).isEqualTo(true);
    assertThat(wildcardTcp.get("findings").toString()).contains("MC-TCP-UNAUTHENTICATED", "MC-LISTEN-ALL-INTERFACES");
    assertThat(((Map<?, ?>) wildcardTcp.get("local")).get("pid")).isEqualTo(100L);
    Map<?, ?> loopback = lines.stream().map(o -> (Map<?, ?>) o).filter(m -> m.get("host").equals("::1"))
        .findFirst().orElseThrow();
    assertThat(loopback.get("exposed")).isEqualTo(false);
    assertThat(loopback.get("product")).isEqualTo("safecached");

    Run table = run("--local", "--passive", "--proc-root", dir.toString());
    assertThat(table.out()).contains("0.0.0.0:11211", "all-interfaces", "MC-UDP-AMPLIFICATION",
        "amplification not measured (--passive)", "fix: Turn UDP off with -U 0");
  }

  @Test
  void localWithoutProcIsAUsageError(@TempDir Path dir) {
    assertThat(run("--local", "--proc-root", dir.resolve("missing").toString()).code()).isEqualTo(2);
  }

  @Test
  void timeoutsNeedAUnitAndDurationsPrintAsPeopleWriteThem() {
    Run r = run("--timeout", "3", "127.0.0.1");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--timeout '3' needs a unit");
    assertThat(run("--max-duration", "15", "127.0.0.1").err()).contains("--max-duration '15' needs a unit");
    assertThat(io.safecached.audit.Durations.human(java.time.Duration.ofSeconds(15))).isEqualTo("15s");
    assertThat(io.safecached.audit.Durations.human(java.time.Duration.ofSeconds(150))).isEqualTo("2m30s");
    assertThat(io.safecached.audit.Durations.human(java.time.Duration.ofMillis(700))).isEqualTo("0.7s");
    assertThat(io.safecached.audit.Durations.human(java.time.Duration.ofMinutes(65))).isEqualTo("1h05m");
    assertThat(io.safecached.audit.Durations.parse("2m30s", "--x")).isEqualTo(java.time.Duration.ofSeconds(150));
    assertThat(io.safecached.audit.Durations.parse("500ms", "--x")).isEqualTo(java.time.Duration.ofMillis(500));
  }

  @Test
  void htmlHeaderNamesTheCommandOnceAndSummariesSayNofM() {
    AuditCommand cmd = command();
    cmd.probers(s -> new AuditProbedAddressesTest.RecordingProber());
    Run r = runLikeMain(cmd, "--format", "html", "--exclude", "127.0.0.3", "127.0.0.0/30");
    assertThat(r.out()).contains("Command: <code>safecached audit --format html --exclude 127.0.0.3 127.0.0.0/30</code>")
        .doesNotContain("audit audit").contains("Summary: 3 of 4 targets audited");
    assertThat(r.err()).contains("safecached audit: 3 of 4 targets audited, 0 exposed, 0 errors, 1 excluded; ");
  }

  @Test
  void progressFollowsTheFlagsAndTheTerminal() {
    AuditCommand forced = command();
    forced.probers(s -> new AuditProbedAddressesTest.RecordingProber());
    assertThat(run(forced, "--progress", "--format", "json", "127.0.0.1").err()).contains("1 of 1 100%");
    AuditCommand off = command();
    off.terminal(() -> true);
    off.probers(s -> new AuditProbedAddressesTest.RecordingProber());
    assertThat(run(off, "--no-progress", "--format", "json", "127.0.0.1").err()).doesNotContain("\r");
  }

  @Test
  void passiveCountsNothingAsAnswered(@TempDir Path dir) throws Exception {
    ProcFixture.write(dir, 0);
    Run r = run("--local", "--passive", "--proc-root", dir.toString());
    assertThat(r.out()).contains(" 0 answered");
    // one row per process, with pid, program, the user it runs as and every listener
    assertThat(r.out()).containsPattern("(?m)^PID +PROGRAM +USER +LISTENERS")
        .containsPattern("(?m)^100 +memcached +(nobody|65534) +tcp 0\\.0\\.0\\.0:11211, udp 0\\.0\\.0\\.0:11211 +all-interfaces")
        .containsPattern("(?m)^200 +memcached +root +tcp 127\\.0\\.0\\.1:20410 ");
  }

  @Test
  void atFilesAreExpandedForTheOtherCommandsOnly() {
    CommandLine cl = new CommandLine(new Main.Top());
    cl.addSubcommand(new AuditCommand());
    cl.addSubcommand("serve", new CommandLine(new Main.Top()));
    assertThat(Main.expandAtFiles(cl, new String[] {"audit", "@targets.txt"})).isFalse();
    assertThat(Main.expandAtFiles(cl, new String[] {"@args.txt"})).isFalse();
    assertThat(Main.expandAtFiles(cl, new String[] {"serve", "@args.txt"})).isTrue();
  }

  @Test
  void concurrencyFollowsTheRateUnlessGiven() {
    java.time.Duration three = java.time.Duration.ofSeconds(3);
    assertThat(AuditCommand.autoConcurrency(100, three, 1)).isEqualTo(600);
    assertThat(AuditCommand.autoConcurrency(10, java.time.Duration.ofSeconds(1), 0)).isEqualTo(64);
    assertThat(AuditCommand.autoConcurrency(1_000_000, three, 1)).isBetween(64, 65536);
  }

  @Test
  void theTestGuardStopsAProbeToANonLoopbackAddressBeforeItIsSent() {
    Run r = run("--no-udp", "--format", "json", "192.0.2.1:11211"); // TEST-NET-1: never reached, the guard throws
    assertThat(r.code()).isEqualTo(3);
    assertThat(r.err()).contains("192.0.2.1", "not loopback");
  }
}
