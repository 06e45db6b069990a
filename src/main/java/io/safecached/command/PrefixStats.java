package io.safecached.command;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * memcached's {@code stats detail}: gets, hits, sets and deletes counted per key prefix (the part of the key
 * before the first delimiter, {@code ':'} unless {@code -D} says otherwise; keys without one are not counted).
 *
 * <p>Off by default, as in memcached; {@code stats detail on|off} switches counting, {@code stats detail dump}
 * lists the counts, {@code stats reset} forgets them. The dump has memcached's bytes and order: memcached keeps
 * the prefixes in a 256-bucket table keyed by the murmur3 hash of the prefix (its default hash) and walks the
 * buckets in order, newest prefix first within a bucket; this table is the same. memcached's lookup also finds
 * a shorter prefix inside a longer one that shares its bucket (it compares only the new prefix's length), and
 * counts it there; that quirk is kept, so that dumps match.
 *
 * <p>Unlike memcached, the number of prefixes is bounded: a peer that sends keys with ever new prefixes would
 * otherwise make the server hold them all. Past {@value #MAX_PREFIXES} prefixes, keys with a new prefix are not
 * counted (their prefix is not added); the ones already there keep counting. Counting takes one lock, as
 * memcached's global stats lock, and costs nothing while off.
 */
public final class PrefixStats {
  /** The most prefixes held. */
  public static final int MAX_PREFIXES = 1024;
  private static final int BUCKETS = 256;
  // the counters of an entry, in the dump's order
  private static final int GET = 0;
  private static final int HIT = 1;
  private static final int SET = 2;
  private static final int DELETE = 3;

  private final byte delimiter;
  private volatile boolean enabled;
  private final Entry[] buckets = new Entry[BUCKETS];
  private int count;

  /** Counters split at {@code delimiter} (an ASCII character), counting from the start when {@code enabled}. */
  public PrefixStats(char delimiter, boolean enabled) {
    if (delimiter > 0x7f) {
      throw new IllegalArgumentException("the delimiter must be an ASCII character: " + delimiter);
    }
    this.delimiter = (byte) delimiter;
    this.enabled = enabled;
  }

  /** The delimiter ({@code stat_key_prefix} in {@code stats settings}). */
  public char delimiter() {
    return (char) delimiter;
  }

  /** Whether counting is on ({@code detail_enabled}). */
  public boolean enabled() {
    return enabled;
  }

  /** {@code stats detail on} and {@code off}: counts already taken stay. */
  public void enabled(boolean on) {
    enabled = on;
  }

  /** The number of prefixes held. */
  public synchronized int size() {
    return count;
  }

  /** A get of {@code key} (a text get key, a binary get/gat/touch), found or not. */
  void recordGet(byte[] key, boolean hit) {
    record(key, hit ? HIT : GET);
  }

  /** A storage command for {@code key}, whatever its outcome. */
  void recordSet(byte[] key) {
    record(key, SET);
  }

  /** A delete of {@code key}, whatever its outcome. */
  void recordDelete(byte[] key) {
    record(key, DELETE);
  }

  /** Counts {@code what} (a hit is also a get) for the prefix of {@code key}, when counting is on. */
  private void record(byte[] key, int what) {
    if (enabled) {
      synchronized (this) {
        Entry e = find(key);
        if (e != null) {
          e.counts[what]++;
          if (what == HIT) {
            e.counts[GET]++;
          }
        }
      }
    }
  }

  /** {@code stats reset}: every prefix is forgotten. */
  public synchronized void clear() {
    Arrays.fill(buckets, null);
    count = 0;
  }

  /** {@code stats detail dump}: one {@code PREFIX} line per prefix, then {@code END}, each ending in CRLF. */
  public synchronized String dump() {
    StringBuilder sb = new StringBuilder(count * 64 + 5);
    for (Entry head : buckets) {
      for (Entry e = head; e != null; e = e.next) {
        sb.append("PREFIX ").append(new String(e.prefix, StandardCharsets.ISO_8859_1))
            .append(" get ").append(e.counts[GET]).append(" hit ").append(e.counts[HIT])
            .append(" set ").append(e.counts[SET]).append(" del ").append(e.counts[DELETE]).append("\r\n");
      }
    }
    return sb.append("END\r\n").toString();
  }

  /** The entry for the prefix of {@code key}, added when new and there is room; null when not counted. */
  private Entry find(byte[] key) {
    int length = -1;
    for (int i = 0; i < key.length && key[i] != 0; i++) {
      if (key[i] == delimiter) {
        length = i;
        break;
      }
    }
    if (length < 0) {
      return null;
    }
    int bucket = murmur3(key, length) & (BUCKETS - 1);
    for (Entry e = buckets[bucket]; e != null; e = e.next) {
      if (startsWith(e.prefix, key, length)) {
        return e;
      }
    }
    if (count >= MAX_PREFIXES) {
      return null;
    }
    Entry e = new Entry(Arrays.copyOf(key, length));
    e.next = buckets[bucket];
    buckets[bucket] = e;
    count++;
    return e;
  }

  /** memcached's {@code strncmp(prefix, key, length) == 0}: the first {@code length} bytes are the same. */
  private static boolean startsWith(byte[] prefix, byte[] key, int length) {
    if (prefix.length < length) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      if (prefix[i] != key[i]) {
        return false;
      }
    }
    return true;
  }

  /** MurmurHash3 (x86, 32 bits, seed 0) of the first {@code length} bytes: memcached's default hash. */
  @SuppressWarnings("fallthrough") // the tail bytes, as murmur3 mixes them
  static int murmur3(byte[] data, int length) {
    final int c1 = 0xcc9e2d51;
    final int c2 = 0x1b873593;
    int h = 0;
    int blocks = length / 4;
    for (int i = 0; i < blocks; i++) {
      int p = i * 4;
      int k = (data[p] & 0xff) | (data[p + 1] & 0xff) << 8 | (data[p + 2] & 0xff) << 16 | (data[p + 3] & 0xff) << 24;
      k *= c1;
      k = Integer.rotateLeft(k, 15);
      k *= c2;
      h ^= k;
      h = Integer.rotateLeft(h, 13);
      h = h * 5 + 0xe6546b64;
    }
    int tail = blocks * 4;
    int k = 0;
    switch (length & 3) {
      case 3:
        k ^= (data[tail + 2] & 0xff) << 16;
        // fall through
      case 2:
        k ^= (data[tail + 1] & 0xff) << 8;
        // fall through
      case 1:
        k ^= data[tail] & 0xff;
        k *= c1;
        k = Integer.rotateLeft(k, 15);
        k *= c2;
        h ^= k;
        break;
      default:
        break;
    }
    h ^= length;
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return h;
  }

  /** One prefix and its counts. */
  private static final class Entry {
    final byte[] prefix;
    /** gets, hits, sets, deletes. */
    final long[] counts = new long[4];
    Entry next;

    Entry(byte[] prefix) {
      this.prefix = prefix;
    }
  }
}
