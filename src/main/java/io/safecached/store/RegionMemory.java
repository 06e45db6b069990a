package io.safecached.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The memory items live in: a fixed number of equal segments off the Java heap, each a direct buffer under 2 GB.
 *
 * <p>Without a file, a segment is allocated when it is first used (as memcached mallocs a slab page when a class
 * first needs one), so an idle server does not hold {@code -m} of RAM; it is freed on {@link #close()}. With a
 * file ({@code -e}), all segments are pages of that file mapped shared, so their contents outlive the process
 * for a warm restart; nothing else touches the disk.
 */
final class RegionMemory implements AutoCloseable {
  /** Mapped chunks are at most this large (a MappedByteBuffer must stay under 2 GB). */
  private static final long MAX_CHUNK = 1L << 30;

  private final int segmentSize;
  private final ByteBuffer[] segments;
  private final List<MappedByteBuffer> chunks = new ArrayList<>();
  private final Path file;
  private volatile boolean closed;

  /** Segments allocated on first use, off the heap. */
  RegionMemory(int segmentCount, int segmentSize) {
    this.segmentSize = segmentSize;
    this.segments = new ByteBuffer[segmentCount];
    this.file = null;
  }

  /** Segments mapped from {@code file}, which is created or resized to exactly fit them. */
  RegionMemory(int segmentCount, int segmentSize, Path file) {
    this.segmentSize = segmentSize;
    this.segments = new ByteBuffer[segmentCount];
    this.file = file;
    long size = (long) segmentCount * segmentSize;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE)) {
      if (ch.size() != size) {
        ch.truncate(0);
        ch.truncate(size); // a resize never keeps stale bytes where a new layout would read them
        if (ch.size() < size) {
          ch.write(ByteBuffer.allocate(1), size - 1);
        }
      }
      int perChunk = (int) Math.max(1, MAX_CHUNK / segmentSize);
      for (int first = 0; first < segmentCount; first += perChunk) {
        int n = Math.min(perChunk, segmentCount - first);
        MappedByteBuffer chunk = ch.map(FileChannel.MapMode.READ_WRITE, (long) first * segmentSize,
            (long) n * segmentSize);
        chunks.add(chunk);
        for (int i = 0; i < n; i++) {
          segments[first + i] = chunk.slice(i * segmentSize, segmentSize).order(ByteOrder.nativeOrder());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot map memory file " + file + ": " + e.getMessage(), e);
    }
  }

  int segmentSize() {
    return segmentSize;
  }

  int segmentCount() {
    return segments.length;
  }

  /** True when the segments live in a file (warm restart). */
  boolean fileBacked() {
    return file != null;
  }

  Path file() {
    return file;
  }

  /** The segment of an index location ({@link KeyIndex#location}), allocated now if it never was. */
  ByteBuffer at(long location) {
    return segment(KeyIndex.segmentOf(location));
  }

  /** Segment {@code id}, allocated now if it never was. */
  ByteBuffer segment(int id) {
    ByteBuffer b = segments[id];
    if (b == null) {
      synchronized (this) {
        b = segments[id];
        if (b == null) {
          if (closed) {
            throw new IllegalStateException("store closed");
          }
          b = ByteBuffer.allocateDirect(segmentSize).order(ByteOrder.nativeOrder());
          segments[id] = b;
        }
      }
    }
    return b;
  }

  /** Segments allocated so far (all of them when file-backed). */
  synchronized int allocated() {
    int n = 0;
    for (ByteBuffer b : segments) {
      n += b != null ? 1 : 0;
    }
    return n;
  }

  /** Writes a mapped file's pages to disk. */
  void force() {
    for (MappedByteBuffer c : chunks) {
      c.force();
    }
  }

  /** Frees every segment now rather than when the collector gets to them. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (file != null) {
      for (MappedByteBuffer c : chunks) {
        Cleaner.free(c);
      }
      chunks.clear();
    } else {
      for (ByteBuffer b : segments) {
        if (b != null) {
          Cleaner.free(b);
        }
      }
    }
    java.util.Arrays.fill(segments, null);
  }

  /** Frees a direct buffer at once through the JDK's cleaner; when that is not reachable the collector frees it. */
  static final class Cleaner {
    private static final Object UNSAFE;
    private static final Method INVOKE_CLEANER;

    static {
      Object unsafe = null;
      Method invoke = null;
      try {
        Class<?> c = Class.forName("sun.misc.Unsafe");
        Field f = c.getDeclaredField("theUnsafe");
        f.setAccessible(true);
        unsafe = f.get(null);
        invoke = c.getMethod("invokeCleaner", ByteBuffer.class);
      } catch (ReflectiveOperationException | RuntimeException e) {
        unsafe = null;
        invoke = null;
      }
      UNSAFE = unsafe;
      INVOKE_CLEANER = invoke;
    }

    private Cleaner() {}

    static void free(ByteBuffer b) {
      if (INVOKE_CLEANER == null || !b.isDirect()) {
        return;
      }
      try {
        INVOKE_CLEANER.invoke(UNSAFE, b);
      } catch (ReflectiveOperationException | RuntimeException e) {
        // a slice or an already freed buffer: the collector will do it
      }
    }
  }
}
