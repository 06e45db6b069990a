package io.safecached.functional;

import static io.safecached.testsupport.BinaryClient.request;

import io.safecached.testsupport.BinaryClient;
import io.safecached.testsupport.BinaryClient.Request;
import io.safecached.testsupport.BinaryClient.Response;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link ProtocolClient} over the binary protocol through {@link BinaryClient}. Every reply is checked for the
 * request's opcode and opaque before its status is mapped.
 */
final class BinaryProtocolClient implements ProtocolClient {
  private final BinaryClient c;
  private int nextOpaque = 0x5a000000;

  BinaryProtocolClient(InetSocketAddress address) throws IOException {
    c = new BinaryClient(address);
  }

  @Override
  public String name() {
    return "binary";
  }

  /** Sends one request with a fresh opaque and reads its reply, checking opcode and opaque. */
  private Response call(Request r) throws IOException {
    int opaque = nextOpaque++;
    Response response = c.call(r.opaque(opaque));
    check(response, r.opcode(), opaque);
    return response;
  }

  private static void check(Response response, int opcode, int opaque) {
    if (response.opcode() != opcode || response.opaque() != opaque) {
      throw new AssertionError(String.format("expected a reply to opcode 0x%02x with opaque %d, got %s", opcode,
          opaque, response));
    }
  }

  private static AssertionError unexpected(String what, Response r) {
    return new AssertionError("unexpected reply to " + what + ": " + r);
  }

  private static byte[] key(String key) {
    return key.getBytes(StandardCharsets.ISO_8859_1);
  }

  private Stored store(int opcode, String key, int flags, int exptime, byte[] value, long cas) throws IOException {
    Request r = request(opcode).key(key).value(value).cas(cas);
    if (opcode != BinaryClient.APPEND && opcode != BinaryClient.PREPEND) {
      r = r.extras(BinaryClient.storeExtras(flags, exptime));
    }
    Response response = call(r);
    switch (response.status()) {
      case BinaryClient.OK:
        if (response.cas() == 0 || response.value().length != 0 || response.key().length != 0) {
          throw unexpected("a store", response);
        }
        return Stored.STORED;
      case BinaryClient.E2BIG:
        return Stored.TOO_LARGE;
      case BinaryClient.KEY_EEXISTS:
        // memcached's binary add answers EEXISTS for "already there", and a CAS store for "changed since"
        return opcode == BinaryClient.ADD ? Stored.NOT_STORED : Stored.EXISTS;
      case BinaryClient.KEY_ENOENT:
        // replace of a missing key, or a CAS store of a missing key
        return opcode == BinaryClient.REPLACE && cas == 0 ? Stored.NOT_STORED : Stored.NOT_FOUND;
      case BinaryClient.NOT_STORED:
        if (opcode == BinaryClient.APPEND || opcode == BinaryClient.PREPEND) {
          return Stored.NOT_STORED;
        }
        throw unexpected("a store", response);
      default:
        throw unexpected("a store", response);
    }
  }

  @Override
  public Stored set(String key, int flags, int exptime, byte[] value) throws IOException {
    return store(BinaryClient.SET, key, flags, exptime, value, 0);
  }

  @Override
  public Stored add(String key, int flags, int exptime, byte[] value) throws IOException {
    return store(BinaryClient.ADD, key, flags, exptime, value, 0);
  }

  @Override
  public Stored replace(String key, int flags, int exptime, byte[] value) throws IOException {
    return store(BinaryClient.REPLACE, key, flags, exptime, value, 0);
  }

  @Override
  public Stored append(String key, byte[] suffix) throws IOException {
    return store(BinaryClient.APPEND, key, 0, 0, suffix, 0);
  }

  @Override
  public Stored prepend(String key, byte[] prefix) throws IOException {
    return store(BinaryClient.PREPEND, key, 0, 0, prefix, 0);
  }

  @Override
  public Stored cas(String key, int flags, int exptime, byte[] value, long cas) throws IOException {
    return store(BinaryClient.SET, key, flags, exptime, value, cas);
  }

  private Item item(Response r, String what) {
    if (r.status() == BinaryClient.KEY_ENOENT) {
      // GET and GAT answer a miss with the text "Not found"; GETK echoes the key instead, with no text
      boolean keyed = r.opcode() == BinaryClient.GETK || r.opcode() == BinaryClient.GETKQ;
      if (r.extras().length != 0 || r.cas() != 0
          || !r.text().equals(keyed ? "" : "Not found") || (keyed ? r.key().length == 0 : r.key().length != 0)) {
        throw unexpected(what + " (miss)", r);
      }
      return null;
    }
    if (r.status() != BinaryClient.OK || r.cas() == 0) {
      throw unexpected(what, r);
    }
    return new Item(r.flags(), r.value(), r.cas());
  }

  @Override
  public Item get(String key) throws IOException {
    Response r = call(request(BinaryClient.GET).key(key));
    if (r.key().length != 0) {
      throw unexpected("GET (a key in the reply)", r);
    }
    return item(r, "GET");
  }

  @Override
  public Item gets(String key) throws IOException {
    Response r = call(request(BinaryClient.GETK).key(key));
    Item item = item(r, "GETK");
    if (!r.keyText().equals(key)) {
      throw unexpected("GETK (key)", r);
    }
    return item;
  }

