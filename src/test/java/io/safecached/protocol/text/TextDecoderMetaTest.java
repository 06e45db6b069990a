package io.safecached.protocol.text;

import static io.safecached.testsupport.CodecFixtures.bytes;
import static io.safecached.testsupport.CodecFixtures.concat;
import static io.safecached.testsupport.CodecFixtures.decode;
import static io.safecached.testsupport.CodecFixtures.pattern;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.safecached.command.Command;
import io.safecached.protocol.ProtocolLimits;
import io.safecached.testsupport.CodecFixtures;
import io.safecached.testsupport.CodecFixtures.Split;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Meta command lines through the text decoder, fed whole, byte by byte and in random splits. Every expected
 * error text and its precedence was observed on memcached 1.6.18. Rendered messages leave out fields that hold
 * their default (primitive 0 or false, or null), so {@code MetaGet(key='a' returnValue=true)} has every other
 * field unset.
 */
class TextDecoderMetaTest {
  private static final ProtocolLimits LIMITS = new ProtocolLimits(250, 2048, 8192, 1024 * 1024, false, false);
  private static final String KEY_250 = "k".repeat(250);
  private static final String KEY_251 = "k".repeat(251);
  private static final String OPAQUE_32 = "O" + "1".repeat(31);
  private static final String OPAQUE_33 = "O" + "1".repeat(32);
  private static final String BAD_FORMAT = "ClientError(kind=INVALID_ARGUMENTS message=bad command line format)";
  private static final String DUPLICATE = "ClientError(kind=INVALID_ARGUMENTS message=duplicate flag)";
  private static final String INVALID = "ClientError(kind=INVALID_ARGUMENTS message=invalid flag)";
  private static final String BAD_TOKEN = "ClientError(kind=INVALID_ARGUMENTS message=bad token in command line format)";
  private static final String FLAG_ERROR = "ClientError(kind=INVALID_ARGUMENTS message=invalid or duplicate flag)";
  private static final String OPAQUE_TOO_LONG = "ClientError(kind=INVALID_ARGUMENTS message=opaque token too long)";
  private static final String NOOP = "Framed(command=MetaNoop() frame=MetaFrame(verb=MN key='' flags=''))";
  private static final String ERROR = "Error(kind=UNKNOWN_COMMAND line=ERROR)";

  private static EmbeddedChannel channel() {
    return new EmbeddedChannel(new TextDecoder(LIMITS));
  }

  /** A framed meta command as rendered: the command's fields, then the frame's. */
  private static String framed(String command, String frame) {
    return "Framed(command=" + command + " frame=MetaFrame(" + frame + "))";
  }

  private static String mg(String key, String fields, String flags) {
    return framed("MetaGet(key='" + key + "'" + fields + ")", "verb=MG key='" + key + "' flags='" + flags + "'");
  }

  /** Renders and releases every message, leaving out record fields that hold their default. */
  private static List<String> compact(List<Object> messages) {
    return CodecFixtures.COMPACT.renderAll(messages);
  }

