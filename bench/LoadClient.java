import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * An open-loop memcached load client for bench/compare: sends requests at a fixed rate over N connections and
 * records latency from each request's intended send time (so a stalled server is charged for every request
 * that should have gone out meanwhile: no coordinated omission), in an HdrHistogram.
 *
 * <p>Run as a single-file program: {@code java -cp HdrHistogram-2.2.2.jar bench/LoadClient.java --port 11211
 * --rate 20000 --connections 32 --seconds 10}. With {@code --rate 0} it runs closed-loop instead (each
 * connection sends its next request when the reply to the last one has arrived: a throughput measurement, as
 * memcaslap makes one). Protocols: {@code text} (get/set), {@code meta} (mg/ms), {@code binary} (GET/SET);
 * {@code --multiget 10} asks for 10 keys per get (text and meta: one line or 10 pipelined mg). Before measuring it
 * sets every key once, then runs {@code --warmup} seconds unmeasured. Prints one line of key=value pairs.
 */
public final class LoadClient {
  static String host = "127.0.0.1";
  static int port = 11211;
  static double rate = 20_000;
  static int connections = 32;
  static int threads = 2;
  static double seconds = 10;
  static double warmup = 2;
  static int valueSize = 100;
  static int keySize = 32;
  static int keys = 10_000;
  static double getRatio = 0.9;
  static int multiget = 1;
  static String protocol = "text";

  public static void main(String[] args) throws Exception {
    for (int i = 0; i < args.length; i++) {
      String v = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--host" -> host = v;
        case "--port" -> port = Integer.parseInt(v);
        case "--rate" -> rate = Double.parseDouble(v);
        case "--connections" -> connections = Integer.parseInt(v);
        case "--threads" -> threads = Integer.parseInt(v);
        case "--seconds" -> seconds = Double.parseDouble(v);
        case "--warmup" -> warmup = Double.parseDouble(v);
        case "--value-size" -> valueSize = Integer.parseInt(v);
        case "--keys" -> keys = Integer.parseInt(v);
        case "--get-ratio" -> getRatio = Double.parseDouble(v);
        case "--multiget" -> multiget = Integer.parseInt(v);
        case "--protocol" -> protocol = v;
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
      i++;
    }
    if (!List.of("text", "meta", "binary").contains(protocol)) {
      throw new IllegalArgumentException("--protocol must be text, meta or binary");
    }
    threads = Math.max(1, Math.min(threads, connections));
    preload();
    Worker[] workers = new Worker[threads];
    for (int t = 0; t < threads; t++) {
      int n = connections / threads + (t < connections % threads ? 1 : 0);
      workers[t] = new Worker(t, n, rate / threads);
    }
    long start = System.nanoTime();
    long measureFrom = start + (long) (warmup * 1e9);
    long end = measureFrom + (long) (seconds * 1e9);
    List<Thread> running = new ArrayList<>();
    for (Worker w : workers) {
      Thread th = new Thread(() -> w.run(start, measureFrom, end), "load-" + w.id);
      th.start();
      running.add(th);
    }
    for (Thread th : running) {
      th.join();
    }
    Histogram all = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
    long done = 0, errors = 0, late = 0;
    for (Worker w : workers) {
      all.add(w.histogram);
      done += w.completed;
      errors += w.errors;
      late += w.unanswered;
    }
    System.out.printf(Locale.ROOT,
        "mode=%s rate=%.0f connections=%d protocol=%s value=%d multiget=%d seconds=%.1f requests=%d ops_per_s=%.0f "
            + "p50_us=%.1f p90_us=%.1f p99_us=%.1f p999_us=%.1f max_us=%.1f mean_us=%.1f errors=%d unanswered=%d%n",
        rate > 0 ? "open" : "closed", rate, connections, protocol, valueSize, multiget, seconds, done,
        done / seconds, us(all.getValueAtPercentile(50)), us(all.getValueAtPercentile(90)),
        us(all.getValueAtPercentile(99)), us(all.getValueAtPercentile(99.9)), us(all.getMaxValue()),
        all.getMean() / 1000.0, errors, late);
  }

