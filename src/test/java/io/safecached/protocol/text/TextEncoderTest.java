package io.safecached.protocol.text;

import static io.safecached.testsupport.CodecFixtures.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.safecached.command.Result;
import io.safecached.testsupport.CodecFixtures;
import io.safecached.testsupport.CodecFixtures.Release;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The text encoder writes every result exactly as memcached does and leaks no buffer. */
class TextEncoderTest {

  private static String encode(Result... results) {
    return CodecFixtures.encode(new TextEncoder(), b -> b.toString(StandardCharsets.ISO_8859_1),
        Release.FREED_OR_SHARED_CONSTANT, (Object[]) results);
  }

  @Test
  void fixedReplies() {
    assertThat(encode(Result.Status.STORED, Result.Status.NOT_STORED, Result.Status.EXISTS,
        Result.Status.NOT_FOUND, Result.Status.DELETED, Result.Status.TOUCHED, Result.Status.OK,
        Result.Status.RESET, Result.Status.MEMLIMIT_TOO_SMALL))
        .isEqualTo("STORED\r\nNOT_STORED\r\nEXISTS\r\nNOT_FOUND\r\nDELETED\r\nTOUCHED\r\nOK\r\nRESET\r\n"
            + "MEMLIMIT_TOO_SMALL cannot set maxbytes to less than 8m\r\n");
  }

  @Test
  void sharedRepliesCanBeWrittenManyTimes() {
    String once = encode(Result.Status.STORED);
    assertThat(encode(Result.Status.STORED, Result.Status.STORED, Result.Status.STORED)).isEqualTo(once.repeat(3));
  }

  @Test
  void valuesWithAndWithoutCas() {
    Result.Hit a = new Result.Hit(bytes("a"), 0, bytes("x"), 5);
    Result.Hit b = new Result.Hit(bytes("b"), -1, bytes("\r\n"), -1);
    assertThat(encode(new Result.Values(List.of(a, b), false)))
        .isEqualTo("VALUE a 0 1\r\nx\r\nVALUE b 4294967295 2\r\n\r\n\r\nEND\r\n");
    assertThat(encode(new Result.Values(List.of(a, b), true)))
        .isEqualTo("VALUE a 0 1 5\r\nx\r\nVALUE b 4294967295 2 18446744073709551615\r\n\r\n\r\nEND\r\n");
    assertThat(encode(new Result.Values(List.of(), true))).isEqualTo("END\r\n");
  }

  @Test
  void largeValuesAreSentWhole() {
    byte[] big = new byte[100_000];
    java.util.Arrays.fill(big, (byte) 'z');
    Result.Hit small = new Result.Hit(bytes("s"), 1, bytes("v"), 1);
    Result.Hit large = new Result.Hit(bytes("big"), 2, big, 2);
    String out = encode(new Result.Values(List.of(small, large, small), false));
    assertThat(out).isEqualTo("VALUE s 1 1\r\nv\r\nVALUE big 2 100000\r\n" + "z".repeat(100_000)
        + "\r\nVALUE s 1 1\r\nv\r\nEND\r\n");
  }

  @Test
  void numbersStatsAndErrors() {
    assertThat(encode(new Result.Number(-1))).isEqualTo("18446744073709551615\r\n");
    assertThat(encode(new Result.Version("1.6.45-safecached-0.1.0"))).isEqualTo("VERSION 1.6.45-safecached-0.1.0\r\n");
    assertThat(encode(new Result.Stats(List.of(new Result.Stat("pid", "1"), new Result.Stat("uptime", "2")))))
        .isEqualTo("STAT pid 1\r\nSTAT uptime 2\r\nEND\r\n");
    assertThat(encode(new Result.Stats(List.of()))).isEqualTo("END\r\n");
    assertThat(encode(Result.Error.PLAIN, new Result.Error("ERROR: shutdown not enabled"),
        new Result.ClientError("bad data chunk"), new Result.ServerError("object too large for cache")))
        .isEqualTo("ERROR\r\nERROR: shutdown not enabled\r\nCLIENT_ERROR bad data chunk\r\n"
            + "SERVER_ERROR object too large for cache\r\n");
  }
}
