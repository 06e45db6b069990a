package io.safecached.store;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.SecureRandom;

/**
 * A multilinear hash of key bytes under 66 random 64-bit multipliers drawn from {@link SecureRandom} per instance.
 *
 * <p>The hash is the top 32 bits of {@code m[0] + m[1] * length + sum(m[2 + i] * word[i])} over the key's
 * little-endian 32-bit words (a short last word zero-padded; past 64 words the multipliers repeat). Any two
 * distinct keys of up to 256 bytes collide with probability about 2^-32 whatever they are, so a client cannot
 * choose keys that collide, as it could with {@code Arrays.hashCode} ("Aa" and "BB").
 */
final class KeyHash {
  private static final int HASHED_WORDS = 64;
  private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final SecureRandom SEEDS = new SecureRandom();

  /** [0] constant, [1] length, then one per 32-bit word. */
  private final long[] multipliers = new long[2 + HASHED_WORDS];

  /** A hash with fresh random multipliers. */
  KeyHash() {
    for (int i = 0; i < multipliers.length; i++) {
      multipliers[i] = SEEDS.nextLong();
    }
  }

  /** A hash with the given multipliers (a warm restart's, saved by {@link #multipliers()}). */
  KeyHash(long[] saved) {
    if (saved.length != multipliers.length) {
      throw new IllegalArgumentException("expected " + multipliers.length + " multipliers");
    }
    System.arraycopy(saved, 0, multipliers, 0, saved.length);
  }

  /** A copy of the multipliers, to save with a warm-restart file. */
  long[] multipliers() {
    return multipliers.clone();
  }

  /** The hash of {@code k}. */
  int hash(byte[] k) {
    return (int) (sum(k) >>> 32);
  }

  /**
   * A 64-bit hash of {@code k}: the multilinear sum put through MurmurHash3's finaliser, a bijection that spreads
   * the strong top bits over the low ones, which pick buckets.
   */
  long hash64(byte[] k) {
    long h = sum(k);
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    return h ^ (h >>> 33);
  }

  private long sum(byte[] k) {
    long[] m = multipliers;
    int len = k.length;
    long h = m[0] + m[1] * len;
    int i = 0;
    int word = 0;
    for (; i + 4 <= len; i += 4) {
      h += m[2 + (word++ & (HASHED_WORDS - 1))] * ((int) INTS.get(k, i) & 0xFFFF_FFFFL);
    }
    if (i < len) {
      long tail = 0;
      for (int shift = 0; i < len; i++, shift += 8) {
        tail |= (k[i] & 0xFFL) << shift;
      }
      h += m[2 + (word & (HASHED_WORDS - 1))] * tail;
    }
    return h;
  }
}
