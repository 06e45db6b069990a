package io.safecached.audit.probe;

import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Splits what a peer sends into lines (ending in CRLF or LF), bounded: at most {@code maxBytes} are kept over the
 * whole exchange, and a line may grow to {@link #MAX_LINE} bytes before the probe should give up on it.
 */
final class LineBuffer {
  /** Longest line accepted; memcached's lines are far shorter. */
  static final int MAX_LINE = 4096;

  private final int maxBytes;
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
  private long received;

  LineBuffer(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** Takes every readable byte of {@code buf}, keeping only those that fit under {@code maxBytes}. */
  void add(ByteBuf buf) {
    int n = buf.readableBytes();
    int room = (int) Math.max(0, Math.min(n, maxBytes - received));
    byte[] chunk = new byte[room];
    buf.readBytes(chunk);
    buf.skipBytes(n - room);
    received += n;
    pending.write(chunk, 0, room);
  }

  /** Hands each complete line, without its line end, to {@code sink} until {@code stop} says so. */
  void drain(Consumer<String> sink, BooleanSupplier stop) {
    byte[] data = pending.toByteArray();
    int start = 0;
    for (int i = 0; i < data.length && !stop.getAsBoolean(); i++) {
      if (data[i] == '\n') {
        int end = i > start && data[i - 1] == '\r' ? i - 1 : i;
        sink.accept(new String(data, start, end - start, StandardCharsets.ISO_8859_1));
        start = i + 1;
      }
    }
    pending.reset();
    pending.write(data, start, data.length - start);
  }

  /** Bytes received so far, counting those not kept. */
  long received() {
    return received;
  }

  /** The byte budget is used up. */
  boolean full() {
    return received >= maxBytes;
  }

  /** The unfinished line is longer than {@link #MAX_LINE}. */
  boolean lineTooLong() {
    return pending.size() > MAX_LINE;
  }

  /** At most 80 printable characters of a line a peer sent, for a report. */
  static String printable(String s) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length() && sb.length() < 80; i++) {
      char c = s.charAt(i);
      sb.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return sb.toString();
  }
}
