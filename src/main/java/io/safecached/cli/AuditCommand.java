package io.safecached.cli;

import io.safecached.audit.Auditor;
import io.safecached.audit.Classifier;
import io.safecached.audit.CveDatabase;
import io.safecached.audit.Durations;
import io.safecached.audit.LocalListener;
import io.safecached.audit.LocalScanner;
import io.safecached.audit.Observation;
import io.safecached.audit.ProbeSettings;
import io.safecached.audit.Prober;
import io.safecached.audit.ReportWriter;
import io.safecached.audit.Scope;
import io.safecached.audit.Severity;
import io.safecached.audit.Summary;
import io.safecached.audit.Target;

import io.safecached.audit.UsageException;
import io.safecached.audit.target.Ports;
import io.safecached.audit.target.TargetSet;
import io.safecached.audit.probe.NettyProber;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code safecached audit}: finds exposed memcached-compatible servers the way CERTs probe them. */
@Command(name = "audit", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Probe memcached-compatible servers (memcached, safecached, others) for exposure: unauthenticated TCP,"
            + " UDP amplification, authentication, TLS, write access (opt-in) and versions in the affected range"
            + " of known CVEs. Sends only read-only probes, only to the targets given, rate-limited.",
        "",
        "TARGET: host, host:port, [v6]:port, IPv4/IPv6 CIDR, a.b.c.d-e.f.g.h, @file, or - (stdin); files and"
            + " stdin also take masscan -oL/-oJ, ZMap (addresses, CSV with header, JSON) and zgrab2 CSV."},
    footer = {"", "Exit codes: 0 nothing exposed, 1 something exposed (a finding at or above --fail-on),"
        + " 2 usage error, 3 the audit could not finish (interrupted, --max-duration, errors)."})
public final class AuditCommand implements Callable<Integer> {
  /** Exit code of a usage error: the audit keeps 2 (0 clean, 1 exposed, 2 usage, 3 incomplete) for CI and cron. */
  static final int EXIT_USAGE = 2;

  @Spec
  private CommandSpec spec;

  @Parameters(paramLabel = "TARGET", arity = "0..*", description = "What to audit (see above).")
  private List<String> targets = new ArrayList<>();

  @Option(names = {"-p", "--ports"}, paramLabel = "LIST", defaultValue = "11211",
      description = "Ports for targets without one: 11211,11212,20000-20010 (default: ${DEFAULT-VALUE}).")
  private String ports;

  @Option(names = "--local", description = "Audit this machine's own memcached/safecached processes (/proc).")
  private boolean local;

  @Option(names = "--passive", description = "With --local: judge from /proc and command lines only, send nothing.")
  private boolean passive;

  @Option(names = "--proc-root", paramLabel = "DIR", defaultValue = "/proc",
      description = "Where --local reads /proc from (default: ${DEFAULT-VALUE}).")
  private Path procRoot;

