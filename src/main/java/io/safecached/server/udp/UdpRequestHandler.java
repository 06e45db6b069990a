package io.safecached.server.udp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import io.safecached.command.Command;
import io.safecached.command.CommandExecutor;
import io.safecached.command.Result;
import io.safecached.protocol.ProtocolLimits;
import io.safecached.protocol.text.TextDecoder;
import io.safecached.protocol.text.TextEncoder;
import io.safecached.security.AccessPolicy;
import io.safecached.security.AccessPolicy.Admission;
import io.safecached.security.UdpGuard;
import io.safecached.store.stats.Counter;
import io.safecached.store.stats.Counters;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Serves memcached requests arriving as UDP datagrams; the only handler of every UDP channel.
 *
 * <p>Design notes. A datagram must carry whole requests after its 8-byte frame header (sequence 0 of 1);
 * anything else is dropped. Its payload goes through the TCP text decoder and the shared command executor,
 * and all reply bytes of the datagram are concatenated and cut into datagrams of at most 1400 bytes echoing
 * the request id. Whom to serve and what they may run is the {@link AccessPolicy}'s decision, asked once per
 * datagram and once per command: a source outside {@code --allow}, or (with {@code -Y}) outside
 * {@code --udp-allow}, is dropped; any other source outside {@code --udp-allow}, whose address may be forged,
 * is served limited: requests over the packet rates are dropped; storage and admin commands are refused without
 * being run unless writes are allowed; a reply larger on the wire than the amplification bound allows is
 * replaced by one short {@code SERVER_ERROR} datagram when that fits the bound, else by nothing; and replies
 * over the byte rates are dropped. Every drop and refusal is counted and logged at a bounded rate.
 */
@Sharable
public final class UdpRequestHandler extends SimpleChannelInboundHandler<DatagramPacket> {
  private static final System.Logger LOG = System.getLogger("io.safecached.server.udp");
  /** Sent instead of running a storage or admin command for an untrusted source. */
  static final Result WRITES_REFUSED = new Result.ServerError(Result.Rejection.Kind.NOT_PERMITTED,
      "UDP writes not allowed from this source");
  /** Sent instead of a reply that may not be sent. */
  static final byte[] TOO_LARGE = "SERVER_ERROR response too large for UDP\r\n".getBytes(StandardCharsets.US_ASCII);

  private final CommandExecutor executor;
  private final ProtocolLimits limits;
  private final AccessPolicy policy;
  private final UdpGuard guard;
  private final Counters counters;
  private final DropLog dropLog;

  /** A handler running commands with {@code executor} as {@code policy} allows; logs drops on {@code nanoClock}. */
  public UdpRequestHandler(CommandExecutor executor, ProtocolLimits limits, AccessPolicy policy, Counters counters,
                           LongSupplier nanoClock) {
    super(DatagramPacket.class, true);
    this.executor = executor;
    this.limits = limits;
    this.policy = policy;
    this.guard = policy.udp();
    this.counters = counters;
    this.dropLog = new DropLog(LOG, nanoClock);
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
    ByteBuf data = packet.content();
    int requestBytes = data.readableBytes();
    InetSocketAddress sender = packet.sender();
    counters.increment(Counter.UDP_REQUESTS);
    counters.add(Counter.UDP_BYTES_READ, requestBytes);
    if (sender == null || sender.getAddress() == null) {
      counters.increment(Counter.UDP_DROPPED_MALFORMED);
      return;
    }
    InetAddress source = sender.getAddress();
    if (!UdpFrame.wellFormed(data)) {
      counters.increment(Counter.UDP_DROPPED_MALFORMED);
      dropLog.note(DropLog.Kind.MALFORMED, NetUtil.toAddressString(source));
      return;
    }
    Admission admission = policy.admit(source, AccessPolicy.Listener.UDP);
    if (!admission.served()) {
      DropLog.Kind kind = switch (admission) {
        case NOT_ALLOWED -> DropLog.Kind.NOT_ALLOWED;
        case UNAUTHENTICATED -> DropLog.Kind.UNAUTHENTICATED;
        default -> DropLog.Kind.RATE_LIMITED;
      };
      counters.increment(kind.counter);
      dropLog.note(kind, NetUtil.toAddressString(source));
      return;
    }
    boolean trusted = admission == Admission.FULL;
    int requestId = UdpFrame.requestId(data);
    ByteBuf payload = data.slice(data.readerIndex() + UdpFrame.HEADER, requestBytes - UdpFrame.HEADER);
    CompositeByteBuf reply = ctx.alloc().compositeBuffer(Integer.MAX_VALUE);
    try {
      run(ctx.alloc(), payload, admission, source, reply);
      send(ctx, sender, requestId, requestBytes, trusted, reply);
    } finally {
      reply.release();
    }
  }

