package io.safecached.protocol.meta;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Base64 keys decode as leniently as memcached 1.6.18 decodes them and encode in standard form. */
class Base64KeysTest {

  private static String decode(String s) {
    byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
    byte[] d = Base64Keys.decode(b, 0, b.length);
    return d == null ? null : new String(d, StandardCharsets.ISO_8859_1);
  }

  @Test
  void standardInput() {
    assertThat(decode("Zm9vYmFy")).isEqualTo("foobar");
    assertThat(decode("Zm9vYg==")).isEqualTo("foob");
    assertThat(decode("Zm9vYmE=")).isEqualTo("fooba");
    assertThat(decode("+/+/")).isEqualTo("\u00fb\u00ff\u00bf");
  }

  @Test
  void bytesOutsideTheAlphabetAreSkipped() {
    assertThat(decode("Zm!9v")).isEqualTo("foo");
    assertThat(decode("Z\tm9\u00ffv")).isEqualTo("foo");
    assertThat(decode("Zm9v-_")).isEqualTo("foo"); // the URL-safe alphabet is not base64 here
  }

  @Test
  void decodingStopsAfterTheFirstPaddedGroup() {
    assertThat(decode("Zg==Zm9v")).isEqualTo("f");
    assertThat(decode("Z=g=")).hasSize(1); // padding counts wherever it sits in the group
  }

  @Test
  void failures() {
    assertThat(decode("")).isNull();
    assertThat(decode("!!!!")).isNull();
    assertThat(decode("Zm9")).isNull();
    assertThat(decode("Zm9v=")).isNull();
    assertThat(decode("A===")).isNull();
    assertThat(decode("====")).isNull();
  }

  @Test
  void decodesWhatItEncodes() {
    Random random = new Random(42);
    for (int n = 1; n <= 187; n++) {
      byte[] key = new byte[n];
      random.nextBytes(key);
      byte[] encoded = Base64Keys.encode(key);
      assertThat(encoded).isEqualTo(Base64.getEncoder().encode(key));
      assertThat(Base64Keys.decode(encoded, 0, encoded.length)).isEqualTo(key);
    }
  }

  @Test
  void decodesASlice() {
    byte[] line = "mg Zm9v b".getBytes(StandardCharsets.US_ASCII);
    assertThat(Base64Keys.decode(line, 3, 7)).isEqualTo("foo".getBytes(StandardCharsets.US_ASCII));
  }
}
