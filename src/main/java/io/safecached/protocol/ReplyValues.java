package io.safecached.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.buffer.UnpooledDirectByteBuf;
import io.netty.util.internal.PlatformDependent;
import io.safecached.store.StoredValue;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;

/**
 * Puts item values into replies without a copy on the Java heap: a value is copied straight from the store's
 * memory into the reply's buffer, or, when it is large, handed to the transport as a buffer over the store's
 * memory, which the socket writes as it is between the reply's own bytes (a gathering write).
 *
 * <p>Use: {@link #handOff} each value first (null means copy it), size the reply's own buffer for the rest,
 * then write the reply in order through a {@link Parts}, which puts the handed-off values between the reply's
 * own bytes.
 */
public final class ReplyValues {
  private ReplyValues() {
  }

  /**
   * A buffer over {@code v}'s bytes in the store's memory that lets go of them when the transport releases it;
   * null when {@code v} is to be copied (short, on the heap, or the store allows no more values out this way).
   */
  public static ByteBuf handOff(StoredValue v) {
    ByteBuffer bytes = v.handOff();
    return bytes == null ? null : new HandedOff(bytes, v);
  }

  /** Copies {@code v} to the end of {@code out} and lets go of it. */
  public static void copy(StoredValue v, ByteBuf out) {
    ByteBuffer memory = v.memory();
    if (memory == null) {
      out.writeBytes(v.bytes());
      return;
    }
    // absolute copies, without a buffer object over the value (which a slice or a ByteBuffer write would make)
    int n = v.length();
    Objects.checkFromIndexSize(v.offset(), n, memory.capacity()); // the unchecked copy below must stay inside
    out.ensureWritable(n);
    int w = out.writerIndex();
    if (out.hasMemoryAddress() && memory.isDirect()) {
      PlatformDependent.copyMemory(PlatformDependent.directBufferAddress(memory) + v.offset(),
          out.memoryAddress() + w, n);
    } else if (out.hasArray()) {
      memory.get(v.offset(), out.array(), out.arrayOffset() + w, n);
    } else {
      out.setBytes(w, memory.slice(v.offset(), n));
    }
    out.writerIndex(w + n);
    v.release();
  }

  /**
   * A reply's own bytes with values between them, written in order: {@link #buf()} is where the reply's own
   * bytes go, {@link #value} either copies a value into it or, for one handed off, ends the buffer there. Two
   * shapes:
   * <ul>
   *   <li>a reply of one value ({@link #forValue}) goes out as separate writes, its own buffer, the value and a
   *       second buffer for the bytes after it, each added to the encoder's output in order: no composite
   *       buffer, slices or component array per reply; ask {@link #buf()} again after {@link #value};</li>
   *   <li>a reply that must be one buffer (a chunk of a streamed get, {@link #Parts(ByteBufAllocator, ByteBuf)})
   *       gives the buffer itself when nothing was handed off, else a composite of slices of it and the
   *       values in order.</li>
   * </ul>
   */
  public static final class Parts {
    private final ByteBufAllocator alloc;
    /** Where a reply of separate writes goes; null for a reply that is one buffer. */
    private final List<Object> out;
    /** The current buffer of the reply's own bytes; null after a value handed off until asked for again. */
    private ByteBuf buf;
    /** The reply's own bytes not yet written into an earlier buffer: the size of the next one. */
    private int rest;
    /** A handed-off value not yet added to {@link #out}: it goes after the buffer before it. */
    private ByteBuf tail;
    private CompositeByteBuf parts;
    private int cut;
    /** The value {@link #forValue} handed off, for {@link #value(StoredValue)}. */
    private ByteBuf pending;

    /** Parts of one buffer over {@code buf}, sized for the reply less its handed-off values. */
    public Parts(ByteBufAllocator alloc, ByteBuf buf) {
      this(alloc, buf, null, buf.capacity());
    }

    private Parts(ByteBufAllocator alloc, ByteBuf buf, List<Object> out, int rest) {
      this.alloc = alloc;
      this.buf = buf;
      this.out = out;
      this.rest = rest;
    }

    /**
     * Parts for a reply of {@code own} bytes of its own around one value ({@code v}, null for none), written to
     * {@code out} as separate buffers: the value is handed off now if it can be, else there is room to copy it;
     * add it with {@link #value(StoredValue)}.
     */
    public static Parts forValue(ByteBufAllocator alloc, int own, StoredValue v, List<Object> out) {
      ByteBuf handed = v == null ? null : handOff(v);
      int size = Math.toIntExact(own + (v != null && handed == null ? (long) v.length() : 0));
      Parts p = new Parts(alloc, alloc.buffer(size), out, size);
      p.pending = handed;
      return p;
    }

    /** Adds the value given to {@link #forValue}. */
    public void value(StoredValue v) {
      ByteBuf h = pending;
      pending = null;
      value(v, h);
    }

    /** The buffer for the reply's next own bytes; after a value, ask again. */
    public ByteBuf buf() {
      if (buf == null) {
        out.add(tail);
        tail = null;
        buf = alloc.buffer(rest);
      }
      return buf;
    }

    /** Adds {@code v}: {@code handedOff}, when not null (from {@link #handOff}), else a copy. */
    public void value(StoredValue v, ByteBuf handedOff) {
      if (handedOff == null) {
        copy(v, buf());
      } else if (out != null) {
        ByteBuf before = buf();
        rest -= before.writerIndex();
        out.add(before);
        buf = null;
        tail = handedOff;
      } else {
        if (parts == null) {
          parts = alloc.compositeDirectBuffer(Integer.MAX_VALUE);
        }
        cut();
        parts.addComponent(true, handedOff);
      }
    }

    /**
     * Ends a reply of separate writes ({@link #forValue}) with the fixed bytes {@code end} (a shared, unreleasable
     * buffer) and adds its last parts to the output: after a handed-off value, a duplicate of {@code end} rather
     * than a new buffer for a few bytes; else {@code end}'s bytes copied into the reply's own buffer.
     */
    public void finishWith(ByteBuf end) {
      if (buf == null) {
        out.add(tail);
        tail = null;
        out.add(end.duplicate());
      } else {
        buf.writeBytes(end, end.readerIndex(), end.readableBytes());
        out.add(buf);
        buf = null;
      }
    }

    /**
     * The whole reply, or for separate writes its last part, which the caller adds to its output after the
     * parts already there.
     */
    public ByteBuf finish() {
      if (out != null) {
        return buf != null ? buf : tail;
      }
      if (parts == null) {
        return buf;
      }
      cut();
      buf.release();
      return parts;
    }

    /** Adds what the buffer holds since the last cut as the next part. */
    private void cut() {
      int end = buf.writerIndex();
      if (end > cut) {
        parts.addComponent(true, buf.retainedSlice(cut, end - cut));
      }
      cut = end;
    }
  }

  /** A buffer over a value in the store's memory: never frees it, and tells the store when released. */
  private static final class HandedOff extends UnpooledDirectByteBuf {
    private final StoredValue value;

    HandedOff(ByteBuffer bytes, StoredValue value) {
      super(UnpooledByteBufAllocator.DEFAULT, bytes, bytes.remaining());
      this.value = value;
    }

    @Override
    protected void deallocate() {
      super.deallocate();
      value.handOffDone();
    }

    @Override
    @SuppressWarnings("deprecation") // the hook a subclass has to keep its memory from being freed
    protected void freeDirect(ByteBuffer buffer) {
      // the store's memory: the store frees it, never a buffer over it
    }
  }
}