  static Stream<Arguments> fixtures() {
    return Stream.of(
        // ---------------------------------------------------------------- dispatch
        fixture("mn\r\n", NOOP),
        fixture("mn a b c\r\n", NOOP),
        fixture("mx a\r\n", ERROR),
        fixture("mz\r\n", ERROR),
        fixture("m\r\n", ERROR),
        fixture("mgx a\r\n", ERROR),
        fixture("MG a\r\n", ERROR),
        fixture("mg\r\n", ERROR),
        fixture("mx / HTTP/1.1\r\nmn\r\n", ERROR, NOOP),
        // ---------------------------------------------------------------- mg
        fixture("mg a\r\n", mg("a", "", "")),
        fixture("  mg   a   v  \r\n", mg("a", " returnValue=true", "v")),
        fixture("mg a\n", mg("a", "", "")),
        fixture("mg a\0 v\r\n", mg("a", "", "")),
        fixture("mg a s t c f l h k " + OPAQUE_32 + " v q u\r\n",
            framed("MetaGet(key='a' returnValue=true noBump=true quiet=true)",
                "verb=MG key='a' flags='stcflhkOvqu' opaque='" + OPAQUE_32 + "'")),
        fixture("mg a T30 N-1 R4294967297 E7 C8\r\n",
            mg("a", " compareCas=8 newCas=7 touchTtl=30 vivifyTtl=-1 recacheTtl=1 steps=TNR", "TNREC")),
        fixture("mg a T2147483648\r\n", mg("a", " touchTtl=-2147483648", "T")),
        fixture("mg a C18446744073709551615 Pfoo Lbar x I J5 D6 Mz F9\r\n",
            mg("a", " compareCas=-1", "CPLxIJDMF")),
        fixture("mg a O\r\n", framed("MetaGet(key='a')", "verb=MG key='a' flags='O' opaque='O'")),
        fixture("mg a vxyz q1\r\n", mg("a", " returnValue=true quiet=true", "vq")),
        fixture("mg " + KEY_250 + " v\r\n", mg(KEY_250, " returnValue=true", "v")),
        fixture("mg a\tb v\r\n", mg("a\tb", " returnValue=true", "v")),
        fixture("mg " + KEY_251 + " v\r\n", BAD_FORMAT),
        fixture("mg " + KEY_251 + " 1 2 3 4 5 6 7 8 9 a b c d e f g h i j\r\n", BAD_FORMAT),
        fixture("mg a 1 2 3 4 5 6 7 8 9 a b c d e f g h i\r\n",
            "ClientError(kind=INVALID_ARGUMENTS message=options flags are too long)"),
        fixture("mg a v " + "x ".repeat(30) + "\r\n", "ClientError(kind=INVALID_ARGUMENTS message=options flags are too long)"),
        fixture("mg a 1 2 3 4 5 6 7 8 9 a b c d e f g h\r\n", INVALID),
        fixture("mg a v v\r\n", DUPLICATE),
        fixture("mg a v vv\r\n", DUPLICATE),
        fixture("mg a \u00c3\r\n", DUPLICATE),
        fixture("mg a \u007f\r\n", DUPLICATE),
        fixture("mg a Xz\r\n", INVALID),
        fixture("mg a \t\r\n", INVALID),
        fixture("mg a Nabc\r\n", BAD_TOKEN),
        fixture("mg a N\r\n", BAD_TOKEN),
        fixture("mg a T1x\r\n", BAD_TOKEN),
        fixture("mg a R-\r\n", BAD_TOKEN),
        fixture("mg a C-1\r\n", BAD_TOKEN),
        fixture("mg a E18446744073709551616\r\n", BAD_TOKEN),
        fixture("mg a Fabc\r\n", BAD_FORMAT),
        fixture("mg a F-1\r\n", BAD_FORMAT),
        fixture("mg a J-1\r\n", "ClientError(kind=INVALID_ARGUMENTS message=invalid numeric initial value)"),
        fixture("mg a D-1\r\n", "ClientError(kind=INVALID_ARGUMENTS message=invalid numeric delta value)"),
        fixture("mg a MSS\r\n", "ClientError(kind=INVALID_ARGUMENTS message=incorrect length for M token)"),
        fixture("mg a M\r\n", "ClientError(kind=INVALID_ARGUMENTS message=incorrect length for M token)"),
        // a bad value is remembered and parsing goes on: the last one names the error ...
        fixture("mg a Jx Dx\r\n", "ClientError(kind=INVALID_ARGUMENTS message=invalid numeric delta value)"),
        fixture("mg a Nabc Mxx\r\n", "ClientError(kind=INVALID_ARGUMENTS message=incorrect length for M token)"),
        fixture("mg a Mxx Nabc\r\n", BAD_TOKEN),
        fixture("mg a Nabc Fx\r\n", BAD_TOKEN),
        // ... but a duplicate or unknown flag stops at once
        fixture("mg a Nabc v v\r\n", DUPLICATE),
        fixture("mg a Nabc Y\r\n", INVALID),
        fixture("mg a Y v v\r\n", INVALID),
        // mg runs with an over-long opaque, without quiet mode; the encoder answers the error
        fixture("mg a " + OPAQUE_33 + " q T5\r\n", framed("MetaGet(key='a' touchTtl=5 noBump=true steps=O)",
            "verb=MG key='a' flags='OqT' opaque='" + OPAQUE_33 + "'")),
        fixture("mg a " + OPAQUE_33 + " v v\r\n", DUPLICATE),
        // ---------------------------------------------------------------- base64 keys
        fixture("mg Zm9v b k v\r\n",
            framed("MetaGet(key='foo' returnValue=true)", "verb=MG key='foo' keyBinary=true flags='bkv'")),
        fixture("mg YWI= O1 b k\r\n",
            framed("MetaGet(key='ab')", "verb=MG key='ab' keyBinary=true flags='Obk' opaque='O1'")),
        fixture("mg Zg== b\r\n", framed("MetaGet(key='f')", "verb=MG key='f' keyBinary=true flags='b'")),
        fixture("mg Zm8= b\r\n", framed("MetaGet(key='fo')", "verb=MG key='fo' keyBinary=true flags='b'")),
        fixture("mg Zm!9v b\r\n", framed("MetaGet(key='foo')", "verb=MG key='foo' keyBinary=true flags='b'")),
        fixture("mg Zg==Zm9v b\r\n", framed("MetaGet(key='f')", "verb=MG key='f' keyBinary=true flags='b'")),
        fixture("mg a b\r\n", "ClientError(kind=INVALID_ARGUMENTS message=error decoding key)"),
        fixture("mg Zm9v= b\r\n", "ClientError(kind=INVALID_ARGUMENTS message=error decoding key)"),
        fixture("mg ==== b\r\n", "ClientError(kind=INVALID_ARGUMENTS message=error decoding key)"),
        fixture("mg A=== b\r\n", "ClientError(kind=INVALID_ARGUMENTS message=error decoding key)"),
        fixture("mg !!!! b\r\n", "ClientError(kind=INVALID_ARGUMENTS message=error decoding key)"),
        fixture("mg a b Nx\r\n", BAD_TOKEN),
        // ---------------------------------------------------------------- ms
        fixture("ms a 2\r\nhi\r\n",
            framed("MetaSet(key='a' mode=SET value='hi')", "verb=MS key='a' flags='' dataLength=2")),
        fixture("ms a 0\r\n\r\nmn\r\n",
            framed("MetaSet(key='a' mode=SET value='')", "verb=MS key='a' flags=''"), NOOP),
        fixture("ms YQ== 2 T100 F5 C9 E10 I q b k c s " + OPAQUE_32 + "\r\nhi\r\n", framed(
            "MetaSet(key='a' mode=CAS value='hi' flags=5 ttl=100 compareCas=9 newCas=10 invalidate=true"
                + " keyBinary=true quiet=true)",
            "verb=MS key='a' keyBinary=true flags='TFCEIqbkcsO' opaque='" + OPAQUE_32 + "' dataLength=2")),
        fixture("ms a 2 MA N30\r\nhi\r\n",
            framed("MetaSet(key='a' mode=APPEND value='hi' vivifyTtl=30)", "verb=MS key='a' flags='MN' dataLength=2")),
        fixture("ms a 1 ME\r\nx\r\nms a 1 MP\r\nx\r\nms a 1 MR\r\nx\r\nms a 1 MS\r\nx\r\n",
            framed("MetaSet(key='a' mode=ADD value='x')", "verb=MS key='a' flags='M' dataLength=1"),
            framed("MetaSet(key='a' mode=PREPEND value='x')", "verb=MS key='a' flags='M' dataLength=1"),
            framed("MetaSet(key='a' mode=REPLACE value='x')", "verb=MS key='a' flags='M' dataLength=1"),
            framed("MetaSet(key='a' mode=SET value='x')", "verb=MS key='a' flags='M' dataLength=1")),
        fixture("ms a 2 F4294967296 T4294967297\r\nhi\r\n",
            framed("MetaSet(key='a' mode=SET value='hi' ttl=1)", "verb=MS key='a' flags='FT' dataLength=2")),
        fixture("ms a 4294967298\r\nhi\r\n",
            framed("MetaSet(key='a' mode=SET value='hi')", "verb=MS key='a' flags='' dataLength=2")),
        fixture("ms a 4\r\na\r\nb\r\n",
            framed("MetaSet(key='a' mode=SET value='a\r\nb')", "verb=MS key='a' flags='' dataLength=4")),
        // errors before the data length is known: the data block is not swallowed
        fixture("ms\r\nmn\r\n", ERROR, NOOP),
        fixture("ms a\r\nmn\r\n", BAD_FORMAT, NOOP),
        fixture("ms a b\r\nmn\r\n", BAD_FORMAT, NOOP),
        fixture("ms a S2\r\nhi\r\nmn\r\n", BAD_FORMAT, ERROR, NOOP),
        fixture("ms a -1\r\nmn\r\n", BAD_FORMAT, NOOP),
        fixture("ms a 2147483646\r\nmn\r\n", BAD_FORMAT, NOOP),
        fixture("ms " + KEY_251 + " 2\r\nhi\r\nmn\r\n", BAD_FORMAT, ERROR, NOOP),
        fixture("ms a 2 1 2 3 4 5 6 7 8 9 a b c d e f g h\r\nhi\r\nmn\r\n",
            "ClientError(kind=INVALID_ARGUMENTS message=options flags too long)", ERROR, NOOP),
        // errors after it: the data block is swallowed, even with q
        fixture("ms a 2 1 2 3 4 5 6 7 8 9 a b c d e f g\r\nhi\r\nmn\r\n", INVALID, NOOP),
        fixture("ms a 2 v v\r\nhi\r\nmn\r\n", DUPLICATE, NOOP),
        fixture("ms a 2 q Y\r\nhi\r\nmn\r\n", INVALID, NOOP),
        fixture("ms a 2 Tx\r\nhi\r\nmn\r\n", BAD_TOKEN, NOOP),
        fixture("ms a 2 T-1 Fabc\r\nhi\r\nmn\r\n", BAD_FORMAT, NOOP),
        fixture("ms a 2 b\r\nhi\r\nmn\r\n", "ClientError(kind=INVALID_ARGUMENTS message=error decoding key)", NOOP),
        fixture("ms a 2 MX\r\nhi\r\nmn\r\n", "ClientError(kind=INVALID_ARGUMENTS message=invalid mode for ms M token)", NOOP),
        fixture("ms a 2 Ma\r\nhi\r\nmn\r\n", "ClientError(kind=INVALID_ARGUMENTS message=invalid mode for ms M token)", NOOP),
        fixture("ms a 2 MXY\r\nhi\r\nmn\r\n", "ClientError(kind=INVALID_ARGUMENTS message=incorrect length for M token)", NOOP),
        fixture("ms a 2 " + OPAQUE_33 + "\r\nhi\r\nmn\r\n", OPAQUE_TOO_LONG, NOOP),
        fixture("ms a 2 " + OPAQUE_33 + " MX\r\nhi\r\nmn\r\n",
            "ClientError(kind=INVALID_ARGUMENTS message=invalid mode for ms M token)", NOOP),
        fixture("ms a 2 " + OPAQUE_33 + " Mxy\r\nhi\r\nmn\r\n",
            "ClientError(kind=INVALID_ARGUMENTS message=incorrect length for M token)", NOOP),
        // bad data chunk: reported even with q; parsing resumes after <datalen>+2 bytes
        fixture("ms a 2 q\r\nhiX\r\nmn\r\n", "BadDataChunk()", ERROR, NOOP),
        fixture("ms a 2\r\nhi\n\nmn\r\n", "BadDataChunk()", NOOP),
        // too large: the old item goes, the data block is swallowed, the error is sent even with q
        fixture("ms a 2000000 q O1 k\r\n" + "a".repeat(2000000) + "\r\nmn\r\n",
            "StoreTooLarge(mode=SET key='a')", NOOP),
        fixture("ms a 2000000 MX\r\n" + "a".repeat(2000000) + "\r\nmn\r\n",
            "ClientError(kind=INVALID_ARGUMENTS message=invalid mode for ms M token)", NOOP),
        // ---------------------------------------------------------------- md
        fixture("md a\r\n", framed("MetaDelete(key='a')", "verb=MD key='a' flags=''")),
        fixture("md YQ== b C5 E6 I T30 x q k " + OPAQUE_32 + "\r\n", framed(
            "MetaDelete(key='a' compareCas=5 newCas=6 invalidate=true ttl=30 removeValue=true quiet=true)",
            "verb=MD key='a' keyBinary=true flags='bCEITxqkO' opaque='" + OPAQUE_32 + "'")),
        fixture("md\r\n", ERROR),
        fixture("md " + KEY_251 + "\r\n", BAD_FORMAT),
        fixture("md a 1 2 3 4 5 6 7 8 9 a b c d e f g h i\r\n", "ClientError(kind=INVALID_ARGUMENTS message=options flags too long)"),
        fixture("md a 1 2 3 4 5 6 7 8 9 a b c d e f g h\r\n", FLAG_ERROR),
        fixture("md a v v\r\n", FLAG_ERROR),
        fixture("md a Y\r\n", FLAG_ERROR),
        fixture("md a Nx\r\n", FLAG_ERROR),
        fixture("md a Cx\r\n", FLAG_ERROR),
        fixture("md a b\r\n", FLAG_ERROR),
        fixture("md a " + OPAQUE_33 + "\r\n", OPAQUE_TOO_LONG),
        fixture("md a " + OPAQUE_33 + " Y\r\n", FLAG_ERROR),
        // ---------------------------------------------------------------- ma
        fixture("ma a\r\n", framed("MetaArithmetic(key='a' increment=true delta=1)", "verb=MA key='a' flags=''")),
        fixture("ma a MD D5 J10 N0 T30 C3 E4 q v t c k O9\r\n", framed(
            "MetaArithmetic(key='a' delta=5 initial=10 vivifyTtl=0 ttl=30 compareCas=3 newCas=4 quiet=true)",
            "verb=MA key='a' flags='MDJNTCEqvtckO' opaque='O9'")),
        fixture("ma a M- D18446744073709551615\r\nma a M+\r\nma a MI\r\n",
            framed("MetaArithmetic(key='a' delta=-1)", "verb=MA key='a' flags='MD'"),
            framed("MetaArithmetic(key='a' increment=true delta=1)", "verb=MA key='a' flags='M'"),
            framed("MetaArithmetic(key='a' increment=true delta=1)", "verb=MA key='a' flags='M'")),
        fixture("ma\r\n", ERROR),
        // ---------------------------------------------------------------- one parser per connection
        // every flag of a line is gone by the next line, whatever the verbs (the parser's flags are reused)
        fixture("ms YQ== 2 T100 F5 C9 E10 I q b k " + OPAQUE_32 + "\r\nhi\r\nms a 2\r\nhi\r\n"
                + "mg a T30 N-1 R5 E7 C8 v q k " + OPAQUE_33 + "\r\nmg a\r\n"
                + "md a C5 E6 I T30 x q\r\nmd a\r\nma a MD D5 J10 N0 C3 E4 q\r\nma a\r\n"
                + "md a Y\r\nmd a\r\n",
            framed("MetaSet(key='a' mode=CAS value='hi' flags=5 ttl=100 compareCas=9 newCas=10 invalidate=true"
                + " keyBinary=true quiet=true)",
                "verb=MS key='a' keyBinary=true flags='TFCEIqbkO' opaque='" + OPAQUE_32 + "' dataLength=2"),
            framed("MetaSet(key='a' mode=SET value='hi')", "verb=MS key='a' flags='' dataLength=2"),
            framed("MetaGet(key='a' returnValue=true compareCas=8 newCas=7 touchTtl=30 vivifyTtl=-1 recacheTtl=5"
                + " noBump=true steps=TNRO)",
                "verb=MG key='a' flags='TNRECvqkO' opaque='" + OPAQUE_33 + "'"),
            mg("a", "", ""),
            framed("MetaDelete(key='a' compareCas=5 newCas=6 invalidate=true ttl=30 removeValue=true quiet=true)",
                "verb=MD key='a' flags='CEITxq'"),
            framed("MetaDelete(key='a')", "verb=MD key='a' flags=''"),
            framed("MetaArithmetic(key='a' delta=5 initial=10 vivifyTtl=0 compareCas=3 newCas=4 quiet=true)",
                "verb=MA key='a' flags='MDJNCEq'"),
            framed("MetaArithmetic(key='a' increment=true delta=1)", "verb=MA key='a' flags=''"),
            FLAG_ERROR,
            framed("MetaDelete(key='a')", "verb=MD key='a' flags=''")),
        fixture("ma " + KEY_251 + "\r\n", BAD_FORMAT),
        fixture("ma a 1 2 3 4 5 6 7 8 9 a b c d e f g h i\r\n", "ClientError(kind=INVALID_ARGUMENTS message=options flags too long)"),
        fixture("ma a v v\r\n", FLAG_ERROR),
        fixture("ma a MXY\r\n", FLAG_ERROR),
        fixture("ma a Dx\r\n", FLAG_ERROR),
        fixture("ma a J-1\r\n", FLAG_ERROR),
        fixture("ma a MX\r\n", "ClientError(kind=INVALID_ARGUMENTS message=invalid mode for ma M token)"),
        fixture("ma a MX " + OPAQUE_33 + "\r\n", "ClientError(kind=INVALID_ARGUMENTS message=invalid mode for ma M token)"),
        fixture("ma a q " + OPAQUE_33 + "\r\n", framed("MetaArithmetic(key='a' increment=true delta=1 steps=O)",
            "verb=MA key='a' flags='qO' opaque='" + OPAQUE_33 + "'")),
        // ---------------------------------------------------------------- me
        fixture("me a\r\n", framed("MetaDebug(key='a')", "verb=ME key='a' flags=''")),
        fixture("me YQ== b x y\r\n", framed("MetaDebug(key='a')", "verb=ME key='a' keyBinary=true flags=''")),
        fixture("me a 1 2 3 4 5 6 7 8 9 a b c d e f g h i j k l m n\r\n",
            framed("MetaDebug(key='a')", "verb=ME key='a' flags=''")),
        fixture("me a c b\r\n", framed("MetaDebug(key='a')", "verb=ME key='a' flags=''")),
        fixture("me\r\n", BAD_FORMAT),
        fixture("me " + KEY_251 + "\r\n", BAD_FORMAT),
        fixture("me a b\r\n", BAD_FORMAT),
        // ---------------------------------------------------------------- line limits
        fixture("mg a " + "v".repeat(3000), "Close()"),
        fixture("ms a 2 " + " ".repeat(3000), "Close()"),
        // ---------------------------------------------------------------- tokens and numbers at their edges
        fixture("mg  a   v   k  \r\n", mg("a", " returnValue=true", "vk")),
        fixture("mg a k v u k\r\n", DUPLICATE),
        fixture("mg a O1 v O2\r\n", DUPLICATE),
        fixture("mg a ~\r\n", INVALID),
        fixture("mg a T-2147483649 N9223372036854775807\r\n",
            mg("a", " touchTtl=2147483647 vivifyTtl=-1 steps=TN", "TN")),
        // T, N, R and t act in the order given (memcached 1.6.18); the plain order N T R t is left as null
        fixture("mg a t T1000\r\n", mg("a", " touchTtl=1000 steps=tT", "tT")),
        fixture("mg a T1000 t\r\n", mg("a", " touchTtl=1000", "Tt")),
        fixture("mg a R30 T10\r\n", mg("a", " touchTtl=10 recacheTtl=30 steps=RT", "RT")),
        // refused for its opaque: with h (or N, T, R, l) memcached's bump comes after the flags and never happens
        fixture("mg a h " + OPAQUE_33 + "\r\n", framed("MetaGet(key='a' noBump=true steps=O)",
            "verb=MG key='a' flags='hO' opaque='" + OPAQUE_33 + "'")),
        fixture("mg a v " + OPAQUE_33 + "\r\n", framed("MetaGet(key='a' returnValue=true steps=O)",
            "verb=MG key='a' flags='vO' opaque='" + OPAQUE_33 + "'")),
        fixture("mg a N5 v k T10 R3 t\r\n",
            mg("a", " returnValue=true touchTtl=10 vivifyTtl=5 recacheTtl=3", "NvkTRt")),
        fixture("mg a T9223372036854775808\r\n", BAD_TOKEN),
        fixture("ms   a   2   F4294967295   T-1  \r\nhi\r\n",
            framed("MetaSet(key='a' mode=SET value='hi' flags=-1 ttl=-1)", "verb=MS key='a' flags='FT' dataLength=2")),
        fixture("ms a 2 F18446744073709551616\r\nhi\r\nmn\r\n", BAD_FORMAT, NOOP),
        fixture("ms a 2 C18446744073709551615 E18446744073709551615\r\nhi\r\n",
            framed("MetaSet(key='a' mode=CAS value='hi' compareCas=-1 newCas=-1)",
                "verb=MS key='a' flags='CE' dataLength=2")),
        fixture("ms a 4294967297 q\r\nh\r\n",
            framed("MetaSet(key='a' mode=SET value='h' quiet=true)", "verb=MS key='a' flags='q' dataLength=1")),
        fixture("ma a J18446744073709551615 N-2147483649\r\n",
            framed("MetaArithmetic(key='a' increment=true delta=1 initial=-1 vivifyTtl=2147483647)",
                "verb=MA key='a' flags='JN'")),
        fixture("ma a D18446744073709551616\r\n", FLAG_ERROR),
        fixture("ma a D0\r\n", framed("MetaArithmetic(key='a' increment=true)", "verb=MA key='a' flags='D'")));
  }

