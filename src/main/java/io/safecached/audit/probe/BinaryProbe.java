package io.safecached.audit.probe;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.ReferenceCountUtil;
import io.safecached.audit.BinaryReply;
import io.safecached.audit.Connect;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The binary-protocol probe: VERSION (answered even before SASL authentication), SASL_LIST_MECHS, then NOOP,
 * whose refusal with status 0x20 proves authentication is required. Bounded like {@link TextProbe}.
 */
final class BinaryProbe extends Exchange<BinaryReply> {
  static final int HEADER = 24;
  static final byte REQUEST_MAGIC = (byte) 0x80;
  static final byte RESPONSE_MAGIC = (byte) 0x81;
  static final byte OP_VERSION = 0x0b;
  static final byte OP_NOOP = 0x0a;
  static final byte OP_SASL_LIST_MECHS = 0x20;
  static final int STATUS_AUTH_ERROR = 0x20;

  private final int maxBytes;
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
  private long received;
  private int replies;
  private boolean answered;
  private boolean authRequired;
  private boolean noop;
  private String version;
  private List<String> mechanisms = List.of();

  BinaryProbe(long deadlineNanos, int maxBytes) {
    super(deadlineNanos);
    this.maxBytes = maxBytes;
  }

  /** One request header with no body. */
  static byte[] request(byte opcode, int opaque) {
    ByteBuffer b = ByteBuffer.allocate(HEADER);
    b.put(REQUEST_MAGIC).put(opcode).putShort((short) 0).put((byte) 0).put((byte) 0).putShort((short) 0)
        .putInt(0).putInt(opaque).putLong(0);
    return b.array();
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    arm(ctx);
    ByteBuf out = Unpooled.buffer(HEADER * 3);
    out.writeBytes(request(OP_VERSION, 1)).writeBytes(request(OP_SASL_LIST_MECHS, 2))
        .writeBytes(request(OP_NOOP, 3));
    ctx.writeAndFlush(out);
    super.channelActive(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (!(msg instanceof ByteBuf buf) || result.isDone()) {
        return;
      }
      int n = buf.readableBytes();
      received += n;
      if (received > maxBytes) {
        finish(false);
        return;
      }
      byte[] chunk = new byte[n];
      buf.readBytes(chunk);
      pending.write(chunk, 0, n);
      parse();
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private void parse() {
    byte[] data = pending.toByteArray();
    int at = 0;
    while (!result.isDone() && data.length - at >= HEADER) {
      if (data[at] != RESPONSE_MAGIC) {
        finish(false);
        return;
      }
      byte opcode = data[at + 1];
      int status = ((data[at + 6] & 0xff) << 8) | (data[at + 7] & 0xff);
      long body = ByteBuffer.wrap(data, at + 8, 4).getInt() & 0xffffffffL;
      int opaque = ByteBuffer.wrap(data, at + 12, 4).getInt();
      if (body > maxBytes) {
        finish(false);
        return;
      }
      if (data.length - at - HEADER < body) {
        break;
      }
      int extras = data[at + 4] & 0xff;
      int keyLen = ((data[at + 2] & 0xff) << 8) | (data[at + 3] & 0xff);
      int valueStart = at + HEADER + Math.min(extras + keyLen, (int) body);
      String value = new String(Arrays.copyOfRange(data, valueStart, at + HEADER + (int) body),
          StandardCharsets.ISO_8859_1);
      at += HEADER + (int) body;
      answered = true;
      replies++;
      if (status == STATUS_AUTH_ERROR) {
        authRequired = true;
      } else if (status == 0) {
        if (opaque == 1 && opcode == OP_VERSION) {
          version = value.trim();
        } else if (opaque == 2 && opcode == OP_SASL_LIST_MECHS) {
          List<String> m = new ArrayList<>();
          for (String s : value.trim().split("\\s+")) {
            if (!s.isEmpty() && m.size() < 32) {
              m.add(s.length() > 40 ? s.substring(0, 40) : s);
            }
          }
          mechanisms = m;
        } else if (opaque == 3 && opcode == OP_NOOP) {
          noop = true;
        }
      }
      if (replies >= 3) {
        finish(false);
      }
    }
    pending.reset();
    if (!result.isDone()) {
      pending.write(data, at, data.length - at);
    }
  }

  @Override
  BinaryReply snapshot(boolean timedOut) {
    return new BinaryReply(Connect.OPEN, answered, version, mechanisms, authRequired, noop);
  }
}