  /** Runs every request of the payload and appends the reply bytes to {@code reply}. */
  private void run(ByteBufAllocator alloc, ByteBuf payload, Admission admission, InetAddress source,
                   CompositeByteBuf reply) {
    List<Object> parts = new ArrayList<>(1);
    for (Object message : TextDecoder.decodeDatagram(payload, limits)) {
      Result result;
      if (message instanceof Command command) {
        result = refusedOrRun(command, admission, source);
      } else if (message instanceof Result r) {
        result = r;
      } else {
        ReferenceCountUtil.release(message);
        continue;
      }
      if (result instanceof Result.Close) {
        break; // quit or shutdown: nothing after it in this datagram is run
      }
      if (result instanceof Result.None) {
        continue;
      }
      TextEncoder.encode(alloc, result, parts);
      for (Object part : parts) {
        reply.addComponent(true, (ByteBuf) part);
      }
      parts.clear();
    }
  }

  /** The command's reply, or the refusal the policy calls for (UDP cannot log in: no user). */
  private Result refusedOrRun(Command command, Admission admission, InetAddress source) {
    AccessPolicy.Refusal refusal = policy.refusal(command.kind(), admission, null);
    if (refusal == null) {
      return executor.respond(command);
    }
    if (refusal == AccessPolicy.Refusal.READ_ONLY) {
      counters.increment(Counter.UDP_WRITES_REFUSED);
      dropLog.note(DropLog.Kind.WRITE_REFUSED, NetUtil.toAddressString(source));
      return CommandExecutor.silence(command, WRITES_REFUSED);
    }
    dropLog.note(DropLog.Kind.NOT_ADMIN, NetUtil.toAddressString(source));
    return CommandExecutor.silence(command, Result.PERMISSION_DENIED);
  }

  private void send(ChannelHandlerContext ctx, InetSocketAddress sender, int requestId, int requestBytes,
                    boolean trusted, ByteBuf reply) {
    long datagrams = UdpFrame.datagramsFor(reply.readableBytes());
    if (datagrams == 0) {
      return;
    }
    ByteBuf out = reply;
    boolean tooLarge = datagrams > UdpFrame.MAX_DATAGRAMS
        || !trusted && !guard.withinAmplification(requestBytes, UdpFrame.wireBytes(reply.readableBytes()));
    InetAddress source = sender.getAddress();
    if (tooLarge) {
      counters.increment(Counter.UDP_REPLIES_TRUNCATED);
      dropLog.note(DropLog.Kind.TOO_LARGE, NetUtil.toAddressString(source));
      if (!trusted && !guard.withinAmplification(requestBytes, UdpFrame.HEADER + TOO_LARGE.length)) {
        return;
      }
      out = Unpooled.wrappedBuffer(TOO_LARGE);
    }
    long wire = UdpFrame.wireBytes(out.readableBytes());
    if (!trusted && !guard.mayReply(source, requestBytes, wire)) {
      counters.increment(Counter.UDP_DROPPED_RATE_LIMITED);
      dropLog.note(DropLog.Kind.RATE_LIMITED, NetUtil.toAddressString(source));
      return;
    }
    for (ByteBuf d : UdpFrame.split(ctx.alloc(), requestId, out)) {
      ctx.write(new DatagramPacket(d, sender), ctx.voidPromise());
    }
    counters.add(Counter.UDP_BYTES_WRITTEN, wire);
    if (!ctx.channel().isWritable()) {
      ctx.flush();
      if (!ctx.channel().isWritable()) {
        ctx.channel().config().setAutoRead(false); // resumes when the socket drains
      }
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    ctx.flush();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable()) {
      ctx.channel().config().setAutoRead(true);
    }
    ctx.fireChannelWritabilityChanged();
  }

  /** A UDP channel serves every source: an error with one datagram must not close it. */
  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof IOException) {
      // e.g. a port-unreachable report for an earlier reply: the network's business, not a server error
      LOG.log(Level.DEBUG, () -> "UDP socket " + ctx.channel().localAddress() + ": " + cause.getMessage());
    } else {
      LOG.log(Level.WARNING, "error serving a UDP datagram on " + ctx.channel().localAddress(), cause);
    }
  }
}
