package io.safecached.protocol.binary;

import static io.safecached.protocol.binary.BinaryFixtures.NONE;
import static io.safecached.protocol.binary.BinaryFixtures.hex;
import static io.safecached.protocol.binary.BinaryFixtures.refusal;
import static io.safecached.protocol.binary.BinaryFixtures.request;
import static io.safecached.testsupport.CodecFixtures.bytes;
import static io.safecached.testsupport.CodecFixtures.concat;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.safecached.command.Result;
import io.safecached.protocol.ProtocolLimits;
import io.safecached.testsupport.CodecFixtures;
import io.safecached.testsupport.CodecFixtures.Release;
import io.safecached.testsupport.CodecFixtures.Split;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The SASL opcodes with SASL enabled: decoded into commands for the authentication gate (fed whole, byte by byte
 * and in random splits), and the replies encoded as memcached 1.6.18 with {@code -S} sends them.
 */
class BinarySaslTest {
  private static final ProtocolLimits LIMITS =
      new ProtocolLimits(250, 2048, 8192, 1024 * 1024, false, false).withSasl(true);

  private static EmbeddedChannel channel() {
    return new EmbeddedChannel(new BinaryDecoder(LIMITS));
  }

  private static String frame(int op, int opaque, String key) {
    return String.format("[op=%02x opaque=%d key='%s']", op, opaque, key);
  }

  private static byte[] noop(int opaque) {
    return request(0x0a, opaque, "");
  }

  private static String noopDecoded(int opaque) {
    return "MetaNoop() " + frame(0x0a, opaque, "");
  }

  private static byte[] auth(int opcode, int opaque, String mechanism, String data) {
    return request(opcode, opaque, 0, NONE, bytes(mechanism), bytes(data));
  }

  static Stream<Arguments> fixtures() {
    String mech32 = "M".repeat(32);
    return Stream.of(
        fixture("list mechs", concat(request(0x20, 1, ""), noop(2)),
            "SaslListMechs() " + frame(0x20, 1, ""), noopDecoded(2)),
        fixture("auth with PLAIN", concat(auth(0x21, 3, "PLAIN", "\0user\0secret"), noop(4)),
            "SaslAuth(mechanism=PLAIN data='\0user\0secret') " + frame(0x21, 3, "PLAIN"), noopDecoded(4)),
        fixture("auth without data", auth(0x21, 3, "PLAIN", ""),
            "SaslAuth(mechanism=PLAIN data='') " + frame(0x21, 3, "PLAIN")),
        fixture("step", concat(auth(0x22, 5, "PLAIN", "xy"), noop(6)),
            "SaslStep(mechanism=PLAIN data='xy') " + frame(0x22, 5, "PLAIN"), noopDecoded(6)),
        fixture("a 32-byte mechanism name", auth(0x21, 1, mech32, "d"),
            "SaslAuth(mechanism=" + mech32 + " data='d') " + frame(0x21, 1, mech32)),
        fixture("data of the largest size", auth(0x21, 1, "PLAIN", "p".repeat(BinaryDecoder.MAX_SASL_DATA)),
            "SaslAuth(mechanism=PLAIN data='" + "p".repeat(BinaryDecoder.MAX_SASL_DATA) + "') "
                + frame(0x21, 1, "PLAIN")),
        // too long: Invalid arguments, exactly the body skipped, the connection kept (memcached: swallow)
        fixture("a 33-byte mechanism name", concat(auth(0x21, 1, "M".repeat(33), "data"), noop(2)),
            refusal(0x21, 1, BinaryStatus.EINVAL), noopDecoded(2)),
        fixture("data over the limit", concat(auth(0x21, 1, "PLAIN", "p".repeat(BinaryDecoder.MAX_SASL_DATA + 1)),
            noop(2)), refusal(0x21, 1, BinaryStatus.EINVAL), noopDecoded(2)),
        fixture("a step over the limit", concat(auth(0x22, 1, "PLAIN", "p".repeat(BinaryDecoder.MAX_SASL_DATA + 1)),
            noop(2)), refusal(0x22, 1, BinaryStatus.EINVAL), noopDecoded(2)),
        // lengths that do not fit: as without SASL, Invalid arguments and a close
        fixture("list mechs with a key", request(0x20, 1, "k"), refusal(0x20, 1, BinaryStatus.EINVAL), "Close()"),
        fixture("auth without a mechanism", request(0x21, 1, 0, NONE, NONE, bytes("xyz")),
            refusal(0x21, 1, BinaryStatus.EINVAL), "Close()"),
        fixture("auth with extras", request(0x21, 1, 0, new byte[4], bytes("PLAIN"), NONE),
            refusal(0x21, 1, BinaryStatus.EINVAL), "Close()"));
  }

