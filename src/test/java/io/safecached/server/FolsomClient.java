package io.safecached.server;

import com.spotify.folsom.AsciiMemcacheClient;
import com.spotify.folsom.BinaryMemcacheClient;
import com.spotify.folsom.GetResult;
import com.spotify.folsom.MemcacheClient;
import com.spotify.folsom.MemcacheClientBuilder;
import com.spotify.folsom.MemcacheStatus;
import com.spotify.folsom.MemcachedStats;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Adapts folsom 1.21.0 (ascii or binary) to {@link ClientApi}. folsom's clients are typed, so this adapter stores
 * strings as UTF-8 with flags 0 and byte arrays with flags 1 (an application's own flag convention) and reads with
 * {@code casGet} to see the flags; operations folsom does not offer abort the test as skipped.
 */
final class FolsomClient implements ClientApi {
  private static final long TIMEOUT_MS = 2000;
  private static final int BYTES = 1;

  private final MemcacheClient<byte[]> client;
  private final AsciiMemcacheClient<byte[]> ascii;
  private final BinaryMemcacheClient<byte[]> binary;

  private FolsomClient(AsciiMemcacheClient<byte[]> ascii, BinaryMemcacheClient<byte[]> binary) throws Exception {
    this.ascii = ascii;
    this.binary = binary;
    this.client = ascii != null ? ascii : binary;
    client.awaitConnected(TIMEOUT_MS, TimeUnit.MILLISECONDS);
  }

  private static MemcacheClientBuilder<byte[]> builder(InetSocketAddress address) {
    return MemcacheClientBuilder.newByteArrayClient()
        .withAddress(address.getHostString(), address.getPort())
        .withConnectionTimeoutMillis(TIMEOUT_MS)
        .withRetry(false);
  }

  /** A folsom client over the text protocol. */
  static FolsomClient ascii(InetSocketAddress address) throws Exception {
    return new FolsomClient(builder(address).connectAscii(), null);
  }

  /** A folsom client over the binary protocol. */
  static FolsomClient binary(InetSocketAddress address) throws Exception {
    return new FolsomClient(null, builder(address).connectBinary());
  }

  /** The underlying client, for tests of folsom's own calls. */
  MemcacheClient<byte[]> raw() {
    return client;
  }

  static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
  }

  private static byte[] encode(Object value) {
    if (value instanceof byte[] b) {
      return b;
    }
    return ((String) value).getBytes(StandardCharsets.UTF_8);
  }

  private static int flagsOf(Object value) {
    return value instanceof byte[] ? BYTES : 0;
  }

  private static Object decode(GetResult<byte[]> r) {
    if (r == null) {
      return null;
    }
    return r.getFlags() == BYTES ? r.getValue() : new String(r.getValue(), StandardCharsets.UTF_8);
  }

  /** OK is true, the given "did not apply" statuses are false, anything else fails the test. */
  private static boolean status(MemcacheStatus s, MemcacheStatus... notApplied) {
    if (s == MemcacheStatus.OK) {
      return true;
    }
    for (MemcacheStatus n : notApplied) {
      if (s == n) {
        return false;
      }
    }
    throw new AssertionError("unexpected status " + s);
  }

  @Override
  public String name() {
    return ascii != null ? "folsom (ascii)" : "folsom (binary)";
  }

  @Override
  public boolean set(String key, int exptime, Object value) throws Exception {
    return status(await(client.set(key, encode(value), exptime, flagsOf(value))));
  }

  @Override
  public Object get(String key) throws Exception {
    return decode(await(client.casGet(key)));
  }

  @Override
  public boolean add(String key, int exptime, Object value) throws Exception {
    return status(await(client.add(key, encode(value), exptime, flagsOf(value))), MemcacheStatus.ITEM_NOT_STORED,
        MemcacheStatus.KEY_EXISTS);
  }

  @Override
  public boolean replace(String key, int exptime, Object value) throws Exception {
    return status(await(client.replace(key, encode(value), exptime, flagsOf(value))),
        MemcacheStatus.ITEM_NOT_STORED, MemcacheStatus.KEY_NOT_FOUND);
  }

  @Override
  public boolean append(String key, String suffix) throws Exception {
    return status(await(client.append(key, encode(suffix))), MemcacheStatus.ITEM_NOT_STORED);
  }

  @Override
  public boolean prepend(String key, String prefix) throws Exception {
    return status(await(client.prepend(key, encode(prefix))), MemcacheStatus.ITEM_NOT_STORED);
  }

  @Override
  public CasValue gets(String key) throws Exception {
    GetResult<byte[]> r = await(client.casGet(key));
    return r == null ? null : new CasValue(r.getCas(), decode(r));
  }

  @Override
  public boolean cas(String key, long cas, Object value) throws Exception {
    return status(await(client.set(key, encode(value), 0, cas, flagsOf(value))), MemcacheStatus.KEY_EXISTS,
        MemcacheStatus.KEY_NOT_FOUND);
  }

  @Override
  public boolean delete(String key) throws Exception {
    return status(await(client.delete(key)), MemcacheStatus.KEY_NOT_FOUND);
  }

  private static long counter(Long value) {
    if (value == null) {
      throw new AssertionError("incr/decr found no item");
    }
    return value;
  }

  @Override
  public long incr(String key, long by) throws Exception {
    // binary: an exptime of 0xffffffff (-1) means "do not create", so a miss stays a miss as in ascii
    return counter(await(ascii != null ? ascii.incr(key, by) : binary.incr(key, by, 0, -1)));
  }

  @Override
  public long decr(String key, long by) throws Exception {
    return counter(await(ascii != null ? ascii.decr(key, by) : binary.decr(key, by, 0, -1)));
  }

  @Override
  public long incrOrCreate(String key, long by, long initial) throws Exception {
    Assumptions.assumeTrue(binary != null, "folsom's ascii client has no incr with a default");
    return counter(await(binary.incr(key, by, initial, 0)));
  }

  @Override
  public long decrOrCreate(String key, long by, long initial) throws Exception {
    Assumptions.assumeTrue(binary != null, "folsom's ascii client has no decr with a default");
    return counter(await(binary.decr(key, by, initial, 0)));
  }

  @Override
  public boolean touch(String key, int exptime) throws Exception {
    return status(await(client.touch(key, exptime)), MemcacheStatus.KEY_NOT_FOUND);
  }

  @Override
  public boolean supportsGetAndTouch() {
    return binary != null; // folsom offers get-and-touch on its binary client only
  }

  @Override
  public Object getAndTouch(String key, int exptime) throws Exception {
    return decode(await(binary.casGetAndTouch(key, exptime)));
  }

  @Override
  public Map<String, Object> getMulti(Collection<String> keys) throws Exception {
    List<String> list = new ArrayList<>(keys);
    List<GetResult<byte[]>> results = await(client.casGet(list));
    Map<String, Object> found = new LinkedHashMap<>();
    for (int i = 0; i < list.size(); i++) {
      if (results.get(i) != null) {
        found.put(list.get(i), decode(results.get(i)));
      }
    }
    return found;
  }

  @Override
  public void flush() throws Exception {
    if (!status(await(client.flushAll(0)))) {
      throw new AssertionError("flush_all was not acknowledged");
    }
  }

  @Override
  public Map<String, String> stats() throws Exception {
    Map<String, MemcachedStats> all = await(client.getStats(""));
    return all.size() == 1 ? all.values().iterator().next().getStats() : null;
  }

  /** folsom has no version call; it reports the version through the general stats. */
  @Override
  public String version() throws Exception {
    Map<String, String> stats = stats();
    return stats == null ? null : stats.get("version");
  }

  @Override
  public void setAllAsync(Map<String, Object> values, int exptime) throws Exception {
    Map<String, CompletionStage<MemcacheStatus>> pending = new LinkedHashMap<>();
    values.forEach((k, v) -> pending.put(k, client.set(k, encode(v), exptime, flagsOf(v))));
    for (Map.Entry<String, CompletionStage<MemcacheStatus>> e : pending.entrySet()) {
      MemcacheStatus s = await(e.getValue());
      if (s != MemcacheStatus.OK) {
        throw new AssertionError("set " + e.getKey() + " was not stored: " + s);
      }
    }
  }

  @Override
  public void close() {
    client.shutdown();
    try {
      client.awaitDisconnected(TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      // the client's threads are daemons; a slow disconnect only delays nothing
    }
  }
}
