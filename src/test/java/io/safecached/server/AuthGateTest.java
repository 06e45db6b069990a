package io.safecached.server;

import static io.safecached.testsupport.CodecFixtures.bytes;
import static io.safecached.testsupport.CodecFixtures.concat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.safecached.command.Command;
import io.safecached.command.Result;
import io.safecached.protocol.ProtocolLimits;
import io.safecached.protocol.binary.BinaryDecoder;
import io.safecached.protocol.binary.BinaryEncoder;
import io.safecached.protocol.binary.BinaryFrame;
import io.safecached.protocol.text.TextDecoder;
import io.safecached.protocol.text.TextEncoder;
import io.safecached.config.ServerConfig;
import io.safecached.security.AccessPolicy;
import io.safecached.security.BruteForceGuard;
import io.safecached.store.stats.Counter;
import io.safecached.store.stats.Counters;
import io.safecached.testsupport.CodecFixtures;
import io.safecached.testsupport.CodecFixtures.Split;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.text.MessageFormat;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.ResourceBundle;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The authentication gate with the real decoders in front of it and a fake user store and brute-force guard:
 * what reaches the command layer (shown as {@code pass:Name}) and what is answered, before and after login, over
 * text, meta and binary.
 */
class AuthGateTest {
  private static final ProtocolLimits LIMITS =
      new ProtocolLimits(250, 2048, 8192, 1024 * 1024, false, false).withSasl(true);
  private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.9", 40001);

  private static final String STORED = "STORED";
  private static final String UNAUTH = "CLIENT_ERROR unauthenticated";
  private static final String FAILURE = "CLIENT_ERROR authentication failure";
  private static final String DENIED = "CLIENT_ERROR permission denied";
  private static final String CLOSE = "CLOSE";

  private final Users users = new Users();
  private final FakeGuard guard = new FakeGuard();
  private final Counters counters = new Counters();
  private final CapturingLogger log = new CapturingLogger();

  // fakes ---------------------------------------------------------------------------------------------------

  /** Users and passwords, remembering every password array it was shown. */
  static final class Users implements AuthGate.Authenticator {
    private final Map<String, String> passwords = Map.of("alice", "s3cret", "bob", "hunter2", "root", "toor");
    final List<byte[]> shown = new ArrayList<>();
    final List<String> threads = new ArrayList<>();
    boolean expensive;

    @Override
    public boolean expensive() {
      return expensive;
    }

    @Override
    public boolean verify(String user, byte[] password) {
      shown.add(password);
      threads.add(Thread.currentThread().getName());
      String p = passwords.get(user);
      return p != null && MessageDigest.isEqual(p.getBytes(StandardCharsets.UTF_8), password);
    }
  }

  static final class FakeGuard implements AuthGate.Guard {
    final Set<InetAddress> refused = new HashSet<>();
    final List<String> events = new ArrayList<>();
    long delay;

    @Override
    public boolean refused(InetAddress source) {
      return refused.contains(source);
    }

    @Override
    public long failure(InetAddress source) {
      events.add("failure " + source.getHostAddress());
      return delay;
    }

    @Override
    public void success(InetAddress source) {
      events.add("success " + source.getHostAddress());
    }
  }

  static final class CapturingLogger implements System.Logger {
    final List<String> records = new ArrayList<>();

    @Override
    public String getName() {
      return "test";
    }

    @Override
    public boolean isLoggable(Level level) {
      return true;
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
      records.add(level + " " + msg);
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
      records.add(level + " " + (params == null ? format : MessageFormat.format(format, params)));
    }

    List<String> at(Level level) {
      return records.stream().filter(r -> r.startsWith(level + " ")).toList();
    }
  }

  // channels ------------------------------------------------------------------------------------------------

  private AuthGate gate(Set<String> admins) {
    return new AuthGate(users, guard, policy(admins), counters, log);
  }