  private static Arguments fixture(String name, byte[] input, String... expected) {
    return Arguments.of(name, input, List.of(expected));
  }

  static Stream<Arguments> fixturesBySplit() {
    return CodecFixtures.bySplit(fixtures());
  }

  @ParameterizedTest(name = "{1}: {0}")
  @MethodSource("fixturesBySplit")
  void decodesSaslRequests(String name, Split split, byte[] input, List<String> expected) {
    CodecFixtures.assertDecodes(BinarySaslTest::channel, BinaryFixtures::renderAll, input, split, expected);
  }

  @Test
  void withoutSaslTheOpcodesStayUnknown() {
    ProtocolLimits off = new ProtocolLimits(250, 2048, 8192, 1024 * 1024, false, false);
    assertThat(off.saslEnabled()).isFalse();
    List<Object> got = CodecFixtures.decode(() -> new EmbeddedChannel(new BinaryDecoder(off)),
        concat(auth(0x21, 1, "PLAIN", "\0u\0p"), noop(2)), Split.WHOLE, 0);
    assertThat(BinaryFixtures.renderAll(got))
        .containsExactly(refusal(0x21, 1, BinaryStatus.UNKNOWN_COMMAND), noopDecoded(2));
  }

  // encoding ------------------------------------------------------------------------------------------------

  private static String encode(Result... results) {
    return CodecFixtures.encode(new BinaryEncoder(), ByteBufUtil::hexDump, Release.FREED_UNLESS_EMPTY,
        (Object[]) results);
  }

  private static String reply(int opcode, int status, int opaque, String body) {
    byte[] b = bytes(body);
    ByteBuffer buf = ByteBuffer.allocate(24 + b.length);
    buf.put((byte) 0x81).put((byte) opcode).putShort((short) 0).put((byte) 0).put((byte) 0)
        .putShort((short) status).putInt(b.length).putInt(opaque).putLong(0).put(b);
    return hex(buf.array());
  }

  @Test
  void listMechsAnswersTheMechanismsSeparatedBySpaces() {
    assertThat(encode(new Result.Framed(new Result.SaslMechanisms(List.of("PLAIN")), BinaryFrame.of(0x20, 7, NONE))))
        .isEqualTo(reply(0x20, 0, 7, "PLAIN"));
    assertThat(encode(new Result.Framed(new Result.SaslMechanisms(List.of("SCRAM-SHA-256", "PLAIN")),
        BinaryFrame.of(0x20, 8, NONE)))).isEqualTo(reply(0x20, 0, 8, "SCRAM-SHA-256 PLAIN"));
  }

  @Test
  void aSuccessfulLoginIsAuthenticated() {
    assertThat(encode(new Result.Framed(Result.Authenticated.INSTANCE, BinaryFrame.of(0x21, 9, bytes("PLAIN")))))
        .isEqualTo(reply(0x21, 0, 9, "Authenticated"));
  }

  @Test
  void aRefusedLoginIsAuthFailure() {
    BinaryFrame refused = BinaryFrame.of(0x21, 10, NONE);
    assertThat(encode(new Result.Framed(new Result.ClientError(Result.Rejection.Kind.NOT_PERMITTED,
        "authentication failure"), refused))).isEqualTo(reply(0x21, 0x20, 10, "Auth failure."));
  }
}
