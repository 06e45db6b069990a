package io.safecached.server;

import io.safecached.testsupport.Target;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import net.spy.memcached.CASResponse;
import net.spy.memcached.CASValue;
import net.spy.memcached.ConnectionFactoryBuilder;
import net.spy.memcached.ConnectionFactoryBuilder.Protocol;
import net.spy.memcached.MemcachedClient;
import net.spy.memcached.internal.OperationFuture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;

/**
 * {@link ClientSuite} driven by spymemcached 2.12.3 over the text and binary protocols, against safecached and
 * memcached.
 */
class SpymemcachedIT {
  static {
    // route spymemcached's logging to SLF4J (slf4j-nop in tests) instead of stderr
    System.setProperty("net.spy.log.LoggerImpl", "net.spy.memcached.compat.log.SLF4JLogger");
  }

  /** The required target. */
  @Nested
  @DisplayName("spymemcached -> safecached")
  class AgainstSafecached extends ClientSuite {
    AgainstSafecached() {
      super(Target.SAFECACHED, address -> new Spy(address, Protocol.TEXT));
    }
  }

  /** The reference run that proves the assertions; skipped when memcached is not installed. */
  @Nested
  @DisplayName("spymemcached -> memcached (reference)")
  class AgainstMemcached extends ClientSuite {
    AgainstMemcached() {
      super(Target.MEMCACHED, address -> new Spy(address, Protocol.TEXT));
    }
  }

  /** The binary protocol against safecached. */
  @Nested
  @DisplayName("spymemcached binary -> safecached")
  class BinaryAgainstSafecached extends ClientSuite {
    BinaryAgainstSafecached() {
      super(Target.SAFECACHED, address -> new Spy(address, Protocol.BINARY));
    }
  }

  /** The binary protocol against memcached, as the reference. */
  @Nested
  @DisplayName("spymemcached binary -> memcached (reference)")
  class BinaryAgainstMemcached extends ClientSuite {
    BinaryAgainstMemcached() {
      super(Target.MEMCACHED, address -> new Spy(address, Protocol.BINARY));
    }
  }

  /** Adapts spymemcached's MemcachedClient to {@link ClientApi}. */
  static final class Spy implements ClientApi {
    private static final long TIMEOUT_MS = 2000;
    private final MemcachedClient client;
    private final SocketAddress server;
    private final Protocol protocol;

    Spy(InetSocketAddress address, Protocol protocol) throws Exception {
      this.protocol = protocol;
      client = new MemcachedClient(new ConnectionFactoryBuilder()
          .setProtocol(protocol)
          .setOpTimeout(TIMEOUT_MS)
          .setDaemon(true)
          .build(), List.of(address));
      server = address;
    }

    @Override
    public String name() {
      return protocol == Protocol.BINARY ? "spymemcached (binary)" : "spymemcached";
    }

    private static boolean await(OperationFuture<Boolean> f) throws Exception {
      return f.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }

    @Override
    public boolean set(String key, int exptime, Object value) throws Exception {
      return await(client.set(key, exptime, value));
    }

    @Override
    public Object get(String key) {
      return client.get(key);
    }

    @Override
    public boolean add(String key, int exptime, Object value) throws Exception {
      return await(client.add(key, exptime, value));
    }

    @Override
    public boolean replace(String key, int exptime, Object value) throws Exception {
      return await(client.replace(key, exptime, value));
    }

    @Override
    public boolean append(String key, String suffix) throws Exception {
      return await(client.append(key, suffix));
    }

    @Override
    public boolean prepend(String key, String prefix) throws Exception {
      return await(client.prepend(key, prefix));
    }

    @Override
    public CasValue gets(String key) {
      CASValue<Object> v = client.gets(key);
      return v == null ? null : new CasValue(v.getCas(), v.getValue());
    }

    @Override
    public boolean cas(String key, long cas, Object value) {
      return client.cas(key, cas, value) == CASResponse.OK;
    }

    @Override
    public boolean delete(String key) throws Exception {
      return await(client.delete(key));
    }

    @Override
    public long incr(String key, long by) {
      return client.incr(key, by);
    }

    @Override
    public long decr(String key, long by) {
      return client.decr(key, by);
    }

    @Override
    public long incrOrCreate(String key, long by, long initial) {
      return client.incr(key, by, initial);
    }

    @Override
    public long decrOrCreate(String key, long by, long initial) {
      return client.decr(key, by, initial);
    }

    @Override
    public boolean touch(String key, int exptime) throws Exception {
      return await(client.touch(key, exptime));
    }

    @Override
    public boolean supportsGetAndTouch() {
      // AsciiOperationFactory: "Get and touch is not supported for ASCII protocol"
      return protocol == Protocol.BINARY;
    }

    @Override
    public Object getAndTouch(String key, int exptime) {
      CASValue<Object> v = client.getAndTouch(key, exptime);
      return v == null ? null : v.getValue();
    }

    @Override
    public Map<String, Object> getMulti(Collection<String> keys) {
      return client.getBulk(keys);
    }

    @Override
    public void flush() throws Exception {
      if (!await(client.flush())) {
        throw new AssertionError("flush_all was not acknowledged");
      }
    }

    @Override
    public Map<String, String> stats() {
      Map<SocketAddress, Map<String, String>> all = client.getStats();
      Map<String, String> mine = all.get(server);
      if (mine == null && all.size() == 1) {
        mine = all.values().iterator().next();
      }
      return mine;
    }

    @Override
    public String version() {
      Map<SocketAddress, String> all = client.getVersions();
      return all.size() == 1 ? all.values().iterator().next() : null;
    }

    @Override
    public void setAllAsync(Map<String, Object> values, int exptime) throws Exception {
      List<OperationFuture<Boolean>> pending = new ArrayList<>(values.size());
      values.forEach((k, v) -> pending.add(client.set(k, exptime, v)));
      for (OperationFuture<Boolean> f : pending) {
        if (!await(f)) {
          throw new AssertionError("set " + f.getKey() + " was not stored: " + f.getStatus());
        }
      }
    }

    @Override
    public void close() {
      client.shutdown(2, TimeUnit.SECONDS);
    }
  }
}
