package io.safecached.store;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A cache key: raw bytes as the client sent them (memcached keys are binary-safe apart from spaces).
 *
 * <p>{@link #hashCode} is {@code Arrays.hashCode}, which a client can make collide at will; the store does not use
 * it but hashes the bytes with its own random seed. Keys order unsigned, byte by byte.
 */
public final class Key implements Comparable<Key> {
  private final byte[] bytes;
  /** {@code Arrays.hashCode(bytes)} once {@link #hashCode} was asked for, else 0: a request's key never needs it. */
  private int hash;

  private Key(byte[] bytes) {
    this.bytes = bytes;
  }

  /** Wraps the array without copying; the caller must not change it afterwards. */
  public static Key wrap(byte[] bytes) {
    return new Key(bytes);
  }

  /** The key of an ASCII string, for tests and tools. */
  public static Key of(String ascii) {
    return new Key(ascii.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** The key's bytes; shared, never to be modified. */
  public byte[] bytes() {
    return bytes;
  }

  public int length() {
    return bytes.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Key k && Arrays.equals(k.bytes, bytes);
  }

  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0) {
      h = Arrays.hashCode(bytes); // racy but idempotent, as in String
      hash = h;
    }
    return h;
  }

  @Override
  public int compareTo(Key o) {
    return Arrays.compareUnsigned(bytes, o.bytes);
  }

  @Override
  public String toString() {
    return new String(bytes, StandardCharsets.ISO_8859_1);
  }
}
