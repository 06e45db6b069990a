package io.safecached.audit;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Runs an audit: pulls targets lazily from an iterator, resolves names, keeps at most {@code concurrency}
 * targets in flight, hands each to the {@link Prober} (which applies the rate limit per probe), classifies
 * what comes back and passes results to the sink one at a time. Stops early when interrupted or when
 * {@code maxDuration} has passed; the summary then says why.
 */
public final class Auditor {
  /** Resolves a host name. */
  @FunctionalInterface
  public interface Resolver {
    InetAddress resolve(String host) throws UnknownHostException;
  }

  /** Host names resolved at once (each lookup blocks a thread of its own). */
  private static final int RESOLVER_THREADS = 8;
  private final Prober prober;
  private final Classifier classifier;
  private final int concurrency;
  private final Predicate<InetAddress> excluded;
  private final Predicate<Target> permitted;
  private final Resolver resolver;

  /** An auditor that probes every target that is not excluded (tests). */
  public Auditor(Prober prober, Classifier classifier, int concurrency, Predicate<InetAddress> excluded,
                 Resolver resolver) {
    this(prober, classifier, concurrency, excluded, t -> true, resolver);
  }

  /**
   * An auditor that hands the prober only targets {@code permitted} accepts (once their names are resolved);
   * any other target becomes an error result and is never probed.
   */
  public Auditor(Prober prober, Classifier classifier, int concurrency, Predicate<InetAddress> excluded,
                 Predicate<Target> permitted, Resolver resolver) {
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency must be at least 1");
    }
    this.prober = prober;
    this.classifier = classifier;
    this.concurrency = concurrency;
    this.excluded = excluded;
    this.permitted = permitted;
    this.resolver = resolver;
  }

  /**
   * Audits every target. {@code sink} and {@code listener} are called under one lock, never after this returns.
   *
   * @param planned      how many targets the iterator yields (for progress)
   * @param maxDuration  stop after this long (null = no limit)
   */
  public Summary run(Iterator<Target> targets, long planned, Consumer<TargetResult> sink, AuditListener listener,
                     Duration maxDuration) {
    long start = System.nanoTime();
    long deadline = maxDuration == null ? Long.MAX_VALUE : start + maxDuration.toNanos();
    Semaphore permits = new Semaphore(concurrency);
    Summary.Tally tally = new Summary.Tally();
    Object lock = new Object();
    boolean[] open = {true};
    long index = 0;
    AtomicLong skipped = new AtomicLong();
    String incomplete = null;
    ExecutorService resolvers = Executors.newFixedThreadPool(RESOLVER_THREADS, r -> {
      Thread th = new Thread(r, "audit-resolve");
      th.setDaemon(true);
      return th;
    });
    ExecutorService reporter = Executors.newSingleThreadExecutor(r -> {
      Thread th = new Thread(r, "audit-report");
      th.setDaemon(true);
      return th;
    });
    Consumer<TargetResult> deliver = r -> {
      synchronized (lock) {
        if (open[0]) {
          tally.add(r);
          sink.accept(r);
          listener.progress(tally.targets(), planned, tally.exposed(), System.nanoTime() - start);
        }
      }
    };
    try {
      while (targets.hasNext()) {
        if (Thread.currentThread().isInterrupted()) {
          throw new InterruptedException();
        }
        if (!acquire(permits, 1, deadline)) {
          incomplete = "stopped after --max-duration " + Durations.human(maxDuration);
          break;
        }
        Target t = targets.next();
        long i = index++;
        if (t.address() != null) {
          dispatch(i, t, permits, skipped, deliver, reporter);
        } else {
          // a name is resolved off this thread, so a slow resolver holds up only its own target
          Target named = t;
          resolvers.execute(() -> {
            Target resolved;
            try {
              resolved = named.withAddress(resolver.resolve(named.host()));
            } catch (UnknownHostException | SecurityException e) {
              deliver.accept(classifier.classify(i, named, Observation.error("cannot resolve " + named.host())));
              permits.release();
              return;
            }
            dispatch(i, resolved, permits, skipped, deliver, reporter);
          });
        }
      }
      if (incomplete == null && !acquire(permits, concurrency, deadline)) {
        incomplete = "stopped after --max-duration " + Durations.human(maxDuration);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      incomplete = "interrupted";
    } catch (RuntimeException e) {
      incomplete = "internal error: " + e;
    }
    reporter.shutdown();
    resolvers.shutdownNow();
    synchronized (lock) {
      open[0] = false;
      return tally.summary(planned, skipped.get(), incomplete, Duration.ofNanos(System.nanoTime() - start));
    }
  }

  /** Probes a target whose address is known, unless it is excluded (counted) or not permitted (an error). */
  private void dispatch(long i, Target t, Semaphore permits, AtomicLong skipped, Consumer<TargetResult> deliver,
                        ExecutorService reporter) {
    if (excluded.test(t.address())) {
      skipped.incrementAndGet();
      permits.release();
      return;
    }
    if (!permitted.test(t)) {
      deliver.accept(classifier.classify(i, t, Observation.error("internal error: " + t.ip()
          + " is not among the targets given; not probed")));
      permits.release();
      return;
    }
    prober.probe(t).whenCompleteAsync((obs, ex) -> {
      try {
        Observation o = ex == null ? obs : Observation.error("internal error: " + ex);
        deliver.accept(classifier.classify(i, t, o));
      } finally {
        permits.release();
      }
    }, reporter);
  }

  private static boolean acquire(Semaphore s, int n, long deadline) throws InterruptedException {
    if (deadline == Long.MAX_VALUE) {
      s.acquire(n);
      return true;
    }
    long left = deadline - System.nanoTime();
    return left > 0 && s.tryAcquire(n, left, TimeUnit.NANOSECONDS);
  }
}
