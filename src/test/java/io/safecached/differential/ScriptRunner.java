package io.safecached.differential;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Replays a {@link Script} on raw TCP connections to one server and records, per step, the normalised reply and
 * how the reply ended. Every wait is bounded: {@link #WAIT_MILLIS} per read, {@link #STEP_MILLIS} per step.
 */
final class ScriptRunner {
  /** Longest wait for any one read. */
  static final int WAIT_MILLIS = 2000;
  /** Longest time any one step may take to be answered. */
  static final int STEP_MILLIS = 5000;
  /** Sent after a sentinel-mode step; the reply is complete at its {@code VERSION} line. */
  static final byte[] SENTINEL = "version\r\n".getBytes(StandardCharsets.US_ASCII);

  private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "differential-write-watchdog");
    t.setDaemon(true);
    return t;
  });

  /** What one step got back: the normalised reply, how it ended, and the STAT names it held. */
  record Outcome(String reply, String end, Set<String> statNames) {
    /** The reply and its end marker, as compared. */
    String compared() {
      return end.isEmpty() ? reply : reply + end;
    }
  }

  private final InetSocketAddress address;
  private final Normaliser normaliser = new Normaliser();
  private Socket socket;
  private boolean closed;

  ScriptRunner(InetSocketAddress address) {
    this.address = address;
  }

  /** Runs every step of {@code script}, in order, and returns one outcome per step. */
  List<Outcome> run(Script script) throws IOException, InterruptedException {
    List<Outcome> outcomes = new ArrayList<>();
    try {
      connect();
      for (Script.Step step : script.steps()) {
        if (step.sleepMillis() > 0) {
          Thread.sleep(step.sleepMillis());
        }
        if (step.reconnect()) {
          disconnect();
          connect();
        }
        outcomes.add(runStep(script, step));
      }
    } finally {
      disconnect();
    }
    return outcomes;
  }

  private Outcome runStep(Script script, Script.Step step) throws IOException {
    if (closed) {
      return new Outcome("", "<not connected>", Set.of());
    }
    byte[] bytes = step.bytes(normaliser.lastCasByKey());
    byte[] leftover = leftover();
    Reply reply;
    try {
      if (bytes.length > 0) {
        write(bytes);
      }
      if (step.mode() == Script.Mode.SENTINEL) {
        write(script.binary() ? BinaryPackets.SENTINEL : SENTINEL);
      }
      reply = switch (step.mode()) {
        case SENTINEL -> script.binary() ? readToBinarySentinel() : readToSentinel(1 + countVersionLines(bytes));
        case CLOSE -> readToClose();
        case QUIET -> readQuiet(step.quietMillis());
      };
    } catch (IOException e) {
      // the peer closed or reset the connection while we were writing
      closed = true;
      reply = new Reply(new byte[0], "<closed>");
    }
    Normaliser.Normalised n;
    if (script.binary()) {
      Set<String> statNames = new LinkedHashSet<>();
      String rendered = BinaryPackets.render(reply.bytes(), step.requests(), normaliser,
          step.effectiveStatsCompare(script), step.effectiveVolatile(script), statNames);
      n = new Normaliser.Normalised(rendered, statNames);
    } else {
      n = normaliser.normalise(reply.bytes(), step.effectiveStatsCompare(script), step.effectiveVolatile(script));
    }
    String text = leftover.length == 0 ? n.text()
        : "<bytes left over from the step before: " + Escapes.show(leftover, 300) + ">" + n.text();
    return new Outcome(text, reply.end(), n.statNames());
  }

  /**
   * Bytes that arrived after the previous step's reply was judged complete (a sign that the script miscounted
   * the sentinel); they are shown in this step's outcome so that the desync cannot pass unnoticed.
   */
  private byte[] leftover() throws IOException {
    InputStream in = socket.getInputStream();
    int n = in.available();
    if (n <= 0) {
      return new byte[0];
    }
    return in.readNBytes(n);
  }

  /** Raw bytes read for a step and its end marker. */
  private record Reply(byte[] bytes, String end) {}

  private void connect() throws IOException {
    socket = new Socket();
    socket.connect(address, WAIT_MILLIS);
    socket.setSoTimeout(WAIT_MILLIS);
    socket.setTcpNoDelay(true);
    closed = false;
  }

  private void disconnect() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing is best effort
      }
      socket = null;
    }
  }

  /** Writes all of {@code bytes}; closes the socket if the peer does not take them within the step bound. */
  private void write(byte[] bytes) throws IOException {
    Socket s = socket;
    ScheduledFuture<?> guard = WATCHDOG.schedule(() -> {
      try {
        s.close();
      } catch (IOException ignored) {
        // nothing else to do
      }
    }, STEP_MILLIS, TimeUnit.MILLISECONDS);
    try {
      OutputStream out = s.getOutputStream();
      out.write(bytes);
      out.flush();
    } finally {
      guard.cancel(false);
    }
  }

  /** Reads until the {@code versions}-th {@code VERSION} line, skipping data blocks of {@code VALUE} lines. */
  private Reply readToSentinel(int versions) throws IOException {
    return readUntilSentinel(new SentinelScan() {
      private int scan;
      private int seen;

      @Override
      public int replyEnd(byte[] a) {
        // look at complete lines from `scan`
        while (true) {
          int nl = Normaliser.indexOf(a, (byte) '\n', scan);
          if (nl < 0) {
            return -1;
          }
          String line = new String(a, scan, nl - scan, StandardCharsets.ISO_8859_1).stripTrailing();
          boolean value = line.startsWith("VALUE ");
          if (value || line.startsWith("VA ")) {
            String[] t = line.split(" ");
            int n = value ? (t.length >= 4 ? parseIntOr(t[3], -1) : -1) : parseIntOr(t[1], -1);
            if (n > 0) {
              if (nl + 1 + n > a.length) {
                return -1; // the data block is not all here yet
              }
              scan = nl + 1 + n;
              continue;
            }
          }
          if (line.equals("VERSION") || line.startsWith("VERSION ")) {
            seen++;
            if (seen == versions) {
              return scan;
            }
          }
          scan = nl + 1;
        }
      }
    });
  }

  /** Reads whole binary response packets until the reply to the sentinel NOOP, which is left out. */
  private Reply readToBinarySentinel() throws IOException {
    return readUntilSentinel(new SentinelScan() {
      private int scan;

      @Override
      public int replyEnd(byte[] a) {
        int pos = scan;
        while (true) {
          List<BinaryPackets.Response> one = new ArrayList<>(1);
          int next = BinaryPackets.split(a, pos, one, 1);
          if (next == pos) {
            scan = pos;
            return -1;
          }
          if (BinaryPackets.isSentinel(one.get(0))) {
            return pos;
          }
          pos = next;
        }
      }
    });
  }

  /** Finds the end of a step's reply in the bytes read so far, resuming where it stopped the last time. */
  private interface SentinelScan {
    /** The length of the reply before the sentinel's own reply, or -1 while the sentinel's reply is not here. */
    int replyEnd(byte[] sofar);
  }

  /** Reads until {@code scan} finds the sentinel's reply, the step's time is up or the connection closes. */
  private Reply readUntilSentinel(SentinelScan scan) throws IOException {
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STEP_MILLIS);
    byte[] chunk = new byte[16384];
    while (true) {
      byte[] a = buf.toByteArray();
      int end = scan.replyEnd(a);
      if (end >= 0) {
        return new Reply(Arrays.copyOf(a, end), "");
      }
      if (System.nanoTime() > deadline) {
        return new Reply(a, "<no sentinel within " + STEP_MILLIS + " ms>");
      }
      int n;
      try {
        n = in.read(chunk);
      } catch (SocketTimeoutException e) {
        return new Reply(a, "<no sentinel within " + WAIT_MILLIS + " ms>");
      } catch (IOException reset) {
        closed = true;
        return new Reply(a, "<closed>");
      }
      if (n < 0) {
        closed = true;
        return new Reply(a, "<closed>");
      }
      buf.write(chunk, 0, n);
    }
  }

  /** Reads until end of stream; a connection still open after {@link #WAIT_MILLIS} is reported as such. */
  private Reply readToClose() throws IOException {
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
    byte[] chunk = new byte[16384];
    while (true) {
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (left <= 0) {
        return new Reply(buf.toByteArray(), "<still open after " + WAIT_MILLIS + " ms>");
      }
      socket.setSoTimeout((int) left);
      try {
        int n = in.read(chunk);
        if (n < 0) {
          closed = true;
          return new Reply(buf.toByteArray(), "<closed>");
        }
        buf.write(chunk, 0, n);
      } catch (SocketTimeoutException e) {
        return new Reply(buf.toByteArray(), "<still open after " + WAIT_MILLIS + " ms>");
      } catch (IOException reset) {
        closed = true;
        return new Reply(buf.toByteArray(), "<closed>");
      } finally {
        if (!socket.isClosed()) {
          socket.setSoTimeout(WAIT_MILLIS);
        }
      }
    }
  }

  /** Reads until {@code quietMillis} pass without a byte (at most {@link #STEP_MILLIS} in all). */
  private Reply readQuiet(int quietMillis) throws IOException {
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STEP_MILLIS);
    byte[] chunk = new byte[16384];
    socket.setSoTimeout(quietMillis);
    try {
      while (System.nanoTime() < deadline) {
        int n = in.read(chunk);
        if (n < 0) {
          closed = true;
          return new Reply(buf.toByteArray(), "<closed>");
        }
        buf.write(chunk, 0, n);
      }
      return new Reply(buf.toByteArray(), "<never quiet within " + STEP_MILLIS + " ms>");
    } catch (SocketTimeoutException quiet) {
      return new Reply(buf.toByteArray(), "");
    } catch (IOException reset) {
      closed = true;
      return new Reply(buf.toByteArray(), "<closed>");
    } finally {
      if (!socket.isClosed()) {
        socket.setSoTimeout(WAIT_MILLIS);
      }
    }
  }

  /**
   * How many {@code version} command lines the step itself sends (each adds a VERSION line to the reply):
   * lines whose first space-separated token is {@code version}, as memcached 1.6 answers {@code version x} too.
   */
  static int countVersionLines(byte[] bytes) {
    String s = new String(bytes, StandardCharsets.ISO_8859_1);
    int count = 0;
    for (String line : s.split("\n", -1)) {
      String l = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
      String first = l.replaceFirst("^ +", "").split(" ", 2)[0];
      if (first.equals("version")) {
        count++;
      }
    }
    return count;
  }

  private static int parseIntOr(String s, int fallback) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      return fallback;
    }
  }
}
