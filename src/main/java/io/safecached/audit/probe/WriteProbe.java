package io.safecached.audit.probe;

import io.netty.channel.ChannelHandlerContext;
import io.safecached.audit.WriteCheck;

/**
 * {@code --write-check}: sets a random key with a 1-second TTL, reads it back, deletes it; one step at a time.
 * The key expires by itself if the connection drops before the delete. Bounded like {@link TextProbe}.
 */
final class WriteProbe extends LineExchange<WriteCheck> {
  private enum Step { SET, GET, DELETE, DONE }

  private final String key;
  private final String value;
  private Step step = Step.SET;
  private boolean stored;
  private boolean readBack;
  private boolean deleted;
  private boolean sawValue;
  private String detail;

  WriteProbe(long deadlineNanos, String key, String value, int maxBytes) {
    super(deadlineNanos, maxBytes);
    this.key = key;
    this.value = value;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    arm(ctx);
    send(ctx, "set " + key + " 0 1 " + value.length() + "\r\n" + value + "\r\n");
    super.channelActive(ctx);
  }

  @Override
  void overflow(boolean full) {
    detail = "reply too long";
    finish(false);
  }

  @Override
  void line(ChannelHandlerContext ctx, String l) {
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
