package io.safecached.protocol.text;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import io.netty.handler.stream.ChunkedInput;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.safecached.command.LazyHits;
import io.safecached.command.Result;
import io.safecached.protocol.Ascii;
import io.safecached.protocol.ReplyEncoder;
import io.safecached.protocol.ReplyStream;
import io.safecached.protocol.ReplyValues;
import io.safecached.protocol.meta.MetaEncoder;
import io.safecached.protocol.meta.MetaFrame;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Writes {@link Result}s as memcached's text protocol replies, and meta replies through {@link MetaEncoder}.
 *
 * <p>Fixed replies are shared read-only buffers. A reply with values is written into buffers from the channel's
 * allocator (direct and pooled on epoll, so the transport writes them as they are), each sized exactly before
 * it is allocated, numbers written as digits in place and each value copied once, straight from the store's
 * memory, or, when large, handed to the transport between the reply's own bytes ({@link ReplyValues}; such a
 * value's length is not in the reply buffer's size). The hits of a multi-key get
 * share one buffer until it holds {@value #SPLIT_THRESHOLD} bytes; then the next hits start a new one, so a get
 * of a hundred 1 MB values never needs one 100 MB block, and on a connection those further buffers are made only
 * as the peer reads ({@link ValueChunks}): a reply is never held whole, however many keys a get line names.
 */
@Sharable
public final class TextEncoder extends MessageToMessageEncoder<Result> implements ReplyEncoder {
  /**
   * A multi-key get reply starts a new buffer after this many bytes. TextEncoderBench.split on the adaptive
   * allocator: 256 KiB was as fast as one buffer or faster for 10 x 16 KB and 20 x 100 KB gets, 64 KiB 20 %
   * slower for 10 x 16 KB.
   */
  static final int SPLIT_THRESHOLD = 256 * 1024;
  private static final ByteBuf END = constant("END\r\n");
  private static final byte[] END_BYTES = "END\r\n".getBytes(StandardCharsets.US_ASCII);
  /** What follows the value of a get of one key that hit. */
  private static final ByteBuf VALUE_END = constant("\r\nEND\r\n");
  private static final byte[] VALUE_PREFIX = "VALUE ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] STAT_PREFIX = "STAT ".getBytes(StandardCharsets.US_ASCII);
  private static final Map<Result.Status, ByteBuf> STATUS = new EnumMap<>(Result.Status.class);

  static {
    for (Result.Status s : Result.Status.values()) {
      String line = s == Result.Status.MEMLIMIT_TOO_SMALL
          ? "MEMLIMIT_TOO_SMALL cannot set maxbytes to less than 8m" : s.name();
      STATUS.put(s, constant(line + "\r\n"));
    }
  }

  public TextEncoder() {
    super(Result.class);
  }

  private static ByteBuf constant(String s) {
    return Unpooled.unreleasableBuffer(
        Unpooled.directBuffer(s.length()).writeBytes(s.getBytes(StandardCharsets.US_ASCII)).asReadOnly());
  }

  @Override
  public void encodeReply(ChannelHandlerContext ctx, Result result, List<Object> out) {
    encode(ctx, result, out);
  }

  /**
   * A get reply larger than one buffer is handed on as {@link ValueChunks} after its first buffer, through a
   * {@link ChunkedWriteHandler} put in front of this encoder the first time a connection needs one.
   */
  @Override
  protected void encode(ChannelHandlerContext ctx, Result result, List<Object> out) {
    if (result instanceof Result.Values v && v.hits().size() > 1) {
      ValueChunks chunks = new ValueChunks(v, SPLIT_THRESHOLD);
      out.add(chunks.readChunk(ctx.alloc()));
      if (!chunks.isEndOfInput()) {
        if (ctx.pipeline().get(ChunkedWriteHandler.class) == null) {
          ctx.pipeline().addBefore(ctx.name(), "chunked", new ChunkedWriteHandler());
        }
        out.add(chunks.streamOn(ctx.channel()));
      }
      return;
    }
    encode(ctx.alloc(), result, out);
  }

  /** Writes one result's reply bytes (nothing for Close and None), for transports without a pipeline (UDP). */
  public static void encode(ByteBufAllocator alloc, Result result, List<Object> out) {
    if (result instanceof Result.Values v) {
      values(alloc, v, SPLIT_THRESHOLD, out);
    } else if (result instanceof Result.Status s) {
      out.add(STATUS.get(s).duplicate());
    } else if (result instanceof Result.Number n) {
      ByteBuf buf = alloc.buffer(Ascii.digits(n.value()) + 2);
      Ascii.writeUnsigned(buf, n.value());
      out.add(buf.writeShort(0x0d0a));
    } else if (result instanceof Result.Version v) {
      out.add(line(alloc, "VERSION ", v.version()));
    } else if (result instanceof Result.Stats s) {
      out.add(stats(alloc, s.stats()));
    } else if (result instanceof Result.PrefixDump d) {
      ByteBuf buf = alloc.buffer(d.text().length());
      ByteBufUtil.writeAscii(buf, d.text()); // one char per byte: the key prefixes as they were sent
      out.add(buf);
    } else if (result instanceof Result.Error e) {
      out.add(line(alloc, "", e.line()));
    } else if (result instanceof Result.ClientError e) {
      out.add(line(alloc, "CLIENT_ERROR ", e.message()));
    } else if (result instanceof Result.ServerError e) {
      out.add(line(alloc, "SERVER_ERROR ", e.message()));
    } else if (result instanceof Result.Framed f) {
      // a meta reply; errors framed by a meta command are written as plain text lines
      MetaFrame frame = f.frame() instanceof MetaFrame m ? m : null;
      if (!MetaEncoder.encode(alloc, f.result(), frame, out)) {
        encode(alloc, f.result(), out);
      }
    } else {
      MetaEncoder.encode(alloc, result, null, out);
    }
    // Close and None write nothing; the handler acts on them before they get here
  }

  /** {@code prefix}, {@code text} and CRLF; both strings are ASCII (one byte per char). */
  private static ByteBuf line(ByteBufAllocator alloc, String prefix, String text) {
    ByteBuf buf = alloc.buffer(prefix.length() + text.length() + 2);
    ByteBufUtil.writeAscii(buf, prefix);
    ByteBufUtil.writeAscii(buf, text);
    return buf.writeShort(0x0d0a);
  }

  private static ByteBuf stats(ByteBufAllocator alloc, List<Result.Stat> stats) {
    int size = END_BYTES.length;
    for (int i = 0; i < stats.size(); i++) {
      Result.Stat stat = stats.get(i);
      size += STAT_PREFIX.length + stat.name().length() + 1 + stat.value().length() + 2;
    }
    ByteBuf buf = alloc.buffer(size);
    for (int i = 0; i < stats.size(); i++) {
      Result.Stat stat = stats.get(i);
      buf.writeBytes(STAT_PREFIX);
      ByteBufUtil.writeAscii(buf, stat.name());
      buf.writeByte(' ');
      ByteBufUtil.writeAscii(buf, stat.value());
      buf.writeShort(0x0d0a);
    }
    return buf.writeBytes(END_BYTES);
  }

  /**
   * Adds the reply to a get to {@code out}: the hits in buffers of exactly their size, a new buffer begun
   * whenever the current one holds {@code split} bytes or more, END in the last one.
   */
  static void values(ByteBufAllocator alloc, Result.Values v, int split, List<Object> out) {
    if (v.hits().isEmpty()) {
      out.add(END.duplicate());
      return;
    }
    if (v.hits().size() == 1 && v.hits().get(0) != null) {
      one(alloc, v.hits().get(0), v.withCas(), out);
      return;
    }
    ValueChunks chunks = new ValueChunks(v, split);
    do {
      out.add(chunks.readChunk(alloc));
    } while (!chunks.isEndOfInput());
  }

  /**
   * The reply to a get of one key that hit (the common case): its line, value and END as separate writes, the
   * value copied into the line's buffer, or handed off between it and the shared bytes that end every such reply
   * (CRLF, END); no chunking.
   */
  private static void one(ByteBufAllocator alloc, Result.Hit hit, boolean withCas, List<Object> out) {
    long own = length(hit, withCas) - hit.data().length() + END_BYTES.length;
    ReplyValues.Parts parts = ReplyValues.Parts.forValue(alloc, Math.toIntExact(own), hit.data(), out);
    writeLine(parts.buf(), hit, withCas);
    parts.value(hit.data());
    parts.finishWith(VALUE_END);
  }

  /**
   * A get reply as the buffers {@link #values} writes, made one at a time when asked: a reply of more than one
   * buffer goes out through a {@link ChunkedWriteHandler}, which asks for the next buffer only while the peer
   * keeps reading, so a get of a thousand 1 MB values holds one buffer of it at a time, not a gigabyte.
   */
  static final class ValueChunks implements ChunkedInput<ByteBuf> {
    private final List<Result.Hit> hits;
    private final boolean withCas;
    private final int split;
    private int from;
    private long sent;
    /** The connection it streams on, told when the last buffer is made; null when not streaming. */
    private Channel channel;

    ValueChunks(Result.Values v, int split) {
      this.hits = v.hits();
      this.withCas = v.withCas();
      this.split = split;
    }

    /** From now on the reply streams on {@code ch}: no request is read or decoded there until it is out. */
    ValueChunks streamOn(Channel ch) {
      this.channel = ch;
      ReplyStream.start(ch);
      return this;
    }

    @Override
    public boolean isEndOfInput() {
      return from >= hits.size();
    }

    /** Ends the reply; the values of hits not written are let go of (a lazy list has looked none of them up). */
    @Override
    public void close() {
      if (!(hits instanceof LazyHits)) {
        for (int i = from; i < hits.size(); i++) {
          Result.Hit hit = hits.get(i);
          if (hit != null) {
            hit.data().release();
          }
        }
      }
      from = hits.size();
      ended();
    }

    private void ended() {
      if (channel != null) {
        ReplyStream.end(channel);
        channel = null;
      }
    }

    @Deprecated
    @Override
    public ByteBuf readChunk(ChannelHandlerContext ctx) {
      return readChunk(ctx.alloc());
    }

    /** The hits from where the last buffer ended: at least one, then more while under the split size. */
    @Override
    public ByteBuf readChunk(ByteBufAllocator alloc) {
      int n = hits.size();
      if (from >= n) {
        return null;
      }
      long size = TextEncoder.length(hits.get(from), withCas);
      int to = from + 1;
      while (to < n && size < split) {
        long next = TextEncoder.length(hits.get(to), withCas);
        if (size + next > split) {
          break;
        }
        size += next;
        to++;
      }
      if (to == n) {
        size += END_BYTES.length;
      }
      long total = size;
      ByteBuf[] handed = null;
      for (int i = from; i < to; i++) {
        Result.Hit hit = hits.get(i);
        ByteBuf h = hit == null ? null : ReplyValues.handOff(hit.data());
        if (h != null) {
          if (handed == null) {
            handed = new ByteBuf[to - from];
          }
          handed[i - from] = h;
          size -= h.readableBytes();
        }
      }
      ReplyValues.Parts parts = new ReplyValues.Parts(alloc, alloc.buffer(Math.toIntExact(size)));
      for (int i = from; i < to; i++) {
        Result.Hit hit = hits.get(i);
        if (hit != null) {
          writeLine(parts.buf(), hit, withCas);
          parts.value(hit.data(), handed == null ? null : handed[i - from]);
          parts.buf().writeShort(0x0d0a);
        }
        if (hits instanceof LazyHits lazy) {
          lazy.release(i);
        }
      }
      if (to == n) {
        parts.buf().writeBytes(END_BYTES);
      }
      ByteBuf buf = parts.finish();
      from = to;
      sent += total;
      if (to == n) {
        ended();
      }
      return buf;
    }

    @Override
    public long length() {
      return -1;
    }

    @Override
    public long progress() {
      return sent;
    }
  }

  /** The bytes of one hit: {@code VALUE <key> <flags> <bytes>[ <cas>]}, CRLF, the value, CRLF; 0 for a miss. */
  private static long length(Result.Hit hit, boolean withCas) {
    if (hit == null) {
      return 0;
    }
    int valueLength = hit.data().length();
    return VALUE_PREFIX.length + hit.key().length + 1 + Ascii.digits(Integer.toUnsignedLong(hit.flags())) + 1
        + Ascii.digits(valueLength) + (withCas ? 1 + Ascii.digits(hit.cas()) : 0) + 2 + (long) valueLength + 2;
  }

  /** Writes a hit's line: {@code VALUE <key> <flags> <bytes>[ <cas>]} and CRLF. */
  private static void writeLine(ByteBuf buf, Result.Hit hit, boolean withCas) {
    buf.writeBytes(VALUE_PREFIX);
    buf.writeBytes(hit.key());
    buf.writeByte(' ');
    Ascii.writeUnsigned(buf, Integer.toUnsignedLong(hit.flags()));
    buf.writeByte(' ');
    Ascii.writeUnsigned(buf, hit.data().length());
    if (withCas) {
      buf.writeByte(' ');
      Ascii.writeUnsigned(buf, hit.cas());
    }
    buf.writeShort(0x0d0a);
  }
}
