package io.safecached.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.buffer.UnpooledDirectByteBuf;
import io.safecached.store.StoredValue;
import java.nio.ByteBuffer;

/**
 * Puts item values into replies without a copy on the Java heap: a value is copied straight from the store's
 * memory into the reply's buffer, or, when it is large, handed to the transport as a buffer over the store's
 * memory, which the socket writes as it is between the reply's own bytes (a gathering write).
 *
 * <p>Use: {@link #handOff} each value first (null means copy it), size the reply's own buffer for the rest,
 * then write the reply in order through a {@link Parts}, which cuts the buffer around the handed-off values.
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
    out.writeBytes(v.buffer());
    v.release();
  }

  /**
   * A reply's own buffer with handed-off values between its bytes: {@link #value} either copies a value into the
   * buffer or, for one handed off, ends the buffer's current part there; {@link #finish} gives the buffer itself
   * when nothing was handed off, else a composite of the parts in order.
   */
  public static final class Parts {
    private final ByteBufAllocator alloc;
    private final ByteBuf buf;
    private CompositeByteBuf parts;
    private int cut;
    /** The value {@link #forValue} handed off, for {@link #value(StoredValue)}. */
    private ByteBuf pending;

    /** Parts over {@code buf}, sized for the reply less its handed-off values. */
    public Parts(ByteBufAllocator alloc, ByteBuf buf) {
      this.alloc = alloc;
      this.buf = buf;
    }

    /**
     * Parts for a reply of {@code own} bytes of its own around one value ({@code v}, null for none): the value is
     * handed off now if it can be, else there is room to copy it; add it with {@link #value(StoredValue)}.
     */
    public static Parts forValue(ByteBufAllocator alloc, int own, StoredValue v) {
      ByteBuf handed = v == null ? null : handOff(v);
      long size = own + (v != null && handed == null ? (long) v.length() : 0);
      Parts p = new Parts(alloc, alloc.buffer(Math.toIntExact(size)));
      p.pending = handed;
      return p;
    }

    /** Adds the value given to {@link #forValue}. */
    public void value(StoredValue v) {
      ByteBuf h = pending;
      pending = null;
      value(v, h);
    }

    /** The reply's own buffer, to write the bytes around the values into. */
    public ByteBuf buf() {
      return buf;
    }

    /** Adds {@code v}: {@code handedOff}, when not null (from {@link #handOff}), else a copy. */
    public void value(StoredValue v, ByteBuf handedOff) {
      if (handedOff == null) {
        copy(v, buf);
        return;
      }
      if (parts == null) {
        parts = alloc.compositeDirectBuffer(Integer.MAX_VALUE);
      }
      cut();
      parts.addComponent(true, handedOff);
    }

    /** The whole reply. */
    public ByteBuf finish() {
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
    protected void freeDirect(ByteBuffer buffer) {
      // the store's memory: the store frees it, never a buffer over it
    }
  }
}
