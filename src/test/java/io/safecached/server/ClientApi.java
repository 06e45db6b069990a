package io.safecached.server;

import java.io.IOException;
import java.util.Collection;
import java.util.Map;

/**
 * The operations {@link ClientSuite} needs, each implemented by one real Java memcached client (text protocol);
 * an adapter only translates calls, it never works around a server reply.
 */
interface ClientApi extends AutoCloseable {

  /** A value read with its CAS unique. */
  record CasValue(long cas, Object value) {}

  /** Which client library this is, for messages. */
  String name();

  boolean set(String key, int exptime, Object value) throws Exception;

  /** The value, or null on a miss. */
  Object get(String key) throws Exception;

  boolean add(String key, int exptime, Object value) throws Exception;

  boolean replace(String key, int exptime, Object value) throws Exception;

  boolean append(String key, String suffix) throws Exception;

  boolean prepend(String key, String prefix) throws Exception;

  /** The value and its CAS unique, or null on a miss. */
  CasValue gets(String key) throws Exception;

  /** True when stored, false when the CAS did not match or the key is gone. */
  boolean cas(String key, long cas, Object value) throws Exception;

  boolean delete(String key) throws Exception;

  /** incr on an existing numeric value; returns the new value. */
  long incr(String key, long by) throws Exception;

  /** decr on an existing numeric value; returns the new value. */
  long decr(String key, long by) throws Exception;

  /** The client's "incr, or create with {@code initial} when missing" helper; returns the resulting value. */
  long incrOrCreate(String key, long by, long initial) throws Exception;

  /** The client's "decr, or create with {@code initial} when missing" helper; returns the resulting value. */
  long decrOrCreate(String key, long by, long initial) throws Exception;

  boolean touch(String key, int exptime) throws Exception;

  /** Whether this client offers get-and-touch over the text protocol. */
  boolean supportsGetAndTouch();

  /** The value after resetting its expiry, or null on a miss. */
  Object getAndTouch(String key, int exptime) throws Exception;

  /** One multi-key get; misses are absent from the map. */
  Map<String, Object> getMulti(Collection<String> keys) throws Exception;

  void flush() throws Exception;

  /** The general {@code stats} of the single server. */
  Map<String, String> stats() throws Exception;

  /** The server version as the client reports it. */
  String version() throws Exception;

  /**
   * Sends every set without waiting for each reply (the client's asynchronous or pipelined style) and returns
   * once the client says all were sent or stored.
   */
  void setAllAsync(Map<String, Object> values, int exptime) throws Exception;

  /** Stops the client and its threads. */
  @Override
  void close() throws IOException;
}