  /** The access policy of a server with a users file and these admin users (no --allow, no UDP). */
  static AccessPolicy policy(Set<String> admins) {
    return new AccessPolicy(new ServerConfig.Access(Path.of("users"), false, List.of(), admins), null);
  }

  /** A connection from {@link #PEER} with {@code decoder} and the gate; the channel's inbound queue is the handler. */
  private static EmbeddedChannel channel(ChannelHandler decoder, AuthGate gate) {
    EmbeddedChannel ch = new EmbeddedChannel() {
      @Override
      protected SocketAddress remoteAddress0() {
        return PEER;
      }
    };
    ch.freezeTime();
    ch.pipeline().addLast("decoder", decoder).addLast(AuthGate.NAME, gate);
    return ch;
  }

  private EmbeddedChannel text() {
    return text(Set.of());
  }

  private EmbeddedChannel text(Set<String> admins) {
    return channel(new TextDecoder(LIMITS), gate(admins));
  }

  private EmbeddedChannel binary() {
    return binary(Set.of());
  }

  private EmbeddedChannel binary(Set<String> admins) {
    return channel(new BinaryDecoder(LIMITS), gate(admins));
  }

  /** Writes {@code input} whole and returns what came out of the gate. */
  private static List<String> send(EmbeddedChannel ch, String input) {
    return send(ch, bytes(input), Split.WHOLE);
  }

  private static List<String> send(EmbeddedChannel ch, byte[] input) {
    return send(ch, input, Split.WHOLE);
  }

  private static List<String> send(EmbeddedChannel ch, byte[] input, Split split) {
    List<ByteBuf> written = CodecFixtures.write(ch, input, split.cuts(1));
    CodecFixtures.assertReleased(written);
    return drain(ch);
  }

  private static List<String> drain(EmbeddedChannel ch) {
    List<String> out = new ArrayList<>();
    Object m;
    while ((m = ch.readInbound()) != null) {
      out.add(render(m));
      ReferenceCountUtil.release(m);
    }
    return out;
  }

  /** A passed command as {@code pass:Name}, a reply as the bytes its encoder writes (binary: in short). */
  private static String render(Object m) {
    if (m instanceof Command c) {
      Command inner = c instanceof Command.Framed f ? f.command() : c;
      String name = inner.getClass().getSimpleName();
      return "pass:" + (inner instanceof Command.Stats s ? name + "(" + s.group() + ")" : name);
    }
    if (m instanceof Result.Close) {
      return CLOSE;
    }
    if (m instanceof Result.None) {
      return "NONE";
    }
    ByteBufAllocator alloc = UnpooledByteBufAllocator.DEFAULT;
    List<Object> out = new ArrayList<>();
    boolean binary = m instanceof Result.Framed f && f.frame() instanceof BinaryFrame;
    if (binary) {
      BinaryEncoder.encode(alloc, (Result) m, out);
    } else {
      TextEncoder.encode(alloc, (Result) m, out);
    }
    StringBuilder sb = new StringBuilder();
    for (Object o : out) {
      ByteBuf b = (ByteBuf) o;
      if (binary) {
        int status = b.getUnsignedShort(6);
        int body = b.getInt(8);
        sb.append(String.format("bin op=%02x status=%02x opaque=%d body=%s", b.getUnsignedByte(1), status,
            b.getInt(12), b.toString(24, body, StandardCharsets.ISO_8859_1)));
      } else {
        sb.append(b.toString(StandardCharsets.ISO_8859_1));
      }
      b.release();
    }
    return binary ? sb.toString() : sb.toString().replaceAll("\r\n$", "");
  }

  private long count(Counter c) {
    return counters.get(c);
  }

  private static byte[] packet(int opcode, int opaque, byte[] extras, byte[] key, byte[] value) {
    ByteBuffer b = ByteBuffer.allocate(24 + extras.length + key.length + value.length);
    b.put((byte) 0x80).put((byte) opcode).putShort((short) key.length).put((byte) extras.length).put((byte) 0)
        .putShort((short) 0).putInt(extras.length + key.length + value.length).putInt(opaque).putLong(0)
        .put(extras).put(key).put(value);
    return b.array();
  }

