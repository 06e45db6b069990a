package io.safecached.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.safecached.audit.target.TargetSet;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AuditorTest {
  private final Classifier classifier = new Classifier(CveDatabase.bundled(), Severity.MEDIUM, null,
      Clock.systemUTC());

  /** Completes probes only when told to, and records the most in flight at once. */
  private static final class ManualProber implements Prober {
    final List<CompletableFuture<Observation>> pending = new ArrayList<>();
    final AtomicInteger inFlight = new AtomicInteger();
    int maxInFlight;

    @Override
    public synchronized CompletableFuture<Observation> probe(Target target) {
      maxInFlight = Math.max(maxInFlight, inFlight.incrementAndGet());
      CompletableFuture<Observation> f = new CompletableFuture<>();
      pending.add(f);
      notifyAll();
      return f;
    }

    synchronized void completeNext(Observation o, int whenPending) throws InterruptedException {
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (pending.size() < whenPending && System.nanoTime() < deadline) {
        wait(100);
      }
      CompletableFuture<Observation> f = pending.remove(0);
      inFlight.decrementAndGet();
      f.complete(o);
    }

    @Override
    public void close() {}
  }

  @Test
  void boundsConcurrencyAndDeliversEveryResult() throws Exception {
    ManualProber prober = new ManualProber();
    Auditor a = new Auditor(prober, classifier, 3, x -> false, InetAddress::getByName);
    TargetSet set = TargetSet.parse(List.of("192.0.2.0/29"), List.of(11211), List.of(),
        InputStreamOfNothing.INSTANCE, 100);
    List<TargetResult> results = new ArrayList<>();
    CompletableFuture<Summary> run = CompletableFuture.supplyAsync(() ->
        a.run(set.iterator(), 8, results::add, AuditListener.NONE, null));
    for (int i = 0; i < 8; i++) {
      prober.completeNext(i == 5 ? Observations.wideOpen("1.4.0") : Observations.closed(), Math.min(3, 8 - i));
    }
    Summary s = run.get();
    assertThat(prober.maxInFlight).isEqualTo(3);
    assertThat(results).hasSize(8);
    assertThat(s.targets()).isEqualTo(8);
    assertThat(s.exposed()).isEqualTo(1);
    assertThat(s.exitCode()).isEqualTo(1);
    assertThat(results).extracting(TargetResult::index).containsExactlyInAnyOrder(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L);
  }

  @Test
  void unresolvableNamesAreErrorsAndExcludedAddressesSkipped() {
    Prober closed = new Prober() {
      @Override
      public CompletableFuture<Observation> probe(Target target) {
        return CompletableFuture.completedFuture(Observations.closed());
      }

      @Override
      public void close() {}
    };
    Auditor.Resolver resolver = h -> {
      if (h.equals("gone.invalid")) {
        throw new UnknownHostException(h);
      }
      return InetAddress.getByName("192.0.2.9");
    };
    Auditor a = new Auditor(closed, classifier, 2, addr -> addr.getHostAddress().equals("192.0.2.9"), resolver);
    TargetSet set = TargetSet.parse(List.of("gone.invalid", "cache.example", "192.0.2.1"), List.of(1), List.of(),
        InputStreamOfNothing.INSTANCE, 100);
    List<TargetResult> results = new ArrayList<>();
    Summary s = a.run(set.iterator(), 3, results::add, AuditListener.NONE, null);
    assertThat(s.errors()).isEqualTo(1);
    assertThat(s.skipped()).isEqualTo(1);
    assertThat(s.targets()).isEqualTo(2);
    assertThat(s.exitCode()).isEqualTo(3);
    assertThat(results).anySatisfy(r -> assertThat(r.error()).contains("cannot resolve gone.invalid"));
  }

  @Test
  void targetsThatAreNotPermittedAreNeverHandedToTheProber() throws Exception {
    List<String> asked = new ArrayList<>();
    Prober recording = new Prober() {
      @Override
      public synchronized CompletableFuture<Observation> probe(Target target) {
        asked.add(target.ip());
        return CompletableFuture.completedFuture(Observations.closed());
      }

      @Override
      public void close() {}
    };
    TargetSet given = TargetSet.parse(List.of("192.0.2.0/30"), List.of(1), List.of("192.0.2.1"),
        InputStreamOfNothing.INSTANCE, 100);
    List<Target> stream = new ArrayList<>();
    given.forEach(stream::add);
    stream.add(Target.remote("198.51.100.7", InetAddress.getByName("198.51.100.7"), 1)); // not given
    Auditor a = new Auditor(recording, classifier, 2, given::excluded, given::permits, InetAddress::getByName);
    List<TargetResult> results = new ArrayList<>();
    Summary s = a.run(stream.iterator(), stream.size(), results::add, AuditListener.NONE, null);
    assertThat(asked).containsExactlyInAnyOrder("192.0.2.0", "192.0.2.2", "192.0.2.3");
    assertThat(s.skipped()).isEqualTo(1);
    assertThat(s.errors()).isEqualTo(1);
    assertThat(results).anySatisfy(r -> assertThat(r.error()).contains("198.51.100.7 is not among the targets"));
  }

  @Test
  void maxDurationStopsAndMarksTheAuditIncomplete() {
    Prober never = new Prober() {
      @Override
      public CompletableFuture<Observation> probe(Target target) {
        return new CompletableFuture<>();
      }

      @Override
      public void close() {}
    };
    Auditor a = new Auditor(never, classifier, 2, x -> false, InetAddress::getByName);
    TargetSet set = TargetSet.parse(List.of("192.0.2.0/28"), List.of(1), List.of(), InputStreamOfNothing.INSTANCE,
        100);
    List<Long> progress = new ArrayList<>();
    Summary s = a.run(set.iterator(), 16, r -> { }, (d, t, e, n) -> progress.add(d), Duration.ofMillis(200));
    assertThat(s.incomplete()).contains("--max-duration");
    assertThat(s.targets()).isZero();
    assertThat(s.exitCode()).isEqualTo(3);
    assertThat(progress).isEmpty();
  }

  @Test
  void interruptionStopsTheAudit() {
    Prober never = new Prober() {
      @Override
      public CompletableFuture<Observation> probe(Target target) {
        return new CompletableFuture<>();
      }

      @Override
      public void close() {}
    };
    Auditor a = new Auditor(never, classifier, 1, x -> false, InetAddress::getByName);
    TargetSet set = TargetSet.parse(List.of("192.0.2.0/28"), List.of(1), List.of(), InputStreamOfNothing.INSTANCE,
        100);
    Thread.currentThread().interrupt();
    try {
      Summary s = a.run(set.iterator(), 16, r -> { }, AuditListener.NONE, null);
      assertThat(s.incomplete()).isEqualTo("interrupted");
      assertThat(s.exitCode()).isEqualTo(3);
    } finally {
      Thread.interrupted();
    }
  }

  /** An empty stdin. */
  static final class InputStreamOfNothing {
    static final java.io.InputStream INSTANCE = java.io.InputStream.nullInputStream();

    private InputStreamOfNothing() {}
  }
}
