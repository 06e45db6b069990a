package io.safecached.server;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.safecached.command.Command;
import io.safecached.command.CommandExecutor;
import io.safecached.command.Result;
import io.safecached.protocol.ReplyEncoder;
import io.safecached.protocol.ReplyStream;
import io.safecached.store.stats.Counter;
import io.safecached.store.stats.Counters;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs decoded commands in arrival order and writes their results; the last handler of every pipeline.
 *
 * <p>Replies are written as commands complete and flushed once per read, so a pipeline of requests is answered
 * with few writes. When the peer stops reading and the outbound buffer passes its high-water mark, reading
 * from that peer pauses until the buffer drains: a client that never reads cannot grow the server's memory.
 */
final class CommandHandler extends ChannelInboundHandlerAdapter {
  private static final System.Logger LOG = System.getLogger("io.safecached.server");

  private final CommandExecutor executor;
  private final Connections connections;
  private final Counters counters;
  private final Consumer<Throwable> onFatal;
  private final OutboundPressure outbound;
  private final ConnectionLog log;
  private boolean closing;
  /** A command arrived in the read batch under way: {@code secs_since_last_cmd} is updated once per batch. */
  private boolean commandInBatch;
  /** The protocol encoder's context and the encoder, found at the first reply. */
  private ChannelHandlerContext encoderContext;
  private ReplyEncoder encoder;
  /** A reply's output list, reused; null while a write uses it. */
  private List<Object> spare = new ArrayList<>(4);

  /**
   * {@code onFatal} gets an error that leaves the JVM unusable ({@link SafecachedServer#isFatal}); it stops it.
   * {@code log} gets each command and reply when {@code -vv} asks for them.
   */
  CommandHandler(CommandExecutor executor, Connections connections, Counters counters, Consumer<Throwable> onFatal,
                 OutboundPressure outbound, ConnectionLog log) {
    this.executor = executor;
    this.log = log;
    this.outbound = outbound;
    this.connections = connections;
    this.counters = counters;
    this.onFatal = onFatal;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (closing) {
      ReferenceCountUtil.release(msg);
      return;
    }
    Result result;
    if (msg instanceof Command command) {
      commandInBatch = true;
      result = executor.respond(command);
    } else if (msg instanceof Result r) {
      result = r;
    } else {
      ReferenceCountUtil.release(msg);
      throw new IllegalStateException("unexpected message " + msg.getClass().getName());
    }
    if (log.commands()) {
      long id = connections.id(ctx.channel());
      if (msg instanceof Command command) {
        log.command(id, command);
      }
      log.reply(id, result);
    }
    if (result instanceof Result.Close) {
      closing = true;
      ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    if (result instanceof Result.None) {
      return;
    }
    write(ctx, result);
    outbound.wrote(ctx.channel());
    if (!ctx.channel().isWritable()) {
      ctx.flush();
      if (!ctx.channel().isWritable()) {
        ctx.channel().config().setAutoRead(false);
      }
    }
  }

  /**
   * Writes {@code result}'s reply: encoded here by the pipeline's encoder and written from the encoder's context,
   * which is what a pipeline write would do, less the hop and the encoder's type match and output list.
   */
  private void write(ChannelHandlerContext ctx, Result result) {
    ChannelHandlerContext ec = encoderContext;
    if (ec == null || ec.isRemoved()) {
      ec = ctx.pipeline().context("encoder");
      if (ec == null || !(ec.handler() instanceof ReplyEncoder e)) {
        ctx.write(result, ctx.voidPromise()); // no protocol encoder (yet): let the pipeline have it
        return;
      }
      encoderContext = ec;
      encoder = e;
    }
    List<Object> out = spare; // a write can run this handler again (a reply stream resuming): take the list
    spare = null;
    if (out == null) {
      out = new ArrayList<>(4);
    }
    try {
      encoder.encodeReply(ec, result, out);
    } catch (RuntimeException e) {
      out.forEach(ReferenceCountUtil::release); // what was encoded before the failure; the connection closes
      out.clear();
      throw e;
    }
    for (int i = 0; i < out.size(); i++) {
      ec.write(out.get(i), ec.voidPromise());
    }
    out.clear();
    spare = out;
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    outbound.closed(ctx.channel());
    ctx.fireChannelInactive();
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (commandInBatch) {
      commandInBatch = false;
      connections.commandSeen(ctx.channel());
    }
    ctx.flush(); // one flush for every reply of the batch
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (!ctx.channel().isWritable()) {
      ctx.channel().config().setAutoRead(false); // whatever filled the buffer: read nothing more until it drains
    } else if (!closing && !ReplyStream.busy(ctx.channel())) {
      ReplyStream.resumeReading(ctx.channel());
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent) {
      counters.increment(Counter.IDLE_KICKS);
      closing = true;
      ctx.close();
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (SafecachedServer.isFatal(cause)) {
      onFatal.accept(cause);
    }
    if (cause instanceof IOException) {
      LOG.log(Level.DEBUG, () -> "connection " + ctx.channel().remoteAddress() + ": " + cause.getMessage());
    } else {
      LOG.log(Level.WARNING, "closing connection " + ctx.channel().remoteAddress() + " after an error", cause);
    }
    closing = true;
    ctx.close();
  }
}