  @Option(names = "--exclude", paramLabel = "TARGET",
      description = "Never probe these addresses/ranges/CIDRs (repeatable; @file allowed).")
  private List<String> excludes = new ArrayList<>();

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
      description = "table, json (JSON Lines), csv or html (default: ${DEFAULT-VALUE}).")
  private String format;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the report here instead of stdout.")
  private Path output;

  @Option(names = "--all", description = "List closed and silent targets too (always listed up to 16 targets).")
  private boolean all;

  @Option(names = "--fail-on", paramLabel = "SEVERITY", defaultValue = "medium",
      description = "Exposed = a finding at or above this: info, low, medium, high, critical (default: "
          + "${DEFAULT-VALUE}).")
  private String failOn;

  @Option(names = "--scope", paramLabel = "SCOPE", defaultValue = "auto",
      description = "Judge every target as loopback, private or public instead of by its address (auto);"
          + " for audits through tunnels or port forwards (default: ${DEFAULT-VALUE}).")
  private String scope;

  @Option(names = "--write-check", description = "Prove write access: set a random key (1 s TTL), read it back,"
      + " delete it. Off by default.")
  private boolean writeCheck;

  @Option(names = "--no-udp", description = "Skip the UDP probe.")
  private boolean noUdp;

  @Option(names = "--concurrency", paramLabel = "N",
      description = "Targets probed at once (default: enough to keep up with --rate while probes wait out"
          + " --timeout: rate x timeout x (1 + retries), at least 64, at most what the open-file limit allows).")
  private Integer concurrency;

  @Option(names = "--rate", paramLabel = "N", defaultValue = "100",
      description = "Probes (connections or datagrams) per second, at most (default: ${DEFAULT-VALUE}).")
  private double rate;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "3s",
      description = "Per probe: connect plus reply, e.g. 500ms, 3s (default: ${DEFAULT-VALUE}).")
  private String timeout;

  @Option(names = "--retries", paramLabel = "N", defaultValue = "1",
      description = "Extra attempts for probes that got no answer at all (default: ${DEFAULT-VALUE}).")
  private int retries;

  @Option(names = "--max-targets", paramLabel = "N", defaultValue = "65536",
      description = "Refuse inputs that expand to more targets (address x port) than this (default:"
          + " ${DEFAULT-VALUE}).")
  private long maxTargets;

  @Option(names = "--max-duration", paramLabel = "DURATION",
      description = "Stop after this long and report what was finished (exit code 3).")
  private String maxDuration;

  @Option(names = "--progress", negatable = true,
      description = "Draw progress on stderr (default: only when stderr is a terminal); --no-progress never.")
  private Boolean progress;

  private InputStream stdin = System.in;
  private BooleanSupplier terminal = AuditCommand::stderrIsTerminal;
  private Function<ProbeSettings, Prober> probers = NettyProber::new;
  private Auditor.Resolver resolver = InetAddress::getByName;
  private Clock clock = Clock.systemUTC();

  /** Replaces the host-name resolver (tests resolve without DNS). */
  void resolver(Auditor.Resolver r) {
    this.resolver = r;
  }

  /** Replaces the network prober (tests record what would have been probed). */
  void probers(Function<ProbeSettings, Prober> factory) {
    this.probers = factory;
  }

  /**
   * True when file descriptor 2 is a terminal, whatever stdout is ({@code > scan.jsonl} keeps the progress):
   * on Linux /proc/self/fd/2 names a tty or pty; elsewhere only {@link System#console()} can tell.
   */
  static boolean stderrIsTerminal() {
    try {
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return System.console() != null;
    }
  }

  /** Replaces stdin (tests). */
  void stdin(InputStream in) {
    this.stdin = in;
  }

  /** Replaces the "stderr is a terminal" test (tests). */
  void terminal(BooleanSupplier t) {
    this.terminal = t;
  }

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    Settings s;
    try {
      s = validate();
    } catch (UsageException | IllegalArgumentException e) {
      err.println("safecached audit: " + e.getMessage());
      err.flush();
      return EXIT_USAGE;
    }
    PrintWriter out;
    try {
      out = output == null ? spec.commandLine().getOut()
          : new PrintWriter(new OutputStreamWriter(Files.newOutputStream(output), StandardCharsets.UTF_8));
    } catch (IOException e) {
      err.println("safecached audit: cannot write " + output + ": " + e.getMessage());
      err.flush();
      return EXIT_USAGE;
    }
    try {
      return run(s, out, err);
    } catch (RuntimeException e) {
      err.println("safecached audit: internal error: " + e);
      err.flush();
      return 3;
    } finally {
      if (output != null) {
        out.close();
      }
    }
  }

  private record Settings(TargetSet remote, List<Target> localTargets, long planned, ProbeSettings probe,
                          Severity failOn, Scope scope, Duration maxDuration, int concurrency,
                          ReportWriter.Context context) {}

  /** The arguments of this command: those after {@code audit} when run as {@code safecached audit ...}. */
  private List<String> ownArgs() {
    List<String> all = spec.commandLine().getParseResult().originalArgs();
    if (spec.commandLine().getParent() != null) {
      int at = all.indexOf(spec.name());
      if (at >= 0) {
        return all.subList(at + 1, all.size());
      }
    }
    return all;
  }

  /**
   * Targets in flight that keep up with {@code rate} even when every probe waits out its timeout: rate x timeout
   * x attempts, at least 64, at most 65536 and at most a third of the open-file limit (a target holds up to three
   * sockets at once). Politeness stays with the rate, which bounds how many probes start per second.
   */
  static int autoConcurrency(double rate, Duration timeout, int retries) {
    double want = rate * (timeout.toNanos() / 1e9) * (1 + retries);
    long fdRoom = 65536 * 3;
    if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
      fdRoom = Math.max(3 * 64, unix.getMaxFileDescriptorCount() - unix.getOpenFileDescriptorCount() - 256);
    }
    return (int) Math.max(64, Math.min(Math.min(65536, fdRoom / 3), Math.ceil(want)));
  }

  private Settings validate() {
    if (targets.isEmpty() && !local) {
      throw new UsageException("give at least one TARGET, or --local (see --help)");
    }
    if (passive && !local) {
      throw new UsageException("--passive only applies to --local");
    }
    if (concurrency != null && (concurrency < 1 || concurrency > 65536)) {
      throw new UsageException("--concurrency must be between 1 and 65536");
    }
    if (!(rate > 0)) {
      throw new UsageException("--rate must be positive");
    }
    if (retries < 0 || retries > 10) {
      throw new UsageException("--retries must be between 0 and 10");
    }
    if (maxTargets < 1) {
      throw new UsageException("--max-targets must be at least 1");
    }
    Severity fail = Severity.parse(failOn);
    Scope sc = scope.equalsIgnoreCase("auto") ? null : Scope.parse(scope);
    Duration to = Durations.parse(timeout, "--timeout");
    Duration max = maxDuration == null ? null : Durations.parse(maxDuration, "--max-duration");
    ReportWriter.forFormat(format, new PrintWriter(PrintWriter.nullWriter()));
    TargetSet remote = TargetSet.parse(targets, Ports.parse(ports), excludes, stdin, maxTargets);
    BigInteger size = remote.size();
    List<Target> localTargets = List.of();
    if (local) {
      try {
        List<LocalListener> found = new LocalScanner(procRoot).listeners();
        localTargets = LocalScanner.targets(found);
      } catch (IOException e) {
        throw new UsageException("--local: " + e.getMessage());
      }
      size = size.add(BigInteger.valueOf(localTargets.size()));
    }
    if (size.compareTo(BigInteger.valueOf(maxTargets)) > 0) {
      throw new UsageException("the targets expand to " + size + " address/port pairs, more than --max-targets "
          + maxTargets + "; narrow them or raise --max-targets");
    }
    ProbeSettings probe = new ProbeSettings(to, retries, rate, writeCheck, ProbeSettings.DEFAULT_MAX_REPLY_BYTES);
    int inFlight = concurrency != null ? concurrency : autoConcurrency(rate, to, retries);
    String command = "safecached audit " + String.join(" ", ownArgs());
    return new Settings(remote, localTargets, size.longValueExact(), probe, fail, sc, max, inFlight,
        new ReportWriter.Context(clock.instant(), fail, command, size.longValueExact(), all));
  }

  private int run(Settings s, PrintWriter out, PrintWriter err) {
    ReportWriter writer = ReportWriter.forFormat(format, out);
    Classifier classifier = new Classifier(CveDatabase.bundled(), s.failOn(), s.scope(), clock);
    Progress progress = (this.progress != null ? this.progress : terminal.getAsBoolean()) ? new Progress(err) : null;
    Iterator<Target> remote = s.remote().iterator();
    Iterator<Target> it = s.localTargets().isEmpty() ? remote : concat(s.localTargets().iterator(), remote);
    if (noUdp) {
      Iterator<Target> base = it;
      it = new Iterator<>() {
        @Override
        public boolean hasNext() {
          return base.hasNext();
        }

        @Override
        public Target next() {
          Target t = base.next();
          return t.tcp() ? t.withProtocols(true, false) : t;
        }
      };
    }
    writer.begin(s.context());
    Thread self = Thread.currentThread();
    CountDownLatch finished = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      // SIGINT/SIGTERM during a scan: stop it, let the report be written, and exit with 3 (not 130).
      self.interrupt();
      try {
        finished.await(3, TimeUnit.SECONDS);
      } catch (InterruptedException ignored) {
        Thread.currentThread().interrupt();
      }
      Runtime.getRuntime().halt(3);
    }, "audit-interrupt");
    Runtime.getRuntime().addShutdownHook(hook);
    Summary summary;
    try (Prober prober = passive ? new PassiveProber() : probers.apply(s.probe())) {
      Auditor auditor = new Auditor(prober, classifier, s.concurrency(), s.remote()::excluded, s.remote()::permits,
          resolver);
      summary = auditor.run(it, s.planned(), writer::result,
          progress == null ? io.safecached.audit.AuditListener.NONE : progress, s.maxDuration());
      if (progress != null) {
        progress.clear();
      }
      writer.end(summary);
    } finally {
      finished.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running; it halts with 3
      }
    }
    if (summary.incomplete() != null) {
      err.println("safecached audit: incomplete: " + summary.incomplete());
    }
    if (!format.equalsIgnoreCase("table") || output != null) {
      err.println(summaryLine(summary));
    }
    err.flush();
    return summary.exitCode();
  }

  static String summaryLine(Summary s) {
    return String.format(Locale.ROOT, "safecached audit: %,d of %,d targets audited, %,d exposed, %,d errors%s; %s",
        s.targets(), s.planned(), s.exposed(), s.errors(),
        s.skipped() > 0 ? String.format(Locale.ROOT, ", %,d excluded", s.skipped()) : "",
        Durations.human(s.elapsed()));
  }

  private static <T> Iterator<T> concat(Iterator<T> a, Iterator<T> b) {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return a.hasNext() || b.hasNext();
      }

      @Override
      public T next() {
        return a.hasNext() ? a.next() : b.next();
      }
    };
  }

  /** {@code --local --passive}: nothing is sent; the classifier judges from /proc and the command line. */
  private static final class PassiveProber implements Prober {
    @Override
    public CompletableFuture<Observation> probe(Target target) {
      return CompletableFuture.completedFuture(new Observation(null, null, null, null, null, null));
    }

    @Override
    public void close() {}
  }

  /** The progress bar on stderr: counts, percentage, exposed, ETA; redrawn at most five times a second. */
  static final class Progress implements io.safecached.audit.AuditListener {
    private final PrintWriter err;
    private long lastDraw;
    private int width;

    Progress(PrintWriter err) {
      this.err = err;
    }

    @Override
    public void progress(long done, long total, long exposed, long elapsedNanos) {
      if (done < total && elapsedNanos - lastDraw < 200_000_000L) {
        return;
      }
      lastDraw = elapsedNanos;
      String line = render(done, total, exposed, elapsedNanos);
      width = Math.max(width, line.length());
      err.print("\r" + line);
      err.flush();
    }

    /** One progress line: bar, done of total, percentage, exposed so far, targets per second, time left. */
    static String render(long done, long total, long exposed, long elapsedNanos) {
      int bar = 24;
      double frac = total <= 0 ? 1 : Math.min(1, (double) done / total);
      int fill = (int) Math.round(frac * bar);
      double seconds = elapsedNanos / 1e9;
      double perSecond = seconds > 0 ? done / seconds : 0;
      String eta = "ETA --";
      if (done >= total) {
        eta = "done";
      } else if (done > 0 && perSecond > 0) {
        eta = "ETA " + Durations.human(Duration.ofMillis((long) ((total - done) / perSecond * 1000)));
      }
      String rate = String.format(Locale.ROOT, perSecond < 10 ? "%.1f/s" : "%,.0f/s", perSecond);
      return String.format(Locale.ROOT, "[%s%s] %,d of %,d %3d%%  exposed %,d  %s  %s", "#".repeat(fill),
          ".".repeat(bar - fill), done, total, (int) (frac * 100), exposed, rate, eta);
    }

    void clear() {
      if (width > 0) {
        err.print("\r" + " ".repeat(width) + "\r");
        err.flush();
      }
    }
  }
}
