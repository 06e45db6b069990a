package io.safecached.store;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * Saves and loads what a warm restart needs besides the memory file's pages (memcached's {@code -e} with its
 * {@code .meta} file): the hash's multipliers, the CAS sequence, the flush state, each segment's metadata and a
 * CRC32C of its bytes, and the index's tables, all under a CRC32C of the whole.
 *
 * <p>The state file is {@code FILE.meta}. It is written on a clean stop and deleted as soon as it was read, so
 * a process that dies later never pairs old metadata with changed pages. Any mismatch (another limit, segment
 * size or format, a torn or missing file, a checksum that fails) means an empty start with one line saying why;
 * corrupt data is never served.
 */
final class WarmRestart {
  /** Bumped whenever the record layout or this format changes. */
  static final int FORMAT = 1;
  private static final int MAGIC = 0x53435752; // "SCWR"

  private WarmRestart() {}

  /** A saved store, or why there is none ({@code ok} false, {@code note} the reason). */
  record State(boolean ok, String note, long[] multipliers, long baseSecond, long casSequence, long flushedCas,
      long flushedAt, long flushSecond, long limit, int segmentSize, int segmentCount, int[] order, int fresh,
      long[] segments, long[][][] tables, int[] counts, long bytes) {

    static State empty(String note) {
      return new State(false, note, null, 0, 0, 0, 0, 0, 0, 0, 0, null, 0, null, null, null, 0);
    }
  }

  /**
   * Everything a warm restart needs besides the segments' bytes (all of the store's locks held): the index's
   * tables, the segments' order and metadata, and the store's own numbers, given.
   */
  static State snapshot(KeyIndex index, Segments segments, long[] multipliers, long baseSecond, long casSequence,
      long flushedCas, long flushedAt, long flushSecond, long limit, long bytes) {
    long[][][] tables = new long[KeyIndex.STRIPES][][];
    int[] counts = new int[KeyIndex.STRIPES];
    for (int si = 0; si < KeyIndex.STRIPES; si++) {
      tables[si] = index.stripe(si).chunks();
      counts[si] = index.stripe(si).count;
    }
    int[] order = segments.order();
    long[] segs = segments.metadata();
    return new State(true, null, multipliers, baseSecond, casSequence, flushedCas, flushedAt, flushSecond, limit,
        segments.segmentSize(), segments.segmentCount(), order, segments.fresh(), segs, tables, counts, bytes);
  }

  /**
   * Takes over a saved state's index and segments (the segments holding records are all sealed now), before the
   * store is used; the store takes the sequences itself.
   */
  static void restore(State st, KeyIndex index, Segments segments) {
    segments.restore(st.order(), st.fresh(), st.segments());
    for (int si = 0; si < KeyIndex.STRIPES; si++) {
      index.stripe(si).load(st.tables()[si], st.counts()[si]);
    }
  }

  static Path metaFile(Path memoryFile) {
    return memoryFile.resolveSibling(memoryFile.getFileName() + ".meta");
  }

