package io.safecached.server;

import io.safecached.testsupport.Target;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import net.rubyeye.xmemcached.GetsResponse;
import net.rubyeye.xmemcached.MemcachedClient;
import net.rubyeye.xmemcached.XMemcachedClientBuilder;
import net.rubyeye.xmemcached.command.BinaryCommandFactory;
import net.rubyeye.xmemcached.command.TextCommandFactory;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;

/**
 * {@link ClientSuite} driven by xmemcached 2.4.9 over the text and binary protocols, against safecached and
 * memcached.
 */
class XmemcachedIT {

  /** The required target. */
  @Nested
  @DisplayName("xmemcached -> safecached")
  class AgainstSafecached extends ClientSuite {
    AgainstSafecached() {
      super(Target.SAFECACHED, address -> new Xmc(address, false));
    }
  }

  /** The reference run that proves the assertions; skipped when memcached is not installed. */
  @Nested
  @DisplayName("xmemcached -> memcached (reference)")
  class AgainstMemcached extends ClientSuite {
    AgainstMemcached() {
      super(Target.MEMCACHED, address -> new Xmc(address, false));
    }
  }

  /** The binary protocol against safecached. */
  @Nested
  @DisplayName("xmemcached binary -> safecached")
  class BinaryAgainstSafecached extends ClientSuite {
    BinaryAgainstSafecached() {
      super(Target.SAFECACHED, address -> new Xmc(address, true));
    }
  }

  /** The binary protocol against memcached, as the reference. */
  @Nested
  @DisplayName("xmemcached binary -> memcached (reference)")
  class BinaryAgainstMemcached extends ClientSuite {
    BinaryAgainstMemcached() {
      super(Target.MEMCACHED, address -> new Xmc(address, true));
    }
  }

  /** Adapts xmemcached's MemcachedClient to {@link ClientApi}. */
  static final class Xmc implements ClientApi {
    private static final long TIMEOUT_MS = 2000;
    private final MemcachedClient client;
    private final boolean binary;

    Xmc(InetSocketAddress address, boolean binary) throws Exception {
      this.binary = binary;
      XMemcachedClientBuilder builder = new XMemcachedClientBuilder(List.of(address));
      builder.setCommandFactory(binary ? new BinaryCommandFactory() : new TextCommandFactory());
      builder.setOpTimeout(TIMEOUT_MS);
      builder.setConnectTimeout(TIMEOUT_MS);
      builder.setConnectionPoolSize(1);
      builder.setFailureMode(false);
      client = builder.build();
      client.setEnableHeartBeat(false);
    }

    @Override
    public String name() {
      return binary ? "xmemcached (binary)" : "xmemcached";
    }

    @Override
    public boolean set(String key, int exptime, Object value) throws Exception {
      return client.set(key, exptime, value);
    }

    @Override
    public Object get(String key) throws Exception {
      return client.get(key);
    }

    @Override
    public boolean add(String key, int exptime, Object value) throws Exception {
      return client.add(key, exptime, value);
    }

    @Override
    public boolean replace(String key, int exptime, Object value) throws Exception {
      return client.replace(key, exptime, value);
    }

    @Override
    public boolean append(String key, String suffix) throws Exception {
      return client.append(key, suffix);
    }

    @Override
    public boolean prepend(String key, String prefix) throws Exception {
      return client.prepend(key, prefix);
    }

    @Override
    public CasValue gets(String key) throws Exception {
      GetsResponse<Object> r = client.gets(key);
      return r == null ? null : new CasValue(r.getCas(), r.getValue());
    }

    @Override
    public boolean cas(String key, long cas, Object value) throws Exception {
      return client.cas(key, 0, value, cas);
    }

    @Override
    public boolean delete(String key) throws Exception {
      return client.delete(key);
    }

    // xmemcached's incr/decr always create a missing key (with 0 unless told otherwise); the suite only calls
    // these two on existing keys
    @Override
    public long incr(String key, long by) throws Exception {
      return client.incr(key, by);
    }

    @Override
    public long decr(String key, long by) throws Exception {
      return client.decr(key, by);
    }

    @Override
    public long incrOrCreate(String key, long by, long initial) throws Exception {
      return client.incr(key, by, initial);
    }

    @Override
    public long decrOrCreate(String key, long by, long initial) throws Exception {
      return client.decr(key, by, initial);
    }

    @Override
    public boolean touch(String key, int exptime) throws Exception {
      return client.touch(key, exptime);
    }

    @Override
    public boolean supportsGetAndTouch() {
      return binary; // TextCommandFactory: "GAT is only supported by binary protocol"
    }

    @Override
    public Object getAndTouch(String key, int exptime) throws Exception {
      return client.getAndTouch(key, exptime);
    }

    @Override
    public Map<String, Object> getMulti(Collection<String> keys) throws Exception {
      return client.get(keys);
    }

    @Override
    public void flush() throws Exception {
      client.flushAll();
    }

    @Override
    public Map<String, String> stats() throws Exception {
      Map<InetSocketAddress, Map<String, String>> all = client.getStats();
      return all.size() == 1 ? all.values().iterator().next() : null;
    }

    @Override
    public String version() throws Exception {
      Map<InetSocketAddress, String> all = client.getVersions();
      return all.size() == 1 ? all.values().iterator().next() : null;
    }

    @Override
    public void setAllAsync(Map<String, Object> values, int exptime) throws Exception {
      // xmemcached's fire-and-forget style: pipelined noreply sets (SETQ in binary) on the one connection, in
      // order before the gets that follow
      for (Map.Entry<String, Object> e : values.entrySet()) {
        client.setWithNoReply(e.getKey(), exptime, e.getValue());
      }
    }

    @Override
    public void close() throws IOException {
      client.shutdown();
    }
  }
}