  private static double us(long nanos) {
    return nanos / 1000.0;
  }

  static byte[] key(int i) {
    String k = String.format(Locale.ROOT, "key:%0" + (keySize - 4) + "d", i);
    return k.getBytes(StandardCharsets.US_ASCII);
  }

  /** Sets every key once over one connection, pipelined, and waits for all the replies. */
  static void preload() throws IOException {
    Conn c = new Conn(SocketChannel.open(new InetSocketAddress(host, port)));
    c.ch.configureBlocking(true);
    int batch = Math.max(1, Math.min(200, (512 * 1024) / (valueSize + keySize + 64))); // fits the write buffer
    for (int i = 0; i < keys; i += batch) {
      int n = Math.min(batch, keys - i);
      for (int j = 0; j < n; j++) {
        c.writeSet(key(i + j));
        c.pending++;
      }
      c.flushBlocking();
      while (c.pending > 0) {
        c.readBlocking();
      }
    }
    c.ch.close();
  }

  /** One thread driving some of the connections on one selector. */
  static final class Worker {
    final int id;
    final List<Conn> conns = new ArrayList<>();
    final double perThreadRate;
    final Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
    final SplittableRandom random;
    long completed, errors, unanswered;

    Worker(int id, int n, double perThreadRate) throws IOException {
      this.id = id;
      this.perThreadRate = perThreadRate;
      this.random = new SplittableRandom(42 + id);
      for (int i = 0; i < n; i++) {
        SocketChannel ch = SocketChannel.open(new InetSocketAddress(host, port));
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        ch.configureBlocking(false);
        conns.add(new Conn(ch));
      }
    }

    void run(long start, long measureFrom, long end) {
      try (Selector selector = Selector.open()) {
        for (Conn c : conns) {
          c.ch.register(selector, SelectionKey.OP_READ, c);
        }
        if (perThreadRate > 0) {
          open(selector, start, measureFrom, end);
        } else {
          closed(selector, measureFrom, end);
        }
      } catch (IOException e) {
        throw new RuntimeException(e);
      }
    }

    /** Open loop: request i of this thread is due at start + i / rate, on connection i mod n. */
    private void open(Selector selector, long start, long measureFrom, long end) throws IOException {
      double interval = 1e9 / perThreadRate;
      long sent = 0;
      int next = 0;
      while (true) {
        long now = System.nanoTime();
        if (now >= end) {
          break;
        }
        long due = start + (long) (sent * interval);
        while (due <= now) {
          Conn c = conns.get(next);
          next = (next + 1) % conns.size();
          c.request(random, due);
          sent++;
          due = start + (long) (sent * interval);
        }
        for (Conn c : conns) {
          c.flush();
        }
        read(selector, measureFrom, end);
        long wait = due - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(Math.min(wait, 50_000)); // then poll the sockets again
        }
      }
      // what is still unanswered at the end has waited at least until now
      long now = System.nanoTime();
      for (Conn c : conns) {
        for (int i = 0; i < c.pending; i++) {
          long t = c.sentAt[(c.head + i) % c.sentAt.length];
          if (t >= measureFrom) {
            histogram.recordValue(Math.min(now - t, histogram.getHighestTrackableValue()));
            unanswered++;
          }
        }
      }
    }

    /** Closed loop: every connection keeps one request outstanding. */
    private void closed(Selector selector, long measureFrom, long end) throws IOException {
      for (Conn c : conns) {
        c.request(random, System.nanoTime());
        c.flush();
      }
      while (System.nanoTime() < end) {
        selector.select(10);
        for (SelectionKey k : selector.selectedKeys()) {
          Conn c = (Conn) k.attachment();
          done(c.read(), c, measureFrom, end);
          if (c.pending == 0) {
            c.request(random, System.nanoTime());
            c.flush();
          }
        }
        selector.selectedKeys().clear();
      }
    }

    private void read(Selector selector, long measureFrom, long end) throws IOException {
      if (selector.selectNow() == 0) {
        return;
      }
      for (SelectionKey k : selector.selectedKeys()) {
        Conn c = (Conn) k.attachment();
        done(c.read(), c, measureFrom, end);
      }
      selector.selectedKeys().clear();
    }