  private static Arguments fixture(String input, String... expected) {
    return CodecFixtures.textFixture(input, expected);
  }

  static Stream<Arguments> fixturesBySplit() {
    return CodecFixtures.bySplit(fixtures());
  }

  @ParameterizedTest(name = "{1}: {0}")
  @MethodSource("fixturesBySplit")
  void decodesLikeMemcached(String name, Split split, String input, List<String> expected) {
    CodecFixtures.assertDecodes(TextDecoderMetaTest::channel, TextDecoderMetaTest::compact, bytes(input), split,
        expected);
  }

  static Stream<Arguments> fixturesByInput() {
    return TextDecoderTest.byInput(fixtures(), 20_000);
  }

  @ParameterizedTest(name = "{1} {2}: {0}")
  @MethodSource("fixturesByInput")
  void decodesDirectAndCompositeInputAlike(String name, TextDecoderTest.Input input, Split split, String text,
      List<String> expected) {
    CodecFixtures.assertDecodes(() -> input.channel(() -> new TextDecoder(LIMITS)), TextDecoderMetaTest::compact,
        bytes(text), split, expected);
  }

  @ParameterizedTest
  @EnumSource(Split.class)
  void msItemLimitCountsKeyHeaderAndClientFlagsLikeMemcached(Split split) {
    int fits = 1024 * 1024 - 56 - 1 - 1 - 2; // one-byte key, no client flags
    Split cut = split == Split.BYTE_BY_BYTE ? Split.RANDOM : split;
    List<String> ok = compact(decode(TextDecoderMetaTest::channel,
        bytes("ms a " + fits + "\r\n" + "v".repeat(fits) + "\r\nmn\r\n"), cut, 2));
    assertThat(ok).hasSize(2);
    assertThat(ok.get(0)).startsWith("Framed(command=MetaSet(key='a' mode=SET value='vvv");
    // non-zero client flags take 4 more bytes in memcached's item
    List<String> withFlags = compact(decode(TextDecoderMetaTest::channel,
        bytes("ms a " + fits + " F1\r\n" + "v".repeat(fits) + "\r\nmn\r\n"), cut, 3));
    assertThat(withFlags).containsExactly("StoreTooLarge(mode=SET key='a')", NOOP);
    List<String> tooBig = compact(decode(TextDecoderMetaTest::channel,
        bytes("ms a " + (fits + 1) + "\r\n" + "v".repeat(fits + 1) + "\r\nmn\r\n"), cut, 4));
    assertThat(tooBig).containsExactly("StoreTooLarge(mode=SET key='a')", NOOP);
    // the text set counts client flags the same way
    List<String> set = compact(decode(TextDecoderMetaTest::channel,
        bytes("set a 1 0 " + fits + "\r\n" + "v".repeat(fits) + "\r\nmn\r\n"), cut, 5));
    assertThat(set).containsExactly("StoreTooLarge(mode=SET key='a')", NOOP);
  }

