package io.safecached.differential;

import io.safecached.testsupport.MemcachedProcess;
import io.safecached.testsupport.TestServer;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sends the same seeded random sequence of requests ({@link FuzzOps}) to memcached and to safecached, one
 * connection each, and compares the replies step by step after {@link Normaliser} (CAS values numbered by order of
 * appearance) and the rounding of TTLs left. A sequence stops at its first divergence (the two caches may hold
 * different items from then on); the divergence is minimised by delta debugging over the requests before it,
 * each candidate replayed from scratch under a fresh key prefix, checked once more on a new memcached and a new
 * safecached (a divergence that needs what earlier sequences left in the servers is "not reproducible"), once
 * more with each incr/decr/ma sent a while after the request before it (one that then goes away depends on
 * memcached's LRU maintainer holding items, "gone when paced"), and then printed as a differential script.
 */
final class DifferentialFuzzer {
  /** What one comparison of one sequence found. */
  record Divergence(String kind, List<FuzzOps.Op> reproducer, int step, String memcached, String safecached,
      boolean binary) {
    /** The reproducer as a differential script (keys without prefix), ready to paste into src/test/resources. */
    String script() {
      StringBuilder sb = new StringBuilder("# found by the differential fuzzer: ").append(kind).append('\n');
      if (binary) {
        sb.append("# protocol: binary\n");
      }
      for (int i = 0; i < reproducer.size(); i++) {
        FuzzOps.Op op = reproducer.get(i);
        sb.append("\n=== ").append(i + 1).append(' ').append(op.verb()).append('\n').append(op.render(""))
            .append('\n');
      }
      return sb.toString();
    }

    /** The request that diverged, rendered without prefix. */
    String sent() {
      return reproducer.get(step).render("");
    }
  }

  /** The start of the kind of a divergence that did not come back when its requests were replayed. */
  static final String NOT_REPRODUCIBLE = "not reproducible: ";
  /** The start of the kind of a divergence that goes away when arithmetic requests wait {@link #PACE_MILLIS}. */
  static final String MEMCACHED_TIMING = "gone when paced: ";
  /** Longer than memcached's LRU maintainer sleeps when idle (1 s), after which it has drained its bump queue. */
  static final int PACE_MILLIS = 1100;

  private final InetSocketAddress memcached;
  private final InetSocketAddress safecached;
  private final ExecutorService pool = Executors.newFixedThreadPool(2, r -> {
    Thread t = new Thread(r, "differential-fuzzer");
    t.setDaemon(true);
    return t;
  });
  private final AtomicLong runs = new AtomicLong();
  private final AtomicLong operations = new AtomicLong();
  private final AtomicLong compared = new AtomicLong();

  /** The server flags both sides run with (see {@link ServerFlags}); fresh servers get them too. */
  private final List<String> flags;

  DifferentialFuzzer(InetSocketAddress memcached, InetSocketAddress safecached) {
    this(memcached, safecached, List.of());
  }

  /** A fuzzer for servers started with {@code flags} (memcached's, mapped by {@link ServerFlags}). */
  DifferentialFuzzer(InetSocketAddress memcached, InetSocketAddress safecached, List<String> flags) {
    this.memcached = memcached;
    this.safecached = safecached;
    this.flags = List.copyOf(flags);
  }

  /** Requests sent to each server so far, minimisation replays included. */
  long operations() {
    return operations.get();
  }

  /** Requests whose replies were compared so far: each sequence up to its first divergence. */
  long compared() {
    return compared.get();
  }

  /** The outcome of one replay: the index of the first divergent step (-1 for none) and the two replies. */
  private record Replay(int step, String memcached, String safecached, String kind) {}

  /**
   * Runs one seeded sequence of {@code length} requests; returns its first divergence, minimised, or null.
   */
  Divergence fuzz(long seed, int length, boolean binary) throws Exception {
    Random random = new Random(seed);
    List<FuzzOps.Op> ops = binary ? FuzzOps.binarySequence(random, length) : FuzzOps.textSequence(random, length);
    if (flags.contains("-C")) {
      // without CAS memcached's flush also drops what is stored after it in the same second of its own clock,
      // which ticks out of phase with safecached's: which items survive would depend on timing, not on the server
      ops = new ArrayList<>(ops);
      ops.removeIf(op -> op.verb().startsWith("flush"));
    }
    Replay first = replay(ops, binary);
    compared.addAndGet(first.step < 0 ? ops.size() : first.step + 1);
    if (first.step < 0) {
      return null;
    }
    List<FuzzOps.Op> upTo = new ArrayList<>(ops.subList(0, first.step + 1));
    if (!diverges(upTo, binary, first.kind) && !diverges(upTo, binary, first.kind)) {
      // twice not again from scratch: one server answers this differently from run to run
      return new Divergence(NOT_REPRODUCIBLE + first.kind, upTo, first.step, first.memcached, first.safecached,
          binary);
    }
    List<FuzzOps.Op> small = minimise(upTo, binary, first.kind);
    Replay last = replayOnFreshServers(small, binary);
    if (last.step < 0 || !last.kind.equals(first.kind)) {
      // it needs what earlier sequences left in the servers (memcached's LRU threads, slab pages)
      return new Divergence(NOT_REPRODUCIBLE + first.kind, small, small.size() - 1, first.memcached,
          first.safecached, binary);
    }
    List<FuzzOps.Op> reproducer = small.subList(0, last.step + 1);
    if (replayOnFreshServers(reproducer, binary, PACE_MILLIS).step < 0) {
      // gone when memcached's LRU maintainer has time to let go of the items it was asked to bump
      return new Divergence(MEMCACHED_TIMING + last.kind, reproducer, last.step, last.memcached, last.safecached,
          binary);
    }
    return new Divergence(last.kind, reproducer, last.step, last.memcached, last.safecached, binary);
  }

  /** ddmin: the smallest sub-list (1-minimal) of {@code ops} that still diverges with {@code kind}. */
  private List<FuzzOps.Op> minimise(List<FuzzOps.Op> ops, boolean binary, String kind) throws Exception {
    List<FuzzOps.Op> current = ops;
    int n = 2;
    while (current.size() >= 2) {
      int chunk = (int) Math.ceil(current.size() / (double) n);
      boolean reduced = false;
      for (int start = 0; start < current.size(); start += chunk) {
        List<FuzzOps.Op> complement = new ArrayList<>(current.subList(0, start));
        complement.addAll(current.subList(Math.min(current.size(), start + chunk), current.size()));
        if (!complement.isEmpty() && diverges(complement, binary, kind)) {
          current = complement;
          n = Math.max(n - 1, 2);
          reduced = true;
          break;
        }
      }
      if (!reduced) {
        if (n >= current.size()) {
          break;
        }
        n = Math.min(current.size(), n * 2);
      }
    }
    return current;
  }

  private boolean diverges(List<FuzzOps.Op> ops, boolean binary, String kind) throws Exception {
    Replay r = replay(ops, binary);
    return r.step >= 0 && r.kind.equals(kind);
  }

  /** Replays {@code ops} on a new memcached process and a new safecached, as a pasted reproducer would run. */
  private Replay replayOnFreshServers(List<FuzzOps.Op> ops, boolean binary) throws Exception {
    return replayOnFreshServers(ops, binary, 0);
  }

  /** As above, with incr/decr/ma requests sent {@code paceMillis} after the request before them. */
  private Replay replayOnFreshServers(List<FuzzOps.Op> ops, boolean binary, int paceMillis) throws Exception {
    try (MemcachedProcess mc = MemcachedProcess.start(ServerFlags.memcachedArgs(flags));
        TestServer sc = TestServer.start(ServerFlags.safecachedSettings(flags))) {
      return replay(ops, binary, mc.address(), sc.address(), paceMillis);
    }
  }

  /** Replays {@code ops} on both servers under a fresh key prefix and finds the first step that differs. */
  private Replay replay(List<FuzzOps.Op> ops, boolean binary) throws Exception {
    return replay(ops, binary, memcached, safecached, 0);
  }

  private Replay replay(List<FuzzOps.Op> ops, boolean binary, InetSocketAddress memcached,
      InetSocketAddress safecached, int paceMillis) throws Exception {
    String prefix = "f" + Long.toString(runs.incrementAndGet(), 36) + "_";
    StringBuilder text = new StringBuilder(binary ? "# protocol: binary\n" : "");
    for (int i = 0; i < ops.size(); i++) {
      boolean paced = paceMillis > 0 && ops.get(i).verb().matches("incr|decr|incrq|decrq|ma");
      text.append("=== ").append(i).append(paced ? " | sleep=" + paceMillis : "").append('\n')
          .append(ops.get(i).render(prefix)).append('\n');
    }
    Script script = Script.parse("fuzz", text.toString());
    Future<List<ScriptRunner.Outcome>> mc = pool.submit(() -> new ScriptRunner(memcached).run(script));
    Future<List<ScriptRunner.Outcome>> sc = pool.submit(() -> new ScriptRunner(safecached).run(script));
    List<ScriptRunner.Outcome> a = mc.get(5, TimeUnit.MINUTES);
    List<ScriptRunner.Outcome> b = sc.get(5, TimeUnit.MINUTES);
    operations.addAndGet(ops.size());
    for (int i = 0; i < ops.size(); i++) {
      String x = comparable(a.get(i).compared(), prefix);
      String y = comparable(b.get(i).compared(), prefix);
      if (!x.equals(y)) {
        return new Replay(i, x, y, kind(ops.get(i).verb(), x, y));
      }
    }
    return new Replay(-1, null, null, null);
  }

  private static final Pattern TTL = Pattern.compile("(?<=[ ])t(\\d{2,})(?=[ \\r]|$)");
  private static final Pattern LAST_ACCESS = Pattern.compile("(?<=[ ])l\\d+(?=[ \\r]|$)");
  private static final Pattern EXP = Pattern.compile("(?<=[ ])(exp|la)=(\\d+)");

  /**
   * A reply as compared: keys without the run's prefix (base64 ones re-encoded without it), TTLs
   * left rounded to tens (a TTL set in one second is read in the next one on one server and not on the other)
   * and seconds since last access masked.
   */
  static String comparable(String reply, String prefix) {
    String s = reply;
    for (String key : FuzzOps.keys()) {
      s = s.replace(FuzzOps.render("{B:" + key + "}", prefix), FuzzOps.render("{B:" + key + "}", ""));
    }
    s = s.replace(prefix, "");
    Matcher m = TTL.matcher(s);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      long t = Long.parseLong(m.group(1));
      m.appendReplacement(sb, "t~" + (t + 5) / 10 * 10);
    }
    m.appendTail(sb);
    s = LAST_ACCESS.matcher(sb.toString()).replaceAll("l~");
    Matcher e = EXP.matcher(s);
    sb = new StringBuilder();
    while (e.find()) {
      long t = Long.parseLong(e.group(2));
      e.appendReplacement(sb, e.group(1) + "=~" + (e.group(1).equals("la") ? 0 : (t + 5) / 10 * 10));
    }
    e.appendTail(sb);
    return sb.toString();
  }

  /**
   * A divergence's kind: the verb and, of the first line that differs, the tokens only memcached sent and the
   * tokens only safecached sent (numbers of two digits or more masked), or the whole lines when they differ only
   * in order.
   */
  static String kind(String verb, String memcachedReply, String safecachedReply) {
    String[] a = memcachedReply.split("\r\n|\n", -1);
    String[] b = safecachedReply.split("\r\n|\n", -1);
    int i = 0;
    while (i < a.length && i < b.length && a[i].equals(b[i])) {
      i++;
    }
    List<String> x = tokens(i < a.length ? a[i] : "");
    List<String> y = tokens(i < b.length ? b[i] : "");
    List<String> onlyX = new ArrayList<>(x);
    onlyX.removeAll(y);
    List<String> onlyY = new ArrayList<>(y);
    onlyY.removeAll(x);
    if (onlyX.isEmpty() && onlyY.isEmpty()) {
      if (x.equals(y)) {
        // the same tokens: only spaces differ (a number padded or not)
        return verb + ": spaces: " + show(List.of(spaces(i < a.length ? a[i] : ""))) + " | "
            + show(List.of(spaces(i < b.length ? b[i] : "")));
      }
      onlyX = x;
      onlyY = y;
    }
    return verb + ": " + show(onlyX) + " | " + show(onlyY);
  }

  private static String mask(String token) {
    return token.replaceAll("opaque=0x[0-9a-f]+", "opaque=N").replaceAll("<cas#\\d+>", "<cas>")
        .replaceAll("\\d{2,}", "N");
  }

  private static List<String> tokens(String line) {
    List<String> out = new ArrayList<>();
    for (String t : line.split(" ")) {
      if (!t.isEmpty()) {
        out.add(mask(t));
      }
    }
    return out;
  }

  /** A line with each space shown as {@code _}, its tokens masked as in {@link #tokens}. */
  private static String spaces(String line) {
    List<String> out = new ArrayList<>();
    for (String t : line.split(" ", -1)) {
      out.add(mask(t));
    }
    return String.join("_", out);
  }

  private static String show(List<String> tokens) {
    String s = String.join(" ", tokens);
    return s.isEmpty() ? "<nothing>" : s.length() > 100 ? s.substring(0, 100) + "..." : s;
  }

  /** Stops the worker threads. */
  void close() {
    pool.shutdownNow();
  }
}
