package io.safecached.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.safecached.command.Command;
import io.safecached.command.Command.StoreMode;
import io.safecached.command.CommandExecutor;
import io.safecached.command.Result;
import io.safecached.command.Result.Rejection.Kind;
import io.safecached.config.Addresses;
import io.safecached.protocol.ProtocolLimits;
import io.safecached.protocol.RequestDecoder;
import io.safecached.protocol.binary.BinaryFrame;
import io.safecached.protocol.binary.Opcode;
import io.safecached.security.AccessPolicy;
import io.safecached.security.AuthFile;
import io.safecached.security.BruteForceGuard;
import io.safecached.security.CommandKind;
import io.safecached.store.stats.Counter;
import io.safecached.store.stats.Counters;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The authentication gate: one per connection, between the protocol decoder and {@link CommandHandler} when a
 * user store is configured; until the connection has logged in, nothing but the login reaches the command layer.
 *
 * <p>Design notes.
 * <ul>
 * <li><b>Text and meta</b> follow memcached's {@code -Y} convention: the login is a {@code set} (any key, flags and
 * exptime) whose data is {@code user password}, answered {@code STORED} or
 * {@code CLIENT_ERROR authentication failure}; a data block that is not two space-separated tokens is
 * {@code CLIENT_ERROR bad authentication token format} and is not counted as an attempt. Either way the
 * connection stays open, as in memcached. Before login {@code version} and {@code quit} are served (memcached
 * answers them {@code CLIENT_ERROR unauthenticated} too); every other command, meta commands included, and
 * every line the decoder rejected is answered {@code CLIENT_ERROR unauthenticated} and the connection stays open.
 * A storage command's data block is read by the decoder, so it is never taken for a further command.</li>
 * <li><b>Binary</b> follows memcached's {@code -S}: SASL_LIST_MECHS is answered {@link #MECHANISMS}, SASL_AUTH
 * with PLAIN ({@code authzid NUL user NUL password}; an authzid other than the user is refused) "Authenticated"
 * or AUTH_ERROR "Auth failure." with the connection kept, SASL_STEP AUTH_ERROR (PLAIN has no steps; counted as
 * a failed attempt, as memcached counts it). Before login VERSION and QUIT are served too; any other request,
 * including one the decoder refused, is answered AUTH_ERROR and the connection is closed, as memcached does.
 * A later SASL_AUTH on a logged-in connection logs in again (as another user when it succeeds); its failure
 * does not log the connection out, as in memcached.</li>
 * <li><b>Counting and brute force</b>: every attempt counts {@code auth_cmds}, every failure {@code auth_errors}
 * and is logged at WARNING with the source address and the user name (never the password). A source the
 * {@link Guard} refuses gets the failure reply and the connection is closed, without the password being
 * checked. After a failure the guard's delay is waited on the channel's event loop (never blocking it); a slow
 * password check (PBKDF2) runs on a separate verifier. Meanwhile reading pauses and whatever was already decoded
 * waits, in order, behind the pending reply (at most {@value #MAX_PENDING} messages; more close the
 * connection).</li>
 * <li><b>Admin commands</b> (commands of kind {@link CommandKind#ADMIN}: {@code flush_all}/FLUSH,
 * {@code shutdown}, {@code cache_memlimit}, {@code verbosity}, {@code refresh_certs}, {@code stats reset},
 * {@code stats conns}, {@code stats detail}) are refused when the {@link AccessPolicy} says the user may not run them (outside
 * {@code --admin-users} when that is given): text {@code CLIENT_ERROR permission denied} (nothing with
 * {@code noreply}), binary AUTH_ERROR; the connection stays open.</li>
 * </ul>
 * Password bytes are wiped once checked. Replies travel to {@link CommandHandler} as {@link Result} messages, so
 * they keep their place among pipelined replies and share its flushing, back-pressure and closing.
 */
final class AuthGate extends ChannelInboundHandlerAdapter {
  /** The gate's name in the pipeline. */
  static final String NAME = "auth";
  /** The SASL mechanisms offered. SCRAM needs a client that speaks it; no Java memcached client does. */
  static final List<String> MECHANISMS = List.of("PLAIN");
  /** How many decoded messages may wait behind a login under way before the connection is closed. */
  static final int MAX_PENDING = 1024;

  static final Result UNAUTHENTICATED = new Result.ClientError(Kind.NOT_PERMITTED, "unauthenticated");
  static final Result FAILURE = new Result.ClientError(Kind.NOT_PERMITTED, "authentication failure");
  static final Result BAD_TOKEN_FORMAT = new Result.ClientError(Kind.NOT_PERMITTED,
      "bad authentication token format");
  static final Result BAD_TERMINATION = new Result.ClientError("bad command line termination");
  private static final byte[] NO_KEY = new byte[0];
  private static final String PLAIN = "PLAIN";
  private static final int MAX_LOGGED_USER_LENGTH = 64;

  /** Checks a user's password, in time that does not depend on where it differs. */
  @FunctionalInterface
  interface Authenticator {
    boolean verify(String user, byte[] password);

    /** True when {@link #verify} is too slow for an event loop (PBKDF2): it then runs on the gate's verifier. */
    default boolean expensive() {
      return false;
    }

    /** The users of {@code file} as they are at each check (it may be reloaded). */
    static Authenticator of(AuthFile file) {
      return new Authenticator() {
        @Override
        public boolean verify(String user, byte[] password) {
          return file.current().verify(user, password);
        }

        @Override
        public boolean expensive() {
          return file.current().expensive();
        }
      };
    }
  }

  /** Brute-force protection by source address: when to refuse outright, how long to delay a failure reply. */
  interface Guard {
    /** True when {@code source} failed too often: its attempts are refused without checking the password. */
    boolean refused(InetAddress source);

    /** Records a failed attempt and returns how long to hold back its reply, in milliseconds (0: none). */
    long failure(InetAddress source);

    /** Records a successful login. */
    void success(InetAddress source);

    /** {@code guard} as the gate uses it. */
    static Guard of(BruteForceGuard guard) {
      return new Guard() {
        @Override
        public boolean refused(InetAddress source) {
          return guard.refused(source);
        }

        @Override
        public long failure(InetAddress source) {
          return guard.failure(source);
        }

        @Override
        public void success(InetAddress source) {
          guard.success(source);
        }
      };
    }
  }

  private final Authenticator authenticator;
  private final Guard guard;
  private final AccessPolicy policy;
  private final Counters counters;
  private final System.Logger log;
  private final Executor verifier;

  private ProtocolLimits afterLogin;
  private boolean authenticated;
  private String user;
  private boolean closing;
  /** A password check or a failure's delay is under way; what arrives meanwhile waits in {@link #pending}. */
  private boolean waiting;
  private final ArrayDeque<Object> pending = new ArrayDeque<>();

  /**
   * A gate for one connection that checks every password on the event loop and asks {@code policy} what a
   * logged-in user may run.
   */
  AuthGate(Authenticator authenticator, Guard guard, AccessPolicy policy, Counters counters, System.Logger log) {
    this(authenticator, guard, policy, counters, log, null);
  }

  /**
   * A gate for one connection; {@code verifier} (shared, bounded; null for none) runs the checks of an
   * {@link Authenticator#expensive() expensive} authenticator off the event loop. When it rejects a check the
   * login fails and the connection is closed.
   */
  AuthGate(Authenticator authenticator, Guard guard, AccessPolicy policy, Counters counters, System.Logger log,
      Executor verifier) {
    this.authenticator = authenticator;
    this.guard = guard;
    this.policy = policy;
    this.counters = counters;
    this.log = log;
    this.verifier = verifier;
  }

  /**
   * The decoder limits for after the login: the connection is read under tight ones until then, so that an
   * unauthenticated peer cannot make the server buffer a full item or a long multi-get line.
   */
  AuthGate unlocking(ProtocolLimits limits) {
    this.afterLogin = limits;
    return this;
  }

  /** True once the connection has logged in. */
  boolean authenticated() {
    return authenticated;
  }

  /** The user logged in on this connection, or null. */
  String user() {
    return user;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (closing) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (waiting) {
      if (pending.size() >= MAX_PENDING) {
        ReferenceCountUtil.release(msg);
        log.log(Level.WARNING, () -> "closing connection from " + source(ctx) + ": more than " + MAX_PENDING
            + " requests pipelined behind a login");
        close(ctx);
        return;
      }
      pending.add(msg);
      return;
    }
    handle(ctx, msg);
  }

  private void handle(ChannelHandlerContext ctx, Object msg) {
    if (authenticated) {
      afterLogin(ctx, msg);
    } else {
      beforeLogin(ctx, msg);
    }
  }

  // ---------------------------------------------------------------- before login

  private void beforeLogin(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof Result r) {
      decoderReply(ctx, r);
    } else if (msg instanceof Command.Framed f && f.frame() instanceof BinaryFrame frame) {
      Command c = f.command();
      if (c.kind() == CommandKind.LOGIN) {
        sasl(ctx, c, frame);
      } else if (c instanceof Command.Version) {
        ctx.fireChannelRead(msg);
      } else {
        refuseBinary(ctx, frame);
      }
    } else if (msg instanceof Command.Version || msg instanceof Command.Quit) {
      ctx.fireChannelRead(msg);
    } else if (msg instanceof Command.Store s && s.mode() == StoreMode.SET) {
      textLogin(ctx, s.value());
    } else if (msg instanceof Command.StoreTooLarge s && s.mode() == StoreMode.SET) {
      attempt(ctx, null, null, null, "text login with a data block over the item size limit");
    } else if (msg instanceof Command.BadDataChunk) {
      ctx.fireChannelRead(BAD_TERMINATION);
    } else if (msg instanceof Command) {
      ctx.fireChannelRead(UNAUTHENTICATED); // any other text or meta command
    } else {
      ctx.fireChannelRead(msg); // not a message of ours: the handler rejects it
    }
  }

  /**
   * A reply the decoder made itself. A close stays a close; the binary decoder's own replies to SASL and QUIT
   * requests stand; any other binary refusal becomes AUTH_ERROR and a close, any text one "unauthenticated".
   */
  private void decoderReply(ChannelHandlerContext ctx, Result r) {
    if (r instanceof Result.Close) {
      closing = true;
      ctx.fireChannelRead(r);
      return;
    }
    BinaryFrame frame = r instanceof Result.Framed f && f.frame() instanceof BinaryFrame b ? b : null;
    if (frame == null) {
      ctx.fireChannelRead(UNAUTHENTICATED);
      return;
    }
    Opcode op = frame.known();
    if (op != null && (isSaslOpcode(op) || op.loud() == Opcode.QUIT)) {
      ctx.fireChannelRead(r);
    } else {
      refuseBinary(ctx, frame);
    }
  }

  private void refuseBinary(ChannelHandlerContext ctx, BinaryFrame frame) {
    ctx.fireChannelRead(authError(frame));
    close(ctx);
  }

  /** memcached's -Y login: the data block of a set is {@code user password}, split on spaces. */
  private void textLogin(ChannelHandlerContext ctx, byte[] data) {
    int[] bounds = new int[4];
    int found = 0;
    int i = 0;
    while (found < 2 && i < data.length) {
      while (i < data.length && data[i] == ' ') {
        i++;
      }
      if (i == data.length) {
        break;
      }
      int start = i;
      while (i < data.length && data[i] != ' ') {
        i++;
      }
      bounds[found * 2] = start;
      bounds[found * 2 + 1] = i;
      found++;
    }
    if (found < 2) {
      Arrays.fill(data, (byte) 0);
      ctx.fireChannelRead(BAD_TOKEN_FORMAT);
      return;
    }
    String name = new String(data, bounds[0], bounds[1] - bounds[0], StandardCharsets.UTF_8);
    byte[] password = Arrays.copyOfRange(data, bounds[2], bounds[3]);
    Arrays.fill(data, (byte) 0);
    attempt(ctx, name, password, null, "text login");
  }

  // ---------------------------------------------------------------- SASL (before and after login)

  private static boolean isSaslOpcode(Opcode op) {
    return op == Opcode.SASL_LIST_MECHS || op == Opcode.SASL_AUTH || op == Opcode.SASL_STEP;
  }

  private void sasl(ChannelHandlerContext ctx, Command c, BinaryFrame frame) {
    if (c instanceof Command.SaslListMechs) {
      ctx.fireChannelRead(new Result.Framed(new Result.SaslMechanisms(MECHANISMS), frame));
    } else if (c instanceof Command.SaslStep step) {
      Arrays.fill(step.data(), (byte) 0);
      attempt(ctx, null, null, frame, "SASL step without a SASL exchange under way");
    } else if (c instanceof Command.SaslAuth auth) {
      saslAuth(ctx, auth, frame);
    }
  }

  /** PLAIN (RFC 4616): {@code [authzid] NUL authcid NUL passwd}. */
  private void saslAuth(ChannelHandlerContext ctx, Command.SaslAuth auth, BinaryFrame frame) {
    byte[] data = auth.data();
    if (!PLAIN.equals(auth.mechanism())) {
      Arrays.fill(data, (byte) 0);
      attempt(ctx, null, null, frame, "SASL mechanism " + printable(auth.mechanism()) + " not offered");
      return;
    }
    int first = indexOf(data, 0);
    int second = first < 0 ? -1 : indexOf(data, first + 1);
    if (second < 0) {
      Arrays.fill(data, (byte) 0);
      attempt(ctx, null, null, frame, "malformed SASL PLAIN message");
      return;
    }
    String authzid = new String(data, 0, first, StandardCharsets.UTF_8);
    String name = new String(data, first + 1, second - first - 1, StandardCharsets.UTF_8);
    byte[] password = Arrays.copyOfRange(data, second + 1, data.length);
    Arrays.fill(data, (byte) 0);
    if (!authzid.isEmpty() && !authzid.equals(name)) {
      Arrays.fill(password, (byte) 0);
      attempt(ctx, name, null, frame, "SASL PLAIN asking to act as another user (" + printable(authzid) + ")");
      return;
    }
    attempt(ctx, name, password, frame, "SASL PLAIN");
  }

  private static int indexOf(byte[] data, int from) {
    for (int i = from; i < data.length; i++) {
      if (data[i] == 0) {
        return i;
      }
    }
    return -1;
  }

  // ---------------------------------------------------------------- the attempt

  /**
   * One login attempt. {@code password} null means it fails without a check (a malformed attempt); it is wiped
   * after use. {@code frame} is the binary request's frame, null for a text login.
   */
  private void attempt(ChannelHandlerContext ctx, String name, byte[] password, BinaryFrame frame, String how) {
    counters.increment(Counter.AUTH_CMDS);
    InetAddress source = source(ctx);
    if (guard.refused(source)) {
      wipe(password);
      counters.increment(Counter.AUTH_ERRORS);
      log.log(Level.WARNING, () -> "authentication refused for user " + printable(name) + " from "
          + Addresses.text(source) + " (" + how + "): too many failures from this source; closing");
      ctx.fireChannelRead(failure(frame));
      close(ctx);
      return;
    }
    if (name == null || password == null) {
      wipe(password);
      concluded(ctx, false, name, frame, how, source);
      return;
    }
    if (verifier == null || !authenticator.expensive()) {
      boolean ok = verify(name, password);
      concluded(ctx, ok, name, frame, how, source);
      return;
    }
    // a slow check (PBKDF2): off the event loop, the connection paused until it is done
    pause(ctx);
    try {
      verifier.execute(() -> {
        boolean ok = verify(name, password);
        ctx.executor().execute(() -> resume(ctx, () -> concluded(ctx, ok, name, frame, how, source)));
      });
    } catch (RejectedExecutionException e) {
      wipe(password);
      counters.increment(Counter.AUTH_ERRORS);
      log.log(Level.WARNING, () -> "login of user " + printable(name) + " from " + Addresses.text(source)
          + " not checked: too many logins under way; closing");
      resume(ctx, () -> {
        ctx.fireChannelRead(failure(frame));
        close(ctx);
      });
    }
  }

  /** Checks and wipes the password; an authenticator that fails is a failed login. */
  private boolean verify(String name, byte[] password) {
    try {
      return authenticator.verify(name, password);
    } catch (RuntimeException e) {
      log.log(Level.ERROR, "checking the password of user " + printable(name) + " failed", e);
      return false;
    } finally {
      wipe(password);
    }
  }

  /** The attempt's outcome is known: log in, or record the failure and answer it, after the guard's delay. */
  private void concluded(ChannelHandlerContext ctx, boolean ok, String name, BinaryFrame frame, String how,
      InetAddress source) {
    if (ok) {
      guard.success(source);
      authenticated = true;
      RequestDecoder decoder = ctx.pipeline().get(RequestDecoder.class);
      if (afterLogin != null && decoder != null) {
        decoder.limits(afterLogin);
      }
      user = name;
      log.log(Level.DEBUG, () -> "user " + printable(name) + " logged in from " + Addresses.text(source)
          + " (" + how + ")");
      ctx.fireChannelRead(frame == null ? Result.Status.STORED
          : new Result.Framed(Result.Authenticated.INSTANCE, frame));
      return;
    }
    counters.increment(Counter.AUTH_ERRORS);
    long delay = guard.failure(source);
    log.log(Level.WARNING, () -> "authentication failure for user " + printable(name) + " from "
        + Addresses.text(source) + " (" + how + ")" + (delay > 0 ? "; reply delayed " + delay + " ms" : ""));
    Result reply = failure(frame);
    if (delay <= 0) {
      ctx.fireChannelRead(reply);
      return;
    }
    pause(ctx);
    ctx.executor().schedule(() -> resume(ctx, () -> ctx.fireChannelRead(reply)), delay, TimeUnit.MILLISECONDS);
  }

  /** Stops reading and holds back what was already decoded until {@link #resume}. */
  private void pause(ChannelHandlerContext ctx) {
    waiting = true;
    ctx.channel().config().setAutoRead(false);
  }

  /**
   * On the event loop, when the reason to pause is over: runs {@code then} (which answers, and may pause again),
   * then what waited behind it, in order, and flushes.
   */
  private void resume(ChannelHandlerContext ctx, Runnable then) {
    waiting = false;
    if (closing || !ctx.channel().isActive()) {
      releasePending();
      return;
    }
    then.run();
    while (!waiting && !closing && !pending.isEmpty()) {
      handle(ctx, pending.poll());
    }
    if (closing) {
      releasePending();
    }
    ctx.fireChannelReadComplete(); // the handler flushes the replies
    if (!waiting && !closing && ctx.channel().isWritable()) {
      ctx.channel().config().setAutoRead(true);
    }
  }

  private static Result failure(BinaryFrame frame) {
    return frame == null ? FAILURE : authError(frame);
  }

  private static Result authError(BinaryFrame frame) {
    return new Result.Framed(FAILURE, BinaryFrame.of(frame.opcode(), frame.opaque(), NO_KEY));
  }

  private static void wipe(byte[] password) {
    if (password != null) {
      Arrays.fill(password, (byte) 0);
    }
  }

  // ---------------------------------------------------------------- after login

  private void afterLogin(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof Command c)) {
      if (msg instanceof Result.Close) {
        closing = true;
      }
      ctx.fireChannelRead(msg);
      return;
    }
    BinaryFrame frame = c instanceof Command.Framed f && f.frame() instanceof BinaryFrame b ? b : null;
    Command inner = c instanceof Command.Framed f ? f.command() : c;
    if (frame != null && inner.kind() == CommandKind.LOGIN) {
      sasl(ctx, inner, frame);
    } else if (policy.refusal(inner.kind(), AccessPolicy.Admission.FULL, user) != null) {
      log.log(Level.WARNING, () -> "user " + printable(user) + " from " + Addresses.text(source(ctx))
          + " may not run admin commands: refused " + inner.getClass().getSimpleName());
      ctx.fireChannelRead(frame != null ? authError(frame) : CommandExecutor.silence(inner, Result.PERMISSION_DENIED));
    } else {
      ctx.fireChannelRead(msg);
    }
  }

  // ---------------------------------------------------------------- connection state

  private void close(ChannelHandlerContext ctx) {
    closing = true;
    releasePending();
    ctx.fireChannelRead(Result.Close.INSTANCE);
  }

  private void releasePending() {
    Object m;
    while ((m = pending.poll()) != null) {
      ReferenceCountUtil.release(m);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    releasePending();
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    releasePending();
  }

  private static InetAddress source(ChannelHandlerContext ctx) {
    return ctx.channel().remoteAddress() instanceof InetSocketAddress a && a.getAddress() != null
        ? a.getAddress() : InetAddress.getLoopbackAddress();
  }

  /** A user or mechanism name safe to log: quoted, printable ASCII only, bounded. */
  static String printable(String s) {
    if (s == null) {
      return "(none)";
    }
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < s.length() && i < MAX_LOGGED_USER_LENGTH; i++) {
      char ch = s.charAt(i);
      sb.append(ch >= 0x20 && ch < 0x7f && ch != '"' && ch != '\\' ? ch : '?');
    }
    if (s.length() > MAX_LOGGED_USER_LENGTH) {
      sb.append("...");
    }
    return sb.append('"').toString();
  }
}