  @ParameterizedTest
  @EnumSource(Split.class)
  void anMsValueArrivesIntact(Split split) {
    byte[] value = pattern(300_000);
    byte[] input = concat(bytes("ms big " + value.length + " F3 T0\r\n"), value, bytes("\r\n"));
    List<Object> got = decode(TextDecoderMetaTest::channel, input, split == Split.BYTE_BY_BYTE ? Split.RANDOM : split,
        7);
    assertThat(got).hasSize(1);
    Command.MetaSet set = (Command.MetaSet) ((Command.Framed) got.get(0)).command();
    assertThat(Arrays.equals(set.value(), value)).as("value bytes").isTrue();
    assertThat(set.flags()).isEqualTo(3);
  }

  @Test
  void aTextStorageCommandAfterAnMsIsNotFramed() {
    List<String> got = compact(decode(TextDecoderMetaTest::channel,
        bytes("ms a 1\r\nx\r\nset b 0 0 1 noreply\r\nyz\r\nset c 0 0 1\r\ny\r\n"), Split.WHOLE, 0));
    assertThat(got).containsExactly(
        framed("MetaSet(key='a' mode=SET value='x')", "verb=MS key='a' flags='' dataLength=1"),
        "BadDataChunk(noreply=true)", // counted as a set, answered with nothing (noreply)
        ERROR, // the leftover of the bad chunk is a line of its own
        "Store(mode=SET key='c' value='y')");
  }

  @Test
  void metaRequestsInOneDatagram() {
    ByteBuf payload = Unpooled.copiedBuffer(bytes("mg a v\r\nms b 2 q\r\nhi\r\nmd c\r\nmn\r\nms d 5\r\nab"));
    try {
      List<String> got = compact(TextDecoder.decodeDatagram(payload, LIMITS));
      assertThat(got).containsExactly(
          mg("a", " returnValue=true", "v"),
          framed("MetaSet(key='b' mode=SET value='hi' quiet=true)", "verb=MS key='b' flags='q' dataLength=2"),
          framed("MetaDelete(key='c')", "verb=MD key='c' flags=''"),
          NOOP); // the incomplete ms is dropped
      assertThat(payload.isReadable()).isFalse();
    } finally {
      payload.release();
    }
  }
}