    private void done(long[] finished, Conn c, long measureFrom, long end) {
      long now = System.nanoTime();
      for (int i = 0; i < c.finishedCount; i++) {
        long t = finished[i];
        if (t >= measureFrom && t < end) {
          histogram.recordValue(Math.min(now - t, histogram.getHighestTrackableValue()));
          completed++;
        }
      }
      errors += c.takeErrors();
    }
  }

  /** One connection: a write buffer, a read buffer, and the intended send times of its unanswered requests. */
  static final class Conn {
    final SocketChannel ch;
    ByteBuffer out = ByteBuffer.allocateDirect(1 << 20);
    ByteBuffer in = ByteBuffer.allocateDirect(1 << 20);
    long[] sentAt = new long[1 << 16];
    int head;
    int pending;
    /** Replies still to be seen for the request at the head (a meta multi-get is n replies). */
    int partsLeft;
    long[] finished = new long[1024];
    int finishedCount;
    long errorCount;
    final byte[] value;

    Conn(SocketChannel ch) {
      this.ch = ch;
      this.value = new byte[valueSize];
      Arrays.fill(value, (byte) 'x');
    }

    void request(SplittableRandom random, long intended) {
      if (pending == sentAt.length) {
        throw new IllegalStateException("more than " + sentAt.length + " requests unanswered on one connection");
      }
      if (random.nextDouble() < getRatio) {
        writeGet(random);
      } else {
        writeSet(key(random.nextInt(keys)));
      }
      sentAt[(head + pending) % sentAt.length] = intended;
      pending++;
    }

    private void writeGet(SplittableRandom random) {
      ensure(multiget * (keySize + 40));
      switch (protocol) {
        case "text" -> {
          put("get");
          for (int i = 0; i < multiget; i++) {
            out.put((byte) ' ').put(key(random.nextInt(keys)));
          }
          put("\r\n");
        }
        case "meta" -> {
          for (int i = 0; i < multiget; i++) {
            put("mg ");
            out.put(key(random.nextInt(keys)));
            put(" v f\r\n");
          }
        }
        default -> {
          for (int i = 0; i < multiget; i++) {
            byte[] k = key(random.nextInt(keys));
            binaryHeader(i + 1 < multiget ? 0x09 : 0x00, k.length, 0, k.length); // GETQ ... GET
            out.put(k);
          }
        }
      }
    }

    void writeSet(byte[] k) {
      ensure(keySize + valueSize + 64);
      switch (protocol) {
        case "text" -> {
          put("set ");
          out.put(k);
          put(" 0 0 " + valueSize + "\r\n");
          out.put(value);
          put("\r\n");
        }
        case "meta" -> {
          put("ms ");
          out.put(k);
          put(" " + valueSize + " F0\r\n");
          out.put(value);
          put("\r\n");
        }
        default -> {
          binaryHeader(0x01, k.length, 8, k.length + 8 + valueSize);
          out.putInt(0).putInt(0);
          out.put(k);
          out.put(value);
        }
      }
    }

    private void binaryHeader(int opcode, int keyLength, int extras, int body) {
      out.put((byte) 0x80).put((byte) opcode).putShort((short) keyLength).put((byte) extras).put((byte) 0)
          .putShort((short) 0).putInt(body).putInt(0).putLong(0);
    }

    private void put(String s) {
      for (int i = 0; i < s.length(); i++) {
        out.put((byte) s.charAt(i));
      }
    }

    private void ensure(int room) {
      if (out.remaining() < room) {
        throw new IllegalStateException("write buffer full: the server does not read");
      }
    }

    void flush() throws IOException {
      if (out.position() == 0) {
        return;
      }
      out.flip();
      ch.write(out);
      out.compact();
    }

    void flushBlocking() throws IOException {
      out.flip();
      while (out.hasRemaining()) {
        ch.write(out);
      }
      out.clear();
    }

    void readBlocking() throws IOException {
      finishedCount = 0;
      if (ch.read(in) < 0) {
        throw new IOException("server closed the connection");
      }
      parse();
    }

    /** Reads what has arrived; returns the intended send times of the requests it completed. */
    long[] read() throws IOException {
      finishedCount = 0;
      int n = ch.read(in);
      if (n < 0) {
        throw new IOException("server closed the connection");
      }
      parse();
      return finished;
    }

    long takeErrors() {
      long e = errorCount;
      errorCount = 0;
      return e;
    }

    /** Consumes every complete reply in {@code in}. */
    private void parse() {
      in.flip();
      while (pending > 0) {
        int start = in.position();
        int consumed = protocol.equals("binary") ? binaryReply() : textReply();
        if (consumed < 0) {
          in.position(start);
          break;
        }
      }
      in.compact();
    }

    private void complete() {
      if (finishedCount == finished.length) {
        finished = Arrays.copyOf(finished, finished.length * 2);
      }
      finished[finishedCount++] = sentAt[head];
      head = (head + 1) % sentAt.length;
      pending--;
      partsLeft = 0;
    }

    /** One text or meta reply (a whole multi-get for text), or -1 when it has not fully arrived. */
    private int textReply() {
      while (true) {
        int lineEnd = lineEnd(in.position());
        if (lineEnd < 0) {
          return -1;
        }
        int p = in.position();
        byte a = in.get(p), b = in.get(p + 1);
        if (a == 'V' && b == 'A' && in.get(p + 2) == 'L') { // VALUE key flags bytes
          int len = lastNumber(p, lineEnd);
          int dataEnd = lineEnd + 2 + len + 2;
          if (dataEnd > in.limit()) {
            return -1;
          }
          in.position(dataEnd);
          continue; // until END
        }
        if (a == 'V' && b == 'A') { // VA bytes flags
          int len = firstNumber(p + 3, lineEnd);
          int dataEnd = lineEnd + 2 + len + 2;
          if (dataEnd > in.limit()) {
            return -1;
          }
          in.position(dataEnd);
          metaPart();
          return 1;
        }
        in.position(lineEnd + 2);
        if ((a == 'E' && b == 'N' && in.get(p + 2) == '\r') || (a == 'H' && b == 'D')) {
          metaPart();
          return 1;
        }
        if (!(a == 'E' && b == 'N') && !(a == 'S' && b == 'T')) {
          errorCount++; // anything but END / STORED: an error line
        }
        complete();
        return 1;
      }
    }

    /** A meta reply: a multi-get of n keys is n mg lines, so n replies. */
    private void metaPart() {
      if (partsLeft == 0) {
        partsLeft = isSetAtHead() ? 1 : multiget;
      }
      if (--partsLeft == 0) {
        complete();
      }
    }

    /** Whether the request at the head was a set: meta sets answer HD, gets VA or EN. */
    private boolean isSetAtHead() {
      int p = in.position() - 4;
      return p >= 0 && in.get(p) == 'H' && in.get(p + 1) == 'D';
    }

    private int binaryReply() {
      int p = in.position();
      if (in.limit() - p < 24) {
        return -1;
      }
      int body = in.getInt(p + 8);
      if (in.limit() - p < 24 + body) {
        return -1;
      }
      int opcode = in.get(p + 1) & 0xff;
      int status = in.getShort(p + 6) & 0xffff;
      in.position(p + 24 + body);
      if (status != 0 && status != 1) {
        errorCount++;
      }
      if (opcode != 0x09) { // the GET (or SET) that ends the request; GETQ hits come before it
        complete();
      }
      return 1;
    }

    private int lineEnd(int from) {
      for (int i = from; i + 1 < in.limit(); i++) {
        if (in.get(i) == '\r' && in.get(i + 1) == '\n') {
          return i;
        }
      }
      return -1;
    }

    private int lastNumber(int from, int to) {
      int s = to;
      while (s > from && in.get(s - 1) != ' ') {
        s--;
      }
      return firstNumber(s, to);
    }

    private int firstNumber(int from, int to) {
      int n = 0;
      for (int i = from; i < to && in.get(i) >= '0' && in.get(i) <= '9'; i++) {
        n = n * 10 + (in.get(i) - '0');
      }
      return n;
    }
  }
}