  private static byte[] packet(int opcode, int opaque) {
    return packet(opcode, opaque, new byte[0], new byte[0], new byte[0]);
  }

  private static byte[] plain(int opaque, String message) {
    return packet(0x21, opaque, new byte[0], bytes("PLAIN"), message.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] get(int opaque, String key) {
    return packet(0x00, opaque, new byte[0], bytes(key), new byte[0]);
  }

  private static String binReply(int op, int status, int opaque, String body) {
    return String.format("bin op=%02x status=%02x opaque=%d body=%s", op, status, opaque, body);
  }

  // text and meta before login ------------------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(Split.class)
  void aTextSessionLogsInWithASetAndOnlyThenReachesTheCommandLayer(Split split) {
    EmbeddedChannel ch = text();
    String session = "get foo\r\n"
        + "set foo 0 0 2\r\nhi\r\n"      // a set whose data is not "user password"
        + "set foo 0 0 11\r\nalice wrong\r\n"
        + "version\r\n"
        + "set login 0 0 12\r\nalice s3cret\r\n"
        + "set toast 0 0 2\r\nhi\r\n"
        + "get toast\r\n";
    assertThat(send(ch, bytes(session), split)).containsExactly(
        UNAUTH,
        "CLIENT_ERROR bad authentication token format",
        FAILURE,
        "pass:Version",
        STORED,
        "pass:Store",
        "pass:Get");
    assertThat(ch.isOpen()).as("failures keep the connection, as in memcached").isTrue();
    assertThat(count(Counter.AUTH_CMDS)).isEqualTo(2);
    assertThat(count(Counter.AUTH_ERRORS)).isEqualTo(1);
    assertThat(guard.events).containsExactly("failure 127.0.0.9", "success 127.0.0.9");
    assertThat(ch.finishAndReleaseAll()).isFalse();
  }

  @Test
  void everyOtherTextCommandIsUnauthenticatedAndNeverRuns() {
    EmbeddedChannel ch = text();
    List<String> got = send(ch, "gets a b\r\nadd k 0 0 2\r\nhi\r\nappend k 0 0 1\r\nx\r\n"
        + "cas k 0 0 1 5\r\ny\r\ndelete k\r\nincr n 1\r\ntouch k 10\r\ngat 10 k\r\nflush_all\r\nstats\r\n"
        + "verbosity 1\r\ncache_memlimit 100\r\nshutdown\r\n");
    assertThat(got).hasSize(13).containsOnly(UNAUTH);
    assertThat(count(Counter.AUTH_CMDS)).as("not login attempts").isZero();
    assertThat(users.shown).isEmpty();
    assertThat(ch.isOpen()).isTrue();
    ch.finishAndReleaseAll();
  }

  @Test
  void linesTheDecoderRejectsAreUnauthenticatedTooAndAClosePassesThrough() {
    EmbeddedChannel ch = text();
    assertThat(send(ch, "bogus\r\n\r\nset k 0 0 notanumber\r\nget " + "k".repeat(251) + "\r\n"))
        .containsExactly(UNAUTH, UNAUTH, UNAUTH, UNAUTH);
    assertThat(send(ch, "x".repeat(3000))).as("a line over the limit closes, as without the gate")
        .containsExactly(CLOSE);
    assertThat(send(ch, "set k 0 0 12\r\nalice s3cret\r\n")).as("nothing after a close").isEmpty();
    ch.finishAndReleaseAll();
  }

  @Test
  void metaCommandsAreRefusedBeforeLoginDataBlocksIncluded() {
    EmbeddedChannel ch = text();
    assertThat(send(ch, "mg foo v\r\nms foo 2\r\nhi\r\nmd foo\r\nma n\r\nmn\r\nme foo\r\nmz\r\n"))
        .containsExactly(UNAUTH, UNAUTH, UNAUTH, UNAUTH, UNAUTH, UNAUTH, UNAUTH);
    assertThat(send(ch, "set k 0 0 12\r\nalice s3cret\r\nmg foo v\r\nmn\r\n"))
        .containsExactly(STORED, "pass:MetaGet", "pass:MetaNoop");
    ch.finishAndReleaseAll();
  }

  @Test
  void quitIsServedBeforeLogin() {
    EmbeddedChannel ch = text();
    assertThat(send(ch, "quit\r\nget foo\r\n")).containsExactly("pass:Quit");
    ch.finishAndReleaseAll();
  }

  @Test
  void theLoginIsAnsweredEvenWithNoreplyAndAnyKeyFlagsAndExptime() {
    EmbeddedChannel ch = text();
    assertThat(send(ch, "set anything 12345 -1 14 noreply\r\n  bob  hunter2\r\n")).containsExactly(STORED);
    assertThat(ch.pipeline().get(AuthGate.class).user()).isEqualTo("bob");
    ch.finishAndReleaseAll();
  }

  @Test
  void tokensAfterThePasswordAreIgnoredAsMemcachedDoes() {
    EmbeddedChannel ch = text();
    assertThat(send(ch, "set k 0 0 18\r\nalice s3cret extra\r\n")).containsExactly(STORED);
    ch.finishAndReleaseAll();
  }

  @Test
  void aBadTerminationOrAnOversizedLoginIsNoLogin() {
    EmbeddedChannel ch = text();
    assertThat(send(ch, "set k 0 0 12\r\nalice s3cretXX")).containsExactly("CLIENT_ERROR bad command line termination");
    assertThat(count(Counter.AUTH_CMDS)).isZero();
    String big = "set k 0 0 2000000\r\n";
    assertThat(send(ch, concat(bytes(big), new byte[2_000_002]), Split.WHOLE)).containsExactly(FAILURE);
    assertThat(count(Counter.AUTH_ERRORS)).isEqualTo(1);
    assertThat(send(ch, "get k\r\n")).containsExactly(UNAUTH);
    ch.finishAndReleaseAll();
  }

  @Test
  void passwordsAreWipedAndNeverLogged() {
    EmbeddedChannel ch = text();
    send(ch, "set k 0 0 14\r\nalice password\r\n");
    send(ch, "set k 0 0 12\r\nalice s3cret\r\n");
    assertThat(users.shown).hasSize(2).allSatisfy(p -> assertThat(p).containsOnly(0));
    assertThat(log.at(System.Logger.Level.WARNING)).singleElement().asString()
        .contains("\"alice\"").contains("127.0.0.9").doesNotContain("password");
    assertThat(log.records).noneMatch(r -> r.contains("s3cret") || r.contains("password"));
    ch.finishAndReleaseAll();
  }

  @Test
  void userNamesAreLoggedSafely() {
    EmbeddedChannel ch = text();
    send(ch, "set k 0 0 8\r\nev\u001bil pw\r\n");
    assertThat(log.at(System.Logger.Level.WARNING)).singleElement().asString().contains("\"ev?il\"");
    ch.finishAndReleaseAll();
  }

  // binary ----------------------------------------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(Split.class)
  void binaryLogsInWithSaslPlain(Split split) {
    EmbeddedChannel ch = binary();
    byte[] session = concat(packet(0x20, 1), plain(2, "\0alice\0wrong"), plain(3, "\0alice\0s3cret"),
        get(4, "k"), packet(0x0a, 5));
    assertThat(send(ch, session, split)).containsExactly(
        binReply(0x20, 0, 1, "PLAIN"),
        binReply(0x21, 0x20, 2, "Auth failure."),
        binReply(0x21, 0, 3, "Authenticated"),
        "pass:MetaGet",
        "pass:MetaNoop");
    assertThat(count(Counter.AUTH_CMDS)).isEqualTo(2);
    assertThat(count(Counter.AUTH_ERRORS)).isEqualTo(1);
    assertThat(ch.finishAndReleaseAll()).isFalse();
  }

  @Test
  void anyOtherBinaryRequestBeforeLoginIsAuthErrorAndClose() {
    for (byte[] request : List.of(get(7, "k"), packet(0x0a, 7), packet(0x10, 7),
        packet(0x01, 7, new byte[8], bytes("k"), bytes("v")), packet(0x50, 7), packet(0x08, 7))) {
      EmbeddedChannel ch = binary();
      int op = request[1] & 0xff;
      assertThat(send(ch, concat(request, plain(8, "\0alice\0s3cret"))))
          .as("opcode %02x", op).containsExactly(binReply(op, 0x20, 7, "Auth failure."), CLOSE);
      assertThat(users.shown).isEmpty();
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void versionAndQuitAreServedBeforeBinaryLogin() {
    EmbeddedChannel ch = binary();
    assertThat(send(ch, concat(packet(0x0b, 1), packet(0x07, 2), packet(0x0a, 3))))
        .containsExactly("pass:Version", binReply(0x07, 0, 2, ""), CLOSE);
    ch.finishAndReleaseAll();
  }

  @Test
  void saslStepUnknownMechanismsAndOtherIdentitiesFail() {
    EmbeddedChannel ch = binary();
    byte[] cram = packet(0x21, 2, new byte[0], bytes("CRAM-MD5"), bytes("x"));
    byte[] step = packet(0x22, 3, new byte[0], bytes("PLAIN"), bytes("\0alice\0s3cret"));
    assertThat(send(ch, concat(cram, step, plain(4, "bob\0alice\0s3cret"), plain(5, "no-nul-at-all"))))
        .containsExactly(binReply(0x21, 0x20, 2, "Auth failure."), binReply(0x22, 0x20, 3, "Auth failure."),
            binReply(0x21, 0x20, 4, "Auth failure."), binReply(0x21, 0x20, 5, "Auth failure."));
    assertThat(count(Counter.AUTH_CMDS)).isEqualTo(4);
    assertThat(count(Counter.AUTH_ERRORS)).isEqualTo(4);
    assertThat(send(ch, plain(6, "alice\0alice\0s3cret"))).as("authzid equal to the user is fine")
        .containsExactly(binReply(0x21, 0, 6, "Authenticated"));
    ch.finishAndReleaseAll();
  }

  @Test
  void saslAfterLoginIsAnsweredByTheGateAndCanSwitchUser() {
    EmbeddedChannel ch = binary(Set.of("root"));
    send(ch, plain(1, "\0alice\0s3cret"));
    assertThat(send(ch, concat(packet(0x20, 2), plain(3, "\0root\0bad"))))
        .containsExactly(binReply(0x20, 0, 2, "PLAIN"), binReply(0x21, 0x20, 3, "Auth failure."));
    assertThat(ch.pipeline().get(AuthGate.class).user()).as("a failed re-login keeps the login").isEqualTo("alice");
    assertThat(send(ch, packet(0x08, 4))).containsExactly(binReply(0x08, 0x20, 4, "Auth failure."));
    assertThat(send(ch, concat(plain(5, "\0root\0toor"), packet(0x08, 6))))
        .containsExactly(binReply(0x21, 0, 5, "Authenticated"), "pass:FlushAll");
    ch.finishAndReleaseAll();
  }

  @Test
  void aTooLongMechanismIsTheDecodersInvalidArguments() {
    EmbeddedChannel ch = binary();
    byte[] longMech = packet(0x21, 1, new byte[0], bytes("M".repeat(40)), bytes("x"));
    assertThat(send(ch, concat(longMech, packet(0x20, 2))))
        .containsExactly(binReply(0x21, 0x04, 1, "Invalid arguments"), binReply(0x20, 0, 2, "PLAIN"));
    ch.finishAndReleaseAll();
  }

  // brute force ---------------------------------------------------------------------------------------------

  @Test
  void aRefusedSourceGetsTheFailureAndIsClosedWithoutAPasswordCheck() {
    guard.refused.add(PEER.getAddress());
    EmbeddedChannel ch = text();
    assertThat(send(ch, "set k 0 0 12\r\nalice s3cret\r\nget k\r\n")).containsExactly(FAILURE, CLOSE);
    assertThat(users.shown).isEmpty();
    assertThat(count(Counter.AUTH_ERRORS)).isEqualTo(1);
    assertThat(log.at(System.Logger.Level.WARNING)).singleElement().asString().contains("too many failures");

    EmbeddedChannel bin = binary();
    assertThat(send(bin, plain(9, "\0alice\0s3cret"))).containsExactly(binReply(0x21, 0x20, 9, "Auth failure."), CLOSE);
    assertThat(users.shown).isEmpty();
    ch.finishAndReleaseAll();
    bin.finishAndReleaseAll();
  }

  @Test
  void aFailureIsAnsweredAfterTheGuardsDelayWithoutBlockingAndInOrder() {
    guard.delay = 2000;
    EmbeddedChannel ch = text();
    assertThat(send(ch, "set k 0 0 11\r\nalice wrong\r\nversion\r\nset k 0 0 12\r\nalice s3cret\r\nget k\r\n"))
        .as("nothing while the reply is held back").isEmpty();
    assertThat(ch.config().isAutoRead()).as("reading paused").isFalse();
    ch.advanceTimeBy(1999, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    assertThat(drain(ch)).isEmpty();
    ch.advanceTimeBy(1, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    assertThat(drain(ch)).containsExactly(FAILURE, "pass:Version", STORED, "pass:Get");
    assertThat(ch.config().isAutoRead()).isTrue();
    ch.finishAndReleaseAll();
  }

  @Test
  void requestsQueuedBehindADelayedFailureCanFailAgain() {
    guard.delay = 100;
    EmbeddedChannel ch = binary();
    assertThat(send(ch, concat(plain(1, "\0alice\0x"), plain(2, "\0alice\0y"), packet(0x0b, 3)))).isEmpty();
    ch.advanceTimeBy(100, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    assertThat(drain(ch)).containsExactly(binReply(0x21, 0x20, 1, "Auth failure."));
    assertThat(ch.config().isAutoRead()).isFalse();
    ch.advanceTimeBy(100, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    assertThat(drain(ch)).containsExactly(binReply(0x21, 0x20, 2, "Auth failure."), "pass:Version");
    assertThat(count(Counter.AUTH_ERRORS)).isEqualTo(2);
    ch.finishAndReleaseAll();
  }

  @Test
  void tooManyRequestsBehindADelayedFailureCloseTheConnection() {
    guard.delay = 100;
    EmbeddedChannel ch = text();
    String flood = "set k 0 0 11\r\nalice wrong\r\n" + "get k\r\n".repeat(AuthGate.MAX_PENDING + 1);
    assertThat(send(ch, flood)).containsExactly(CLOSE);
    ch.advanceTimeBy(100, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    assertThat(drain(ch)).as("the held-back reply is dropped with the connection").isEmpty();
    ch.finishAndReleaseAll();
  }

  @Test
  void aConnectionClosedDuringTheDelayGetsNothingMore() {
    guard.delay = 100;
    EmbeddedChannel ch = text();
    assertThat(send(ch, "set k 0 0 11\r\nalice wrong\r\nget k\r\n")).isEmpty();
    ch.close();
    ch.advanceTimeBy(100, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    assertThat(drain(ch)).isEmpty();
    ch.finishAndReleaseAll();
  }

  @Test
  void theRealGuardDelaysThenRefusesASourceThatKeepsFailing() {
    long[] now = {0};
    BruteForceGuard real = new BruteForceGuard(() -> now[0], 100, 3, Duration.ofSeconds(2), 5, Duration.ofMinutes(5));
    EmbeddedChannel ch = channel(new TextDecoder(LIMITS),
        new AuthGate(users, AuthGate.Guard.of(real), policy(Set.of()), counters, log));
    String wrong = "set k 0 0 11\r\nalice wrong\r\n";
    assertThat(send(ch, wrong + wrong + wrong)).as("free failures").containsExactly(FAILURE, FAILURE, FAILURE);
    assertThat(send(ch, wrong)).as("the fourth is delayed").isEmpty();
    ch.advanceTimeBy(BruteForceGuard.FIRST_DELAY_MILLIS, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    assertThat(drain(ch)).containsExactly(FAILURE);
    assertThat(send(ch, wrong)).isEmpty();
    ch.advanceTimeBy(2 * BruteForceGuard.FIRST_DELAY_MILLIS, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    assertThat(drain(ch)).as("the fifth failure is delayed twice as long").containsExactly(FAILURE);
    int checked = users.shown.size();
    assertThat(send(ch, "set k 0 0 12\r\nalice s3cret\r\n")).as("refused even with the right password")
        .containsExactly(FAILURE, CLOSE);
    assertThat(users.shown).hasSize(checked);
    assertThat(count(Counter.AUTH_CMDS)).isEqualTo(6);
    assertThat(count(Counter.AUTH_ERRORS)).isEqualTo(6);
    ch.finishAndReleaseAll();
  }

  @Test
  void anExpensiveCheckRunsOnTheVerifierWhileTheConnectionWaits() {
    users.expensive = true;
    ArrayDeque<Runnable> verifier = new ArrayDeque<>();
    EmbeddedChannel ch = channel(new TextDecoder(LIMITS),
        new AuthGate(users, guard, policy(Set.of()), counters, log, verifier::add));
    assertThat(send(ch, "set k 0 0 12\r\nalice s3cret\r\nget k\r\n")).isEmpty();
    assertThat(users.shown).as("not checked on the event loop").isEmpty();
    assertThat(ch.config().isAutoRead()).isFalse();
    Thread worker = new Thread(verifier.poll(), "verifier-1");
    worker.start();
    assertThatCode(() -> worker.join(5000)).doesNotThrowAnyException();
    assertThat(users.threads).containsExactly("verifier-1");
    ch.runPendingTasks();
    assertThat(drain(ch)).containsExactly(STORED, "pass:Get");
    assertThat(ch.config().isAutoRead()).isTrue();
    assertThat(users.shown).singleElement().satisfies(p -> assertThat(p).containsOnly(0));
    ch.finishAndReleaseAll();
  }

  @Test
  void aFailedExpensiveCheckStillWaitsForTheGuardsDelay() {
    users.expensive = true;
    guard.delay = 300;
    ArrayDeque<Runnable> verifier = new ArrayDeque<>();
    EmbeddedChannel ch = channel(new TextDecoder(LIMITS),
        new AuthGate(users, guard, policy(Set.of()), counters, log, verifier::add));
    assertThat(send(ch, "set k 0 0 11\r\nalice wrong\r\nversion\r\n")).isEmpty();
    verifier.poll().run();
    ch.runPendingTasks();
    assertThat(drain(ch)).isEmpty();
    ch.advanceTimeBy(300, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    assertThat(drain(ch)).containsExactly(FAILURE, "pass:Version");
    ch.finishAndReleaseAll();
  }

  @Test
  void aVerifierThatIsFullFailsTheLoginAndCloses() {
    users.expensive = true;
    EmbeddedChannel ch = channel(new BinaryDecoder(LIMITS), new AuthGate(users, guard, policy(Set.of()), counters, log,
        r -> {
          throw new RejectedExecutionException("full");
        }));
    assertThat(send(ch, concat(plain(1, "\0alice\0s3cret"), packet(0x0b, 2))))
        .containsExactly(binReply(0x21, 0x20, 1, "Auth failure."), CLOSE);
    assertThat(users.shown).isEmpty();
    assertThat(count(Counter.AUTH_ERRORS)).isEqualTo(1);
    ch.finishAndReleaseAll();
  }

  @Test
  void anAuthenticatorThatThrowsIsAFailedLogin() {
    EmbeddedChannel ch = channel(new TextDecoder(LIMITS), new AuthGate((u, p) -> {
      throw new IllegalStateException("broken store");
    }, guard, policy(Set.of()), counters, log));
    assertThat(send(ch, "set k 0 0 12\r\nalice s3cret\r\n")).containsExactly(FAILURE);
    assertThat(log.at(System.Logger.Level.ERROR)).hasSize(1);
    ch.finishAndReleaseAll();
  }

  // admin users ---------------------------------------------------------------------------------------------

  private static final String ADMIN_COMMANDS = "flush_all\r\nflush_all 10\r\nshutdown\r\ncache_memlimit 100\r\n"
      + "verbosity 1\r\nstats reset\r\nstats conns\r\n";

  @Test
  void adminCommandsAreRefusedToOtherUsers() {
    EmbeddedChannel ch = text(Set.of("root"));
    send(ch, "set k 0 0 12\r\nalice s3cret\r\n");
    assertThat(send(ch, ADMIN_COMMANDS)).hasSize(7).containsOnly(DENIED);
    assertThat(send(ch, "flush_all noreply\r\nverbosity 1 noreply\r\n")).containsExactly("NONE", "NONE");
    assertThat(send(ch, "stats\r\nstats settings\r\nstats items\r\nget k\r\nset k 0 0 1\r\nv\r\n"))
        .containsExactly("pass:Stats(null)", "pass:Stats(settings)", "pass:Stats(items)", "pass:Get", "pass:Store");
    assertThat(ch.isOpen()).isTrue();
    assertThat(log.at(System.Logger.Level.WARNING)).hasSize(9).allMatch(r -> r.contains("\"alice\""));
    ch.finishAndReleaseAll();
  }

  @Test
  void adminUsersRunAdminCommands() {
    EmbeddedChannel ch = text(Set.of("root"));
    send(ch, "set k 0 0 9\r\nroot toor\r\n");
    assertThat(send(ch, ADMIN_COMMANDS)).containsExactly("pass:FlushAll", "pass:FlushAll", "pass:Shutdown",
        "pass:CacheMemlimit", "pass:Verbosity", "pass:Stats(reset)", "pass:Stats(conns)");
    ch.finishAndReleaseAll();
  }

  @Test
  void withoutAdminUsersEveryUserIsAnAdmin() {
    EmbeddedChannel ch = text();
    send(ch, "set k 0 0 12\r\nalice s3cret\r\n");
    assertThat(send(ch, ADMIN_COMMANDS)).noneMatch(r -> r.equals(DENIED)).hasSize(7);
    ch.finishAndReleaseAll();
  }

  @Test
  void binaryAdminRequestsAreAuthErrorsForOtherUsersAndTheConnectionStays() {
    EmbeddedChannel ch = binary(Set.of("root"));
    send(ch, plain(1, "\0bob\0hunter2"));
    byte[] statReset = packet(0x10, 3, new byte[0], bytes("reset"), new byte[0]);
    assertThat(send(ch, concat(packet(0x08, 2), statReset, packet(0x18, 4), packet(0x10, 5))))
        .containsExactly(binReply(0x08, 0x20, 2, "Auth failure."), binReply(0x10, 0x20, 3, "Auth failure."),
            binReply(0x18, 0x20, 4, "Auth failure."), "pass:Stats(null)");
    assertThat(ch.isOpen()).isTrue();
    ch.finishAndReleaseAll();
  }
}