  /** Writes {@code st} beside the memory file (atomically, through a temporary file) and forces the pages. */
  static void save(RegionMemory memory, State st) {
    memory.force();
    Path meta = metaFile(memory.file());
    Path tmp = meta.resolveSibling(meta.getFileName() + ".tmp");
    try (OutputStream raw = Files.newOutputStream(tmp)) {
      CheckedOutputStream checked = new CheckedOutputStream(new BufferedOutputStream(raw, 1 << 16), new CRC32C());
      DataOutputStream out = new DataOutputStream(checked);
      out.writeInt(MAGIC);
      out.writeInt(FORMAT);
      out.writeLong(st.limit());
      out.writeInt(st.segmentSize());
      out.writeInt(st.segmentCount());
      out.writeLong(st.baseSecond());
      out.writeLong(st.casSequence());
      out.writeLong(st.flushedCas());
      out.writeLong(st.flushedAt());
      out.writeLong(st.flushSecond());
      out.writeLong(st.bytes());
      out.writeInt(st.multipliers().length);
      for (long m : st.multipliers()) {
        out.writeLong(m);
      }
      out.writeInt(st.fresh());
      out.writeInt(st.order().length);
      for (int seg : st.order()) {
        out.writeInt(seg);
        out.writeLong(checksum(memory.segment(seg), (int) st.segments()[seg * 5]));
      }
      for (long v : st.segments()) {
        out.writeLong(v);
      }
      for (int si = 0; si < st.tables().length; si++) {
        long[][] t = st.tables()[si];
        out.writeInt(st.counts()[si]);
        int len = 0;
        for (long[] chunk : t) {
          len += chunk.length;
        }
        out.writeInt(len);
        for (long[] chunk : t) {
          for (long slot : chunk) {
            out.writeLong(slot);
          }
        }
      }
      out.flush();
      long sum = checked.getChecksum().getValue();
      out.writeLong(sum);
      out.flush();
    } catch (IOException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // nothing more to do: no state file means an empty start
      }
      throw new java.io.UncheckedIOException("cannot save the warm-restart state " + meta + ": " + e.getMessage(), e);
    }
    try {
      Files.move(tmp, meta, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot save the warm-restart state " + meta + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads the state saved beside {@code memory}'s file and deletes it; an empty state with the reason when there
   * is none, or it does not match this store, or a checksum fails.
   */
  static State load(Path memoryFile, long limit, int segmentSize, int segmentCount, RegionMemory memory) {
    Path meta = metaFile(memoryFile);
    try {
      return read(meta, limit, segmentSize, segmentCount, memory);
    } catch (NoSuchFileException e) {
      return State.empty("no saved state (" + meta.getFileName() + "): starting empty");
    } catch (EOFException e) {
      return State.empty("saved state " + meta + " is cut short: starting empty");
    } catch (IOException | RuntimeException e) {
      return State.empty("saved state " + meta + " is unreadable (" + e.getMessage() + "): starting empty");
    } finally {
      try {
        Files.deleteIfExists(meta);
      } catch (IOException ignored) {
        // the state no longer matches the pages once they change; a later load then fails its checksums
      }
    }
  }

  private static State read(Path meta, long limit, int segmentSize, int segmentCount, RegionMemory memory)
      throws IOException {
    try (InputStream raw = Files.newInputStream(meta)) {
      CheckedInputStream checked = new CheckedInputStream(new BufferedInputStream(raw, 1 << 16), new CRC32C());
      DataInputStream in = new DataInputStream(checked);
      if (in.readInt() != MAGIC) {
        return State.empty("saved state " + meta + " is not a safecached state file: starting empty");
      }
      int format = in.readInt();
      if (format != FORMAT) {
        return State.empty("saved state " + meta + " has format " + format + ", this version reads " + FORMAT
            + ": starting empty");
      }
      long savedLimit = in.readLong();
      int savedSegment = in.readInt();
      int savedCount = in.readInt();
      if (savedLimit != limit || savedSegment != segmentSize || savedCount != segmentCount) {
        return State.empty("saved state " + meta + " is for -m " + (savedLimit >> 20) + " MB in " + savedCount
            + " segments of " + savedSegment + " bytes, not -m " + (limit >> 20) + " MB in " + segmentCount
            + " of " + segmentSize + ": starting empty");
      }
      long baseSecond = in.readLong();
      long cas = in.readLong();
      long flushedCas = in.readLong();
      long flushedAt = in.readLong();
      long flushSecond = in.readLong();
      long bytes = in.readLong();
      long[] multipliers = new long[in.readInt()];
      for (int i = 0; i < multipliers.length; i++) {
        multipliers[i] = in.readLong();
      }
      int fresh = in.readInt();
      int n = in.readInt();
      if (n < 0 || n > segmentCount || fresh < 0 || fresh > segmentCount) {
        return State.empty("saved state " + meta + " is inconsistent: starting empty");
      }
      int[] order = new int[n];
      long[] sums = new long[n];
      for (int i = 0; i < n; i++) {
        order[i] = in.readInt();
        sums[i] = in.readLong();
        if (order[i] < 0 || order[i] >= fresh) {
          return State.empty("saved state " + meta + " is inconsistent: starting empty");
        }
      }
      long[] segments = new long[segmentCount * 5];
      for (int i = 0; i < segments.length; i++) {
        segments[i] = in.readLong();
      }
      long[][][] tables = new long[KeyIndex.STRIPES][][];
      int[] counts = new int[KeyIndex.STRIPES];
      for (int si = 0; si < KeyIndex.STRIPES; si++) {
        counts[si] = in.readInt();
        int len = in.readInt();
        if (len < 16 || Integer.bitCount(len) != 1 || counts[si] < 0 || counts[si] >= len) {
          return State.empty("saved state " + meta + " is inconsistent: starting empty");
        }
        long[][] t = KeyIndex.emptyTable(len);
        for (long[] chunk : t) {
          for (int i = 0; i < chunk.length; i++) {
            chunk[i] = in.readLong();
          }
        }
        tables[si] = t;
      }
      long computed = checked.getChecksum().getValue();
      long stored = in.readLong();
      if (computed != stored) {
        return State.empty("saved state " + meta + " fails its checksum: starting empty");
      }
      for (int i = 0; i < n; i++) {
        int end = (int) segments[order[i] * 5];
        if (end < 0 || end > segmentSize || checksum(memory.segment(order[i]), end) != sums[i]) {
          return State.empty("memory file " + memory.file() + " does not match its saved state (segment " + order[i]
              + "): starting empty");
        }
      }
      return new State(true, null, multipliers, baseSecond, cas, flushedCas, flushedAt, flushSecond, limit,
          segmentSize, segmentCount, order, fresh, segments, tables, counts, bytes);
    }
  }

  private static long checksum(ByteBuffer segment, int end) {
    CRC32C crc = new CRC32C();
    crc.update(segment.slice(0, end));
    return crc.getValue();
  }
}