  @Override
  public Map<String, Item> getMulti(List<String> keys) throws IOException {
    List<Request> requests = new ArrayList<>();
    int first = nextOpaque;
    for (String key : keys) {
      requests.add(request(BinaryClient.GETKQ).key(key).opaque(nextOpaque++));
    }
    int noop = nextOpaque++;
    requests.add(request(BinaryClient.NOOP).opaque(noop));
    c.send(requests);
    Map<String, Item> items = new LinkedHashMap<>();
    int lastOpaque = first - 1;
    for (Response r : c.readUntilNoop()) {
      if (r.opcode() == BinaryClient.NOOP) {
        check(r, BinaryClient.NOOP, noop);
        continue;
      }
      if (r.opcode() != BinaryClient.GETKQ || r.opaque() <= lastOpaque || r.opaque() >= noop) {
        throw unexpected("GETKQ (order)", r);
      }
      lastOpaque = r.opaque();
      if (!r.keyText().equals(keys.get(r.opaque() - first))) {
        throw unexpected("GETKQ (key for its opaque)", r);
      }
      Item item = item(r, "GETKQ");
      if (item == null) {
        throw unexpected("GETKQ (a quiet miss must not be answered)", r);
      }
      items.put(r.keyText(), item);
    }
    return items;
  }

  @Override
  public boolean delete(String key) throws IOException {
    Response r = call(request(BinaryClient.DELETE).key(key));
    if (r.status() == BinaryClient.OK || r.status() == BinaryClient.KEY_ENOENT) {
      return r.status() == BinaryClient.OK;
    }
    throw unexpected("DELETE", r);
  }

  private Counter counter(int opcode, String key, long delta) throws IOException {
    Response r = call(request(opcode).key(key).extras(BinaryClient.counterExtras(delta, 0, -1)));
    switch (r.status()) {
      case BinaryClient.OK:
        return Counter.ok(r.counter());
      case BinaryClient.KEY_ENOENT:
        return Counter.NOT_FOUND;
      case BinaryClient.DELTA_BADVAL:
        return Counter.NON_NUMERIC;
      default:
        throw unexpected("INCREMENT/DECREMENT", r);
    }
  }

  @Override
  public Counter incr(String key, long delta) throws IOException {
    return counter(BinaryClient.INCREMENT, key, delta);
  }

  @Override
  public Counter decr(String key, long delta) throws IOException {
    return counter(BinaryClient.DECREMENT, key, delta);
  }

  @Override
  public boolean touch(String key, int exptime) throws IOException {
    Response r = call(request(BinaryClient.TOUCH).key(key).extras(BinaryClient.exptimeExtras(exptime)));
    if (r.status() == BinaryClient.OK || r.status() == BinaryClient.KEY_ENOENT) {
      return r.status() == BinaryClient.OK;
    }
    throw unexpected("TOUCH", r);
  }

  @Override
  public Item gat(String key, int exptime) throws IOException {
    Response r = call(request(BinaryClient.GAT).key(key).extras(BinaryClient.exptimeExtras(exptime)));
    return item(r, "GAT");
  }

  @Override
  public void flush() throws IOException {
    Response r = call(request(BinaryClient.FLUSH));
    if (r.status() != BinaryClient.OK) {
      throw unexpected("FLUSH", r);
    }
  }

  @Override
  public String version() throws IOException {
    Response r = call(request(BinaryClient.VERSION));
    if (r.status() != BinaryClient.OK) {
      throw unexpected("VERSION", r);
    }
    return r.text();
  }

  @Override
  public List<String> quietStores(Map<String, byte[]> values, boolean add) throws IOException {
    List<Request> requests = new ArrayList<>();
    List<String> keys = new ArrayList<>(values.keySet());
    int first = nextOpaque;
    for (String key : keys) {
      requests.add(request(add ? BinaryClient.ADDQ : BinaryClient.SETQ).key(key).value(values.get(key))
          .extras(BinaryClient.storeExtras(0, 0)).opaque(nextOpaque++));
    }
    int noop = nextOpaque++;
    requests.add(request(BinaryClient.NOOP).opaque(noop));
    c.send(requests);
    List<String> failed = new ArrayList<>();
    for (Response r : c.readUntilNoop()) {
      if (r.opcode() == BinaryClient.NOOP) {
        check(r, BinaryClient.NOOP, noop);
        continue;
      }
      if (r.opcode() != (add ? BinaryClient.ADDQ : BinaryClient.SETQ) || r.opaque() < first || r.opaque() >= noop
          || r.status() != BinaryClient.KEY_EEXISTS) {
        throw unexpected("a quiet store", r);
      }
      failed.add(keys.get(r.opaque() - first));
    }
    return failed;
  }

  @Override
  public boolean reportsQuietFailures() {
    return true;
  }

  @Override
  public List<Stored> pipelinedSets(Map<String, byte[]> values) throws IOException {
    List<Request> requests = new ArrayList<>();
    int first = nextOpaque;
    for (Map.Entry<String, byte[]> e : values.entrySet()) {
      requests.add(request(BinaryClient.SET).key(e.getKey()).value(e.getValue())
          .extras(BinaryClient.storeExtras(0, 0)).opaque(nextOpaque++));
    }
    c.send(requests);
    List<Stored> replies = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      Response r = c.read();
      check(r, BinaryClient.SET, first + i);
      if (r.status() != BinaryClient.OK) {
        throw unexpected("a pipelined SET", r);
      }
      replies.add(Stored.STORED);
    }
    return replies;
  }

  @Override
  public void close() throws IOException {
    c.close();
  }
}
