package io.safecached.protocol.meta;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * Base64 for meta keys sent with the {@code b} flag, decoded as leniently as memcached 1.6 decodes them: bytes
 * outside the alphabet are skipped, the remaining symbols (padding included) must come in whole groups of four,
 * decoding stops after the first group that holds padding, and three or four padding symbols in a group, like an
 * empty key, are an error. Replies encode keys in standard padded base64.
 */
final class Base64Keys {
  private static final byte[] ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".getBytes(StandardCharsets.US_ASCII);
  private static final byte SKIP = -1;
  private static final byte PAD = -2;
  private static final byte[] VALUES = new byte[256];

  static {
    Arrays.fill(VALUES, SKIP);
    for (int i = 0; i < ALPHABET.length; i++) {
      VALUES[ALPHABET[i]] = (byte) i;
    }
    VALUES['='] = PAD;
  }

  private Base64Keys() {}

  /** The decoded bytes of {@code src[from, to)}, or null when memcached would fail to decode them. */
  static byte[] decode(byte[] src, int from, int to) {
    int symbols = 0;
    for (int i = from; i < to; i++) {
      if (VALUES[src[i] & 0xff] != SKIP) {
        symbols++;
      }
    }
    if (symbols == 0 || symbols % 4 != 0) {
      return null;
    }
    byte[] out = new byte[symbols / 4 * 3];
    int length = 0;
    int group = 0;
    int inGroup = 0;
    int pads = 0;
    for (int i = from; i < to; i++) {
      byte v = VALUES[src[i] & 0xff];
      if (v == SKIP) {
        continue;
      }
      if (v == PAD) {
        pads++;
        v = 0;
      }
      group = (group << 6) | v;
      if (++inGroup < 4) {
        continue;
      }
      out[length++] = (byte) (group >> 16);
      out[length++] = (byte) (group >> 8);
      out[length++] = (byte) group;
      group = 0;
      inGroup = 0;
      if (pads > 0) {
        if (pads > 2) {
          return null;
        }
        length -= pads;
        break;
      }
    }
    return Arrays.copyOf(out, length);
  }

  /** Standard padded base64 of {@code key}, as memcached prints binary keys. */
  static byte[] encode(byte[] key) {
    return Base64.getEncoder().encode(key);
  }
}
