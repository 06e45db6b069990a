package io.safecached.functional;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The operations of {@link FunctionalSuite} in protocol-neutral form, implemented once per wire protocol (text,
 * meta, binary). An adapter maps each protocol reply to its meaning strictly: a reply that the real memcached
 * would not send for that operation fails the test instead of being mapped.
 */
interface ProtocolClient extends AutoCloseable {

  /** What a storage command did. */
  enum Stored { STORED, NOT_STORED, EXISTS, NOT_FOUND, TOO_LARGE }

  /** What incr/decr did; {@code value} is the new value when {@code status} is OK. */
  record Counter(Status status, long value) {
    /** The outcome of incr/decr. */
    enum Status { OK, NOT_FOUND, NON_NUMERIC }

    static Counter ok(long value) {
      return new Counter(Status.OK, value);
    }

    static final Counter NOT_FOUND = new Counter(Status.NOT_FOUND, 0);
    static final Counter NON_NUMERIC = new Counter(Status.NON_NUMERIC, 0);
  }

  /** An item read back; {@code cas} is 0 where the protocol's read does not return it. */
  record Item(int flags, byte[] value, long cas) {
    /** The value as ISO-8859-1 text. */
    String text() {
      return new String(value, StandardCharsets.ISO_8859_1);
    }
  }

  /** Which protocol this is, for messages. */
  String name();

  Stored set(String key, int flags, int exptime, byte[] value) throws IOException;

  Stored add(String key, int flags, int exptime, byte[] value) throws IOException;

  Stored replace(String key, int flags, int exptime, byte[] value) throws IOException;

  Stored append(String key, byte[] suffix) throws IOException;

  Stored prepend(String key, byte[] prefix) throws IOException;

  /** A store that succeeds only while the item's CAS unique is still {@code cas}. */
  Stored cas(String key, int flags, int exptime, byte[] value, long cas) throws IOException;

  /** The plain read of the protocol (cas may be 0); null on a miss. */
  Item get(String key) throws IOException;

  /** A read that returns the CAS unique; null on a miss. */
  Item gets(String key) throws IOException;

  /** A read of many keys in one request or one pipeline; misses are absent. */
  Map<String, Item> getMulti(List<String> keys) throws IOException;

  /** True when deleted, false when not found. */
  boolean delete(String key) throws IOException;

  Counter incr(String key, long delta) throws IOException;

  Counter decr(String key, long delta) throws IOException;

  /** True when touched, false when not found. */
  boolean touch(String key, int exptime) throws IOException;

  /** Get-and-touch, returning the CAS unique too; null on a miss. */
  Item gat(String key, int exptime) throws IOException;

  /** Removes every item at once. */
  void flush() throws IOException;

  /** The server version string. */
  String version() throws IOException;

  /**
   * Sends every store as one write in the protocol's quiet form (noreply, meta {@code q}, binary *Q), then a
   * synchronising request, and returns the keys whose failure the server reported (in order).
   * {@code add} picks add instead of set.
   */
  List<String> quietStores(Map<String, byte[]> values, boolean add) throws IOException;

  /** Whether a quiet store still reports its failure (meta and binary do; text noreply hides it). */
  boolean reportsQuietFailures();

  /** Sends every set as one write, then reads every reply, in order. */
  List<Stored> pipelinedSets(Map<String, byte[]> values) throws IOException;

  @Override
  void close() throws IOException;
}
