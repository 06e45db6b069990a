package io.safecached.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.safecached.testsupport.MemcachedProcess;
import io.safecached.testsupport.ProcessMemory;
import io.safecached.testsupport.RawClient;
import io.safecached.testsupport.ServerProcess;
import io.safecached.testsupport.TestTransport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A short churn at {@code -m 64} (bench/churn is the long one): safecached, started by bin/safecached with the
 * heap the launcher sizes, gets sets of values of random sizes from 1 B to 1 MB (log-uniform: as many tiny values
 * as large ones, most bytes in large ones), some with TTLs of 1-4 s, gets, appends, prepends and deletes from
 * {@value #CLIENTS} clients for {@link #RUN}. It asserts that its highest resident memory (VmHWM) stays under
 * {@link #RSS_BOUND_MB}, that the cache filled and evicted, and that every reply is right: a hit returns exactly
 * the bytes and flags last stored (each client owns its keys and keeps a model of them), never a deleted key and
 * never an item well past its TTL; a final read of every key checks them all once more. memcached 1.6 gets the
 * same churn at the same time when it is installed, with the same checks (which checks the checker), and its RSS
 * is printed beside safecached's.
 */
class ChurnIT {
  /** The memory limit both servers run with, MB. */
  static final int M_MB = 64;
  /**
   * What safecached may hold beyond {@code -m} x 1.05, in MB: the JVM (about 68 MB idle, 12 of it heap), the rest
   * of the heap the launcher sizes for {@code -m 64 -I 1m} (90 MB at most: values in flight, the index, requests),
   * the optimizing compiler's scratch memory (up to about 10 MB while it compiles) and Netty's buffers. THE number
   * to adjust. With the launcher's flags of issue 12's RSS work this test peaked at 182-216 MB (115-149 over -m x
   * 1.05) and 2 minutes of bench/churn at 159-178 (docs/performance.md, "Memory (issue 12)"); the bound is the
   * sum of the parts: 68 idle, 78 more heap, 10 for the compiler, 9 of buffers. (180 before that work; the on-heap
   * store needed 320.)
   */
  static final long FIXED_OVERHEAD_MB = 165;
  /** The most resident memory safecached may reach, in MB: {@code -m} x 1.05 + {@link #FIXED_OVERHEAD_MB}. */
  static final long RSS_BOUND_MB = M_MB * 105 / 100 + FIXED_OVERHEAD_MB;
  /** 25 s on the default transport; 10 s in the build's runs on the other transports, to keep it within its time. */
  private static final Duration RUN = Duration.ofSeconds(TestTransport.defaultRun() ? 25 : 10);
  private static final int CLIENTS = 2;
  /** Keys per client: with values of 75 KB on average, 2 x 1,000 keys would need about 150 MB, twice -m. */
  private static final int KEYS = 1000;
  private static final int MAX_VALUE = 1 << 20;
  /** memcached's clock ticks once a second and a relative TTL starts on a tick; safecached's is no finer. */
  private static final long EXPIRY_SLACK_NANOS = TimeUnit.SECONDS.toNanos(2);

  /** One piece of a value: {@code length} bytes drawn from {@code seed}; appends and prepends add pieces. */
  private record Piece(long seed, int length) {
    byte[] bytes() {
      byte[] b = new byte[length];
      new SplittableRandom(seed).nextBytes(b);
      return b;
    }
  }

  /** What a client stored under a key: the value's pieces, its flags, and when it expires (0: never). */
  private record Entry(List<Piece> pieces, int flags, long expiresNanos) {
    byte[] value() {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (Piece p : pieces) {
        out.writeBytes(p.bytes());
      }
      return out.toByteArray();
    }
  }

  /** A key a refused write left in a state not known for sure (memcached drops the old item on "too large"). */
  private static final Entry UNKNOWN = new Entry(List.of(), -1, 0);

  /** What one server's clients did and found. */
  private static final class Tally {
    final String server;
    final AtomicLong sets = new AtomicLong();
    final AtomicLong hitsChecked = new AtomicLong();
    final List<String> wrong = java.util.Collections.synchronizedList(new ArrayList<>());

    Tally(String server) {
      this.server = server;
    }

    void wrong(String what) {
      if (wrong.size() < 20) {
        wrong.add(server + ": " + what);
      }
    }
  }

  /** One client: its own connection, keys and model; requests one at a time. */
  private static final class Client {
    private final RawClient c;
    private final SplittableRandom rnd;
    private final String prefix;
    private final Map<String, Entry> model = new HashMap<>();
    private final Tally tally;

    Client(InetSocketAddress address, int index, Tally tally) throws IOException {
      c = new RawClient(address);
      c.readTimeout(30_000);
      rnd = new SplittableRandom(42 + index);
      prefix = "churn:" + index + ":";
      this.tally = tally;
    }

    int logUniform(int max) {
      return (int) Math.min(max, Math.exp(rnd.nextDouble() * Math.log(max + 1.0)));
    }

    String store(String verb, String key, int flags, int ttl, byte[] data) throws IOException {
      byte[] head = (verb + " " + key + " " + flags + " " + ttl + " " + data.length + "\r\n")
          .getBytes(StandardCharsets.US_ASCII);
      byte[] msg = Arrays.copyOf(head, head.length + data.length + 2);
      System.arraycopy(data, 0, msg, head.length, data.length);
      msg[msg.length - 2] = '\r';
      msg[msg.length - 1] = '\n';
      c.send(msg);
      return c.readLine();
    }

    void set(String key) throws IOException {
      Piece p = new Piece(rnd.nextLong(), logUniform(MAX_VALUE));
      int flags = rnd.nextInt() & Integer.MAX_VALUE;
      int ttl = rnd.nextInt(10) < 3 ? 1 + rnd.nextInt(4) : 0;
      String reply = store("set", key, flags, ttl, p.bytes());
      long stored = System.nanoTime(); // the server set the expiry before it replied
      tally.sets.incrementAndGet();
      if (reply.equals("STORED")) {
        model.put(key, new Entry(List.of(p), flags, ttl == 0 ? 0 : stored + TimeUnit.SECONDS.toNanos(ttl)
            + EXPIRY_SLACK_NANOS));
      } else {
        if (!reply.startsWith("SERVER_ERROR")) {
          tally.wrong("set " + key + ": " + reply);
        }
        model.put(key, UNKNOWN);
      }
    }

    void concat(String key, boolean append) throws IOException {
      Piece p = new Piece(rnd.nextLong(), logUniform(65536));
      String reply = store(append ? "append" : "prepend", key, 0, 0, p.bytes());
      Entry old = model.get(key);
      if (reply.equals("STORED")) {
        if (old == null) {
          tally.wrong((append ? "append " : "prepend ") + key + " stored onto a key that is not there");
          model.put(key, UNKNOWN);
        } else if (old != UNKNOWN) {
          List<Piece> pieces = new ArrayList<>(old.pieces());
          pieces.add(append ? pieces.size() : 0, p);
          model.put(key, new Entry(List.copyOf(pieces), old.flags(), old.expiresNanos()));
        }
      } else if (reply.equals("NOT_STORED")) {
        // absent (evicted, expired) or too large together
        model.put(key, old == null ? null : UNKNOWN);
      } else {
        if (!reply.startsWith("SERVER_ERROR")) {
          tally.wrong((append ? "append " : "prepend ") + key + ": " + reply);
        }
        model.put(key, UNKNOWN);
      }
    }

    void delete(String key) throws IOException {
      String reply = c.call("delete " + key);
      if (!reply.equals("DELETED") && !reply.equals("NOT_FOUND")) {
        tally.wrong("delete " + key + ": " + reply);
      }
      model.put(key, null);
    }

    void get(String key) throws IOException {
      long asked = System.nanoTime(); // the server looked the key up after this
      String line = c.call("get " + key);
      if (line.equals("END")) {
        return;
      }
      String[] f = line.split(" ");
      if (f.length != 4 || !f[0].equals("VALUE") || !f[1].equals(key)) {
        throw new IOException("get " + key + ": " + line);
      }
      byte[] data = c.readExactly(Integer.parseInt(f[3]));
      if (!Arrays.equals(c.readExactly(2), new byte[] {'\r', '\n'}) || !c.readLine().equals("END")) {
        throw new IOException("get " + key + ": a value without its END");
      }
      Entry want = model.get(key);
      if (want == UNKNOWN) {
        return;
      }
      tally.hitsChecked.incrementAndGet();
      if (want == null) {
        tally.wrong("get " + key + ": a hit (" + data.length + " B) on a key deleted or never stored");
        return;
      }
      if (want.expiresNanos() != 0 && asked > want.expiresNanos()) {
        tally.wrong("get " + key + ": a hit " + TimeUnit.NANOSECONDS.toMillis(asked - want.expiresNanos())
            + " ms after its TTL and " + EXPIRY_SLACK_NANOS / 1_000_000 + " ms of slack ran out");
      }
      if (Integer.parseInt(f[2]) != want.flags()) {
        tally.wrong("get " + key + ": flags " + f[2] + ", stored " + want.flags());
      }
      byte[] expected = want.value();
      if (!Arrays.equals(data, expected)) {
        tally.wrong("get " + key + ": " + data.length + " B, stored " + expected.length + " B, first difference at "
            + Arrays.mismatch(data, expected));
      }
    }

    /** 40 % set, 30 % get, 10 % append, 5 % prepend, 15 % delete, until {@code deadline}; then reads every key. */
    void run(long deadline) throws IOException {
      while (System.nanoTime() < deadline) {
        String key = prefix + rnd.nextInt(KEYS);
        int r = rnd.nextInt(100);
        if (r < 40) {
          set(key);
        } else if (r < 70) {
          get(key);
        } else if (r < 80) {
          concat(key, true);
        } else if (r < 85) {
          concat(key, false);
        } else {
          delete(key);
        }
      }
      for (int i = 0; i < KEYS; i++) {
        get(prefix + i);
      }
      c.close();
    }
  }

  /** Runs {@link #CLIENTS} clients against each address at once until the run is over. */
  private static void churn(Map<InetSocketAddress, Tally> targets) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(CLIENTS * targets.size());
    try {
      long deadline = System.nanoTime() + RUN.toNanos();
      List<Future<?>> done = new ArrayList<>();
      int index = 0;
      for (Map.Entry<InetSocketAddress, Tally> t : targets.entrySet()) {
        for (int i = 0; i < CLIENTS; i++) {
          Client client = new Client(t.getKey(), index++, t.getValue());
          done.add(pool.submit(() -> {
            client.run(deadline);
            return null;
          }));
        }
      }
      for (Future<?> f : done) {
        f.get(RUN.toSeconds() + 90, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).as("clients stopped").isTrue();
    }
  }

  /** Samples a process's RSS every 250 ms; the highest seen, in kB. */
  private static final class RssSampler implements AutoCloseable {
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final AtomicLong highest = new AtomicLong();

    RssSampler(LongSupplier rssKb) {
      timer.scheduleAtFixedRate(() -> highest.accumulateAndGet(rssKb.getAsLong(), Math::max), 0, 250,
          TimeUnit.MILLISECONDS);
    }

    long highestKb() {
      return highest.get();
    }

    @Override
    public void close() {
      timer.shutdownNow();
    }
  }

  private static LongSupplier rss(long pid) {
    return () -> {
      try {
        return ProcessMemory.rssKb(pid);
      } catch (IOException gone) {
        return 0;
      }
    };
  }

  @Test
  @Timeout(240)
  void rssStaysBoundedAndEveryValueIntactUnderChurn() throws Exception {
    Tally sc = new Tally("safecached");
    Tally mc = new Tally("memcached");
    String[] limits = {"-m", Integer.toString(M_MB), "-I", "1m", "-t", "2"};
    try (ServerProcess server = ServerProcess.launch(limits);
        MemcachedProcess memcached = MemcachedProcess.available() ? MemcachedProcess.start(limits) : null;
        RssSampler scRss = new RssSampler(rss(server.pid()));
        RssSampler mcRss = new RssSampler(memcached == null ? () -> 0 : rss(memcached.pid()))) {
      Map<InetSocketAddress, Tally> targets = new HashMap<>();
      targets.put(server.address(), sc);
      if (memcached != null) {
        targets.put(memcached.address(), mc);
      }
      churn(targets);

      long peakKb = Math.max(ProcessMemory.peakKb(server.pid()), scRss.highestKb());
      Map<String, String> stats = server.stats();
      System.out.printf("churn %d s at -m %d: safecached highest RSS %d MB (bound %d MB), %d sets, %d hits checked, "
              + "%s evictions; memcached highest RSS %s MB, %d sets, %d hits checked%n", RUN.toSeconds(), M_MB,
          peakKb / 1024, RSS_BOUND_MB, sc.sets.get(), sc.hitsChecked.get(), stats.get("evictions"),
          memcached == null ? "-" : Long.toString(Math.max(ProcessMemory.peakKb(memcached.pid()),
              mcRss.highestKb()) / 1024), mc.sets.get(), mc.hitsChecked.get());

      assertThat(server.process().isAlive()).as("safecached still runs").isTrue();
      assertThat(server.log()).doesNotContain("OutOfMemoryError");
      List<String> wrong = new ArrayList<>(sc.wrong);
      wrong.addAll(mc.wrong);
      assertThat(wrong).as("wrong replies").isEmpty();
      assertThat(Long.parseLong(stats.get("evictions"))).as("the cache filled and evicted").isPositive();
      assertThat(sc.hitsChecked.get()).as("hits whose value was checked").isGreaterThan(100);
      assertThat(peakKb / 1024).as("safecached's highest RSS in MB, against -m x 1.05 + %d", FIXED_OVERHEAD_MB)
          .isLessThan(RSS_BOUND_MB);
    }
  }
}
