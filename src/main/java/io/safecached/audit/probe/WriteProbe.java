package io.safecached.audit.probe;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.ReferenceCountUtil;
import io.safecached.audit.WriteCheck;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * {@code --write-check}: sets a random key with a 1-second TTL, reads it back, deletes it; one step at a time.
 * The key expires by itself if the connection drops before the delete. Bounded like {@link TextProbe}.
 */
final class WriteProbe extends Exchange<WriteCheck> {
  private enum Step { SET, GET, DELETE, DONE }

  private final String key;
  private final String value;
  private final int maxBytes;
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
  private Step step = Step.SET;
  private boolean stored;
  private boolean readBack;
  private boolean deleted;
  private boolean sawValue;
  private long received;
  private String detail;

  WriteProbe(long deadlineNanos, String key, String value, int maxBytes) {
    super(deadlineNanos);
    this.key = key;
    this.value = value;
    this.maxBytes = maxBytes;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    arm(ctx);
    send(ctx, "set " + key + " 0 1 " + value.length() + "\r\n" + value + "\r\n");
    super.channelActive(ctx);
  }

  private static void send(ChannelHandlerContext ctx, String s) {
    ctx.writeAndFlush(Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII));
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (!(msg instanceof ByteBuf buf) || result.isDone()) {
        return;
      }
      received += buf.readableBytes();
      if (received > maxBytes) {
        detail = "reply too long";
        finish(false);
        return;
      }
      byte[] chunk = new byte[buf.readableBytes()];
      buf.readBytes(chunk);
      pending.write(chunk, 0, chunk.length);
      byte[] data = pending.toByteArray();
      int start = 0;
      for (int i = 0; i < data.length && !result.isDone(); i++) {
        if (data[i] == '\n') {
          int end = i > start && data[i - 1] == '\r' ? i - 1 : i;
          line(ctx, new String(data, start, end - start, StandardCharsets.ISO_8859_1));
          start = i + 1;
        }
      }
      pending.reset();
      pending.write(data, start, data.length - start);
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private void line(ChannelHandlerContext ctx, String l) {
    switch (step) {
      case SET -> {
        stored = l.equals("STORED");
        if (!stored) {
          detail = "set: " + l;
          finish(false);
          return;
        }
        step = Step.GET;
        send(ctx, "get " + key + "\r\n");
      }
      case GET -> {
        if (l.startsWith("VALUE ")) {
          sawValue = true;
        } else if (sawValue && l.equals(value)) {
          readBack = true;
        } else if (l.equals("END")) {
          step = Step.DELETE;
          send(ctx, "delete " + key + "\r\n");
        } else if (!sawValue) {
          detail = "get: " + l;
          step = Step.DELETE;
          send(ctx, "delete " + key + "\r\n");
        }
      }
      case DELETE -> {
        deleted = l.equals("DELETED");
        if (!deleted) {
          detail = "delete: " + l;
        }
        step = Step.DONE;
        finish(false);
      }
      default -> { }
    }
  }

  @Override
  WriteCheck snapshot(boolean timedOut) {
    return new WriteCheck(stored, readBack, deleted, timedOut && detail == null ? "timed out" : detail);
  }
}
