package io.safecached.functional;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@link ProtocolClient} over the classic text protocol, on a raw socket. */
final class TextProtocolClient extends LineProtocolClient {
  TextProtocolClient(InetSocketAddress address) throws IOException {
    super(address);
  }

  @Override
  public String name() {
    return "text";
  }

  private Stored store(String command, String key, int flags, int exptime, byte[] value, String extra)
      throws IOException {
    c.send(command + " " + key + " " + Integer.toUnsignedString(flags) + " " + exptime + " " + value.length
        + extra, value);
    return stored(c.readLine());
  }

  private static Stored stored(String line) {
    switch (line) {
      case "STORED":
        return Stored.STORED;
      case "NOT_STORED":
        return Stored.NOT_STORED;
      case "EXISTS":
        return Stored.EXISTS;
      case "NOT_FOUND":
        return Stored.NOT_FOUND;
      case TOO_LARGE:
        return Stored.TOO_LARGE;
      default:
        throw new AssertionError("unexpected reply to a storage command: " + line);
    }
  }

  @Override
  public Stored set(String key, int flags, int exptime, byte[] value) throws IOException {
    return store("set", key, flags, exptime, value, "");
  }

  @Override
  public Stored add(String key, int flags, int exptime, byte[] value) throws IOException {
    return store("add", key, flags, exptime, value, "");
  }

  @Override
  public Stored replace(String key, int flags, int exptime, byte[] value) throws IOException {
    return store("replace", key, flags, exptime, value, "");
  }

  @Override
  public Stored append(String key, byte[] suffix) throws IOException {
    return store("append", key, 0, 0, suffix, "");
  }

  @Override
  public Stored prepend(String key, byte[] prefix) throws IOException {
    return store("prepend", key, 0, 0, prefix, "");
  }

  @Override
  public Stored cas(String key, int flags, int exptime, byte[] value, long cas) throws IOException {
    return store("cas", key, flags, exptime, value, " " + Long.toUnsignedString(cas));
  }

  /** Reads VALUE blocks up to END. */
  private Map<String, Item> values(boolean withCas) throws IOException {
    Map<String, Item> items = new LinkedHashMap<>();
    while (true) {
      String line = c.readLine();
      if (line.equals("END")) {
        return items;
      }
      String[] t = line.split(" ", -1);
      if (!t[0].equals("VALUE") || t.length != (withCas ? 5 : 4)) {
        throw new AssertionError("unexpected line in a get reply: " + line);
      }
      byte[] value = c.readExactly(Integer.parseInt(t[3]));
      byte[] end = c.readExactly(2);
      if (end[0] != '\r' || end[1] != '\n') {
        throw new AssertionError("value of " + line + " not followed by \\r\\n");
      }
      items.put(t[1], new Item(Integer.parseUnsignedInt(t[2]), value,
          withCas ? Long.parseUnsignedLong(t[4]) : 0));
    }
  }

  private Item single(String key, Map<String, Item> items) {
    if (items.size() > 1 || (items.size() == 1 && !items.containsKey(key))) {
      throw new AssertionError("a get of " + key + " returned " + items.keySet());
    }
    return items.get(key);
  }

  @Override
  public Item get(String key) throws IOException {
    c.send("get " + key);
    return single(key, values(false));
  }

  @Override
  public Item gets(String key) throws IOException {
    c.send("gets " + key);
    return single(key, values(true));
  }

  @Override
  public Map<String, Item> getMulti(List<String> keys) throws IOException {
    c.send("get " + String.join(" ", keys));
    return values(false);
  }

  @Override
  public boolean delete(String key) throws IOException {
    return either(c.call("delete " + key).line(), "DELETED", "NOT_FOUND", "delete");
  }

  private Counter counter(String command, String key, long delta) throws IOException {
    String line = c.call(command + " " + key + " " + Long.toUnsignedString(delta)).line();
    if (line.equals("NOT_FOUND")) {
      return Counter.NOT_FOUND;
    }
    if (line.equals(NON_NUMERIC)) {
      return Counter.NON_NUMERIC;
    }
    if (!line.matches("[0-9]+")) {
      throw new AssertionError("unexpected reply to " + command + ": " + line);
    }
    return Counter.ok(Long.parseUnsignedLong(line));
  }

  @Override
  public Counter incr(String key, long delta) throws IOException {
    return counter("incr", key, delta);
  }

  @Override
  public Counter decr(String key, long delta) throws IOException {
    return counter("decr", key, delta);
  }

  @Override
  public boolean touch(String key, int exptime) throws IOException {
    return either(c.call("touch " + key + " " + exptime).line(), "TOUCHED", "NOT_FOUND", "touch");
  }

  @Override
  public Item gat(String key, int exptime) throws IOException {
    c.send("gats " + exptime + " " + key);
    return single(key, values(true));
  }

  @Override
  public List<String> quietStores(Map<String, byte[]> values, boolean add) throws IOException {
    c.sendRaw(dataBlocks(values,
        e -> (add ? "add " : "set ") + e.getKey() + " 0 0 " + e.getValue().length + " noreply", "version\r\n"));
    List<String> reported = new ArrayList<>();
    while (true) {
      String line = c.readLine();
      if (line.startsWith("VERSION ")) {
        return reported;
      }
      reported.add(line); // noreply hides even errors, so anything here is a finding
    }
  }

  @Override
  public boolean reportsQuietFailures() {
    return false;
  }

  @Override
  public List<Stored> pipelinedSets(Map<String, byte[]> values) throws IOException {
    c.sendRaw(dataBlocks(values, e -> "set " + e.getKey() + " 0 0 " + e.getValue().length, ""));
    List<Stored> replies = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      replies.add(stored(c.readLine()));
    }
    return replies;
  }
}
