package io.safecached.functional;

import io.safecached.testsupport.MetaClient;
import io.safecached.testsupport.MetaClient.Reply;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link ProtocolClient} over the meta protocol (mg, ms, md, ma, mn) through {@link MetaClient}; flush_all and
 * version, which have no meta form, are sent as text on the same connection.
 */
final class MetaProtocolClient extends LineProtocolClient {
  MetaProtocolClient(InetSocketAddress address) throws IOException {
    super(address);
  }

  @Override
  public String name() {
    return "meta";
  }

  private Stored store(String key, byte[] value, String flags) throws IOException {
    Reply r = c.call("ms " + key + " " + value.length + flags, value);
    switch (r.line()) {
      case "HD":
        return Stored.STORED;
      case "NS":
        return Stored.NOT_STORED;
      case "EX":
        return Stored.EXISTS;
      case "NF":
        return Stored.NOT_FOUND;
      case TOO_LARGE:
        return Stored.TOO_LARGE;
      default:
        throw new AssertionError("unexpected reply to ms: " + r);
    }
  }

  private static String flagsAndTtl(int flags, int exptime) {
    return " F" + Integer.toUnsignedString(flags) + " T" + exptime;
  }

  @Override
  public Stored set(String key, int flags, int exptime, byte[] value) throws IOException {
    return store(key, value, flagsAndTtl(flags, exptime));
  }

  @Override
  public Stored add(String key, int flags, int exptime, byte[] value) throws IOException {
    return store(key, value, flagsAndTtl(flags, exptime) + " ME");
  }

  @Override
  public Stored replace(String key, int flags, int exptime, byte[] value) throws IOException {
    return store(key, value, flagsAndTtl(flags, exptime) + " MR");
  }

  @Override
  public Stored append(String key, byte[] suffix) throws IOException {
    return store(key, suffix, " MA");
  }

  @Override
  public Stored prepend(String key, byte[] prefix) throws IOException {
    return store(key, prefix, " MP");
  }

  @Override
  public Stored cas(String key, int flags, int exptime, byte[] value, long cas) throws IOException {
    return store(key, value, flagsAndTtl(flags, exptime) + " C" + Long.toUnsignedString(cas));
  }

  private static Item item(Reply r, String request) {
    if (r.code().equals("EN")) {
      if (!r.flags().isEmpty()) {
        throw new AssertionError("EN with flags (none were asked to be echoed) for " + request + ": " + r);
      }
      return null;
    }
    if (!r.code().equals("VA")) {
      throw new AssertionError("unexpected reply to " + request + ": " + r);
    }
    String cas = r.flag('c');
    return new Item(Integer.parseUnsignedInt(r.flag('f')), r.value(), cas == null ? 0 : Long.parseUnsignedLong(cas));
  }

  @Override
  public Item get(String key) throws IOException {
    String request = "mg " + key + " v f";
    return item(c.call(request), request);
  }

  @Override
  public Item gets(String key) throws IOException {
    String request = "mg " + key + " v f c";
    return item(c.call(request), request);
  }

  @Override
  public Map<String, Item> getMulti(List<String> keys) throws IOException {
    StringBuilder b = new StringBuilder();
    for (String key : keys) {
      b.append("mg ").append(key).append(" k v f q\r\n");
    }
    b.append("mn\r\n");
    c.sendRaw(b.toString().getBytes(StandardCharsets.ISO_8859_1));
    Map<String, Item> items = new LinkedHashMap<>();
    for (Reply r : c.readUntilNoop()) {
      if (r.code().equals("MN")) {
        if (!r.flags().isEmpty()) {
          throw new AssertionError("MN with flags: " + r);
        }
        continue;
      }
      Item item = item(r, "mg ... k v f q");
      if (item == null) {
        throw new AssertionError("a quiet mg answered a miss");
      }
      items.put(r.flag('k'), item);
    }
    return items;
  }

  @Override
  public boolean delete(String key) throws IOException {
    return either(c.call("md " + key).line(), "HD", "NF", "md");
  }

  private Counter counter(String key, long delta, String mode) throws IOException {
    Reply r = c.call("ma " + key + " D" + Long.toUnsignedString(delta) + mode + " v");
    if (r.line().equals("NF")) {
      return Counter.NOT_FOUND;
    }
    if (r.line().equals(NON_NUMERIC)) {
      return Counter.NON_NUMERIC;
    }
    if (!r.code().equals("VA") || !r.flags().isEmpty() || !r.text().matches("[0-9]+")) {
      throw new AssertionError("unexpected reply to ma: " + r);
    }
    return Counter.ok(Long.parseUnsignedLong(r.text()));
  }

  @Override
  public Counter incr(String key, long delta) throws IOException {
    return counter(key, delta, "");
  }

  @Override
  public Counter decr(String key, long delta) throws IOException {
    return counter(key, delta, " MD");
  }

  @Override
  public boolean touch(String key, int exptime) throws IOException {
    return either(c.call("mg " + key + " T" + exptime).line(), "HD", "EN", "mg T");
  }

  @Override
  public Item gat(String key, int exptime) throws IOException {
    String request = "mg " + key + " v f c T" + exptime;
    return item(c.call(request), request);
  }

  @Override
  public List<String> quietStores(Map<String, byte[]> values, boolean add) throws IOException {
    c.sendRaw(dataBlocks(values, e -> "ms " + e.getKey() + " " + e.getValue().length + (add ? " ME" : "") + " q k",
        "mn\r\n"));
    List<String> failed = new ArrayList<>();
    for (Reply r : c.readUntilNoop()) {
      if (r.code().equals("MN")) {
        continue;
      }
      if (!r.code().equals("NS") || r.flag('k') == null) {
        throw new AssertionError("unexpected reply to a quiet ms: " + r);
      }
      failed.add(r.flag('k'));
    }
    return failed;
  }

  @Override
  public boolean reportsQuietFailures() {
    return true;
  }

  @Override
  public List<Stored> pipelinedSets(Map<String, byte[]> values) throws IOException {
    c.sendRaw(dataBlocks(values, e -> "ms " + e.getKey() + " " + e.getValue().length + " k", ""));
    List<Stored> replies = new ArrayList<>();
    for (String key : values.keySet()) {
      Reply r = c.read();
      if (!r.line().equals("HD k" + key)) {
        throw new AssertionError("expected HD k" + key + ", got " + r);
      }
      replies.add(Stored.STORED);
    }
    return replies;
  }
}
