package io.safecached.audit;

import io.safecached.config.Addresses;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.regex.Pattern;

/**
 * The targets of one audit, expanded lazily: a /8 is a start address and a count, never a list. Accepts
 * {@code host}, {@code host:port}, {@code [v6]:port}, IPv4/IPv6 CIDR, IPv4 ranges {@code a.b.c.d-e.f.g.h} and
 * {@code a.b.c.d-h}, {@code @file} and {@code -} (stdin) holding one of those per line, masscan {@code -oL}
 * lines, masscan {@code -oJ} and ZMap JSON, ZMap CSV with a header, and zgrab2-style {@code IP, DOMAIN, TAG, PORT}
 * CSV. Hostnames are resolved only when probed.
 */
public final class TargetSet implements Iterable<Target> {
  /** Largest @file or stdin accepted, in bytes. */
  public static final long MAX_INPUT_BYTES = 64L * 1024 * 1024;
  private static final Pattern V4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern HOSTNAME = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_.-]{0,252})");

  /** One entry: a host name, or {@code count} consecutive addresses from {@code first}; port 0 = use --ports. */
  record Block(String hostname, BigInteger first, int bytes, BigInteger count, int port) {
    BigInteger size(int defaultPorts) {
      return count.multiply(BigInteger.valueOf(port == 0 ? defaultPorts : 1));
    }

    boolean contains(InetAddress a) {
      byte[] b = a.getAddress();
      if (hostname != null || b.length != bytes) {
        return false;
      }
      BigInteger v = new BigInteger(1, b);
      return v.compareTo(first) >= 0 && v.compareTo(first.add(count)) < 0;
    }
  }

  private final List<Block> blocks;
  private final List<Integer> ports;
  private final List<Block> excludes;

  private TargetSet(List<Block> blocks, List<Integer> ports, List<Block> excludes) {
    this.blocks = List.copyOf(blocks);
    this.ports = List.copyOf(ports);
    this.excludes = List.copyOf(excludes);
  }

  /**
   * Parses the arguments. {@code maxTargets} bounds how many entries a file may hold before parsing stops
   * (the expansion itself is checked by the caller against {@link #size()}).
   *
   * @throws UsageException on any malformed entry, unreadable file, or a file with too many entries
   */
  public static TargetSet parse(List<String> args, List<Integer> ports, List<String> excludes, InputStream stdin,
                                long maxTargets) {
    List<Block> blocks = new ArrayList<>();
    for (String a : args) {
      addArgument(a, blocks, stdin, maxTargets);
    }
    List<Block> ex = new ArrayList<>();
    for (String e : excludes) {
      addArgument(e, ex, stdin, Long.MAX_VALUE);
    }
    for (Block b : ex) {
      if (b.hostname() != null) {
        throw new UsageException("--exclude takes addresses, ranges and CIDRs, not host names: " + b.hostname());
      }
    }
    return new TargetSet(blocks, ports, ex);
  }

  private static void addArgument(String a, List<Block> out, InputStream stdin, long max) {
    if (a.equals("-")) {
      addContent(read(stdin, "stdin"), "stdin", out, max);
    } else if (a.startsWith("@")) {
      Path p = Path.of(a.substring(1));
      try {
        if (Files.size(p) > MAX_INPUT_BYTES) {
          throw new UsageException(a + " is larger than " + MAX_INPUT_BYTES + " bytes");
        }
        addContent(Files.readString(p, StandardCharsets.UTF_8), a, out, max);
      } catch (IOException e) {
        throw new UsageException("cannot read " + a + ": " + e.getMessage());
      }
    } else {
      out.add(token(a, a));
    }
  }

  private static String read(InputStream in, String what) {
    try {
      byte[] b = in.readNBytes((int) MAX_INPUT_BYTES + 1);
      if (b.length > MAX_INPUT_BYTES) {
        throw new UsageException(what + " is larger than " + MAX_INPUT_BYTES + " bytes");
      }
      return new String(b, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UsageException("cannot read " + what + ": " + e.getMessage());
    }
  }

  /** The number of (address, port) pairs, before exclusions. */
  public BigInteger size() {
    BigInteger n = BigInteger.ZERO;
    for (Block b : blocks) {
      n = n.add(b.size(ports.size()));
    }
    return n;
  }

  /** True when an --exclude entry covers the address. */
  public boolean excluded(InetAddress a) {
    return excludes.stream().anyMatch(b -> b.contains(a));
  }

  // ---- content of @file / stdin ------------------------------------------------------------------------------

  static void addContent(String content, String origin, List<Block> out, long max) {
    String trimmed = content.strip();
    if (trimmed.startsWith("[") || trimmed.startsWith("{")) {
      List<Object> values;
      try {
        values = Json.parseAll(trimmed);
      } catch (IllegalArgumentException e) {
        throw new UsageException(origin + ": " + e.getMessage());
      }
      for (Object v : values) {
        addJson(v, origin, out, max);
      }
      return;
    }
    int[] header = null;
    int n = 0;
    for (String raw : content.split("\r?\n")) {
      n++;
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String where = origin + " line " + n;
      if (out.size() >= max) {
        throw new UsageException(origin + " holds more than " + max + " entries (--max-targets)");
      }
      if (line.startsWith("open ") || line.startsWith("closed ")) {
        String[] f = line.split("\\s+");
        if (f.length < 4) {
          throw new UsageException(where + ": not a masscan -oL line: " + line);
        }
        if (f[0].equals("open")) {
          Block b = token(f[3], where);
          out.add(withPort(b, Ports.port(f[2], where)));
        }
        continue;
      }
      if (line.indexOf(',') >= 0) {
        List<String> f = Csv.split(line).stream().map(String::strip).toList();
        if (header == null && !f.isEmpty() && isHeader(f)) {
          header = headerColumns(f, where);
          continue;
        }
        String host;
        String port = "";
        if (header != null) {
          host = header[0] < f.size() ? f.get(header[0]) : "";
          port = header[1] >= 0 && header[1] < f.size() ? f.get(header[1]) : "";
        } else {
          host = !f.get(0).isEmpty() ? f.get(0) : f.size() > 1 ? f.get(1) : "";
          port = f.size() > 3 ? f.get(3) : "";
        }
        if (host.isEmpty()) {
          throw new UsageException(where + ": no address in CSV line: " + line);
        }
        Block b = token(host, where);
        out.add(port.isEmpty() ? b : withPort(b, Ports.port(port, where)));
        continue;
      }
      out.add(token(line.split("\\s+")[0], where));
    }
  }

  private static boolean isHeader(List<String> f) {
    for (String s : f) {
      String l = s.toLowerCase(Locale.ROOT);
      if (l.equals("saddr") || l.equals("ip") || l.equals("host") || l.equals("address")) {
        return true;
      }
    }
    return false;
  }

  private static int[] headerColumns(List<String> f, String where) {
    int host = -1;
    int port = -1;
    for (int i = 0; i < f.size(); i++) {
      String l = f.get(i).toLowerCase(Locale.ROOT);
      if (host < 0 && (l.equals("saddr") || l.equals("ip") || l.equals("host") || l.equals("address"))) {
        host = i;
      } else if (port < 0 && (l.equals("sport") || l.equals("port"))) {
        port = i;
      }
    }
    if (host < 0) {
      throw new UsageException(where + ": CSV header without an address column");
    }
    return new int[] {host, port};
  }

  private static void addJson(Object v, String origin, List<Block> out, long max) {
    if (v instanceof List<?> l) {
      for (Object o : l) {
        addJson(o, origin, out, max);
      }
      return;
    }
    if (!(v instanceof Map<?, ?> m)) {
      throw new UsageException(origin + ": expected JSON objects with an \"ip\" or \"saddr\" field");
    }
    Object host = first(m, "ip", "saddr", "host", "address");
    if (host == null) {
      throw new UsageException(origin + ": JSON object without \"ip\"/\"saddr\": " + Json.write(m));
    }
    Block b = token(host.toString(), origin);
    List<Integer> ports = new ArrayList<>();
    if (m.get("ports") instanceof List<?> pl) {
      for (Object p : pl) {
        if (p instanceof Map<?, ?> pm && pm.get("port") != null) {
          Object status = pm.get("status");
          if (status == null || "open".equals(status)) {
            ports.add(Ports.port(pm.get("port").toString(), origin));
          }
        }
      }
      if (ports.isEmpty()) {
        return;
      }
    } else {
      Object p = first(m, "port", "sport");
      if (p != null) {
        ports.add(Ports.port(p.toString(), origin));
      }
    }
    if (ports.isEmpty()) {
      addChecked(out, b, origin, max);
    }
    for (int p : ports) {
      addChecked(out, withPort(b, p), origin, max);
    }
  }

  private static void addChecked(List<Block> out, Block b, String origin, long max) {
    if (out.size() >= max) {
      throw new UsageException(origin + " holds more than " + max + " entries (--max-targets)");
    }
    out.add(b);
  }

  private static Object first(Map<?, ?> m, String... keys) {
    for (String k : keys) {
      Object v = m.get(k);
      if (v != null) {
        return v;
      }
    }
    return null;
  }

  private static Block withPort(Block b, int port) {
    return new Block(b.hostname(), b.first(), b.bytes(), b.count(), port);
  }

  // ---- one token -----------------------------------------------------------------------------------------------

  /** Parses one target token; {@code where} names it in error messages. */
  static Block token(String raw, String where) {
    String t = raw.strip();
    if (t.isEmpty()) {
      throw new UsageException("empty target in " + where);
    }
    String host = t;
    int port = 0;
    if (t.startsWith("[")) {
      int close = t.indexOf(']');
      if (close < 0) {
        throw new UsageException("missing ']' in target '" + t + "'");
      }
      host = t.substring(1, close);
      String rest = t.substring(close + 1);
      if (rest.startsWith(":")) {
        port = Ports.port(rest.substring(1), "target " + t);
      } else if (!rest.isEmpty()) {
        throw new UsageException("unexpected '" + rest + "' after ']' in target '" + t + "'");
      }
    } else if (t.indexOf(':') >= 0 && t.indexOf(':') == t.lastIndexOf(':')) {
      int c = t.indexOf(':');
      host = t.substring(0, c);
      port = Ports.port(t.substring(c + 1), "target " + t);
    }
    int slash = host.indexOf('/');
    if (slash >= 0) {
      InetAddress a = literal(host.substring(0, slash), t);
      int bits = a.getAddress().length * 8;
      int prefix;
      try {
        prefix = Integer.parseInt(host.substring(slash + 1));
      } catch (NumberFormatException e) {
        prefix = -1;
      }
      if (prefix < 0 || prefix > bits) {
        throw new UsageException("bad prefix length in '" + t + "' (0-" + bits + ")");
      }
      BigInteger count = BigInteger.ONE.shiftLeft(bits - prefix);
      BigInteger first = new BigInteger(1, a.getAddress()).divide(count).multiply(count);
      return new Block(null, first, bits / 8, count, port);
    }
    int dash = host.indexOf('-');
    if (dash > 0 && V4.matcher(host.substring(0, dash)).matches()) {
      InetAddress lo = literal(host.substring(0, dash), t);
      String end = host.substring(dash + 1);
      InetAddress hi;
      if (end.matches("\\d{1,3}")) {
        byte[] b = lo.getAddress();
        int last = Integer.parseInt(end);
        if (last > 255) {
          throw new UsageException("bad range end in '" + t + "'");
        }
        b[3] = (byte) last;
        hi = bytesToAddress(b);
      } else {
        hi = literal(end, t);
      }
      if (!(hi instanceof Inet4Address)) {
        throw new UsageException("a range must be IPv4 at both ends: '" + t + "'");
      }
      BigInteger from = new BigInteger(1, lo.getAddress());
      BigInteger to = new BigInteger(1, hi.getAddress());
      if (to.compareTo(from) < 0) {
        throw new UsageException("range ends before it starts: '" + t + "'");
      }
      return new Block(null, from, 4, to.subtract(from).add(BigInteger.ONE), port);
    }
    if (V4.matcher(host).matches() || host.indexOf(':') >= 0) {
      InetAddress a = literal(host, t);
      return new Block(null, new BigInteger(1, a.getAddress()), a.getAddress().length, BigInteger.ONE, port);
    }
    if (!HOSTNAME.matcher(host).matches()) {
      throw new UsageException("not a host, address, range or CIDR: '" + t + "' (" + where + ")");
    }
    return new Block(host, null, 0, BigInteger.ONE, port);
  }

  /** Parses an IPv4 or IPv6 literal without any DNS lookup. */
  static InetAddress literal(String s, String context) {
    if (!(V4.matcher(s).matches() || s.indexOf(':') >= 0)) {
      throw new UsageException("not an IP address: '" + s + "' in '" + context + "'");
    }
    if (V4.matcher(s).matches()) {
      for (String o : s.split("\\.")) {
        if (Integer.parseInt(o) > 255) {
          throw new UsageException("not an IP address: '" + s + "' in '" + context + "'");
        }
      }
    }
    try {
      return InetAddress.getByName(s);
    } catch (UnknownHostException e) {
      throw new UsageException("not an IP address: '" + s + "' in '" + context + "'");
    }
  }

  private static InetAddress bytesToAddress(byte[] b) {
    try {
      return InetAddress.getByAddress(b);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  static InetAddress address(BigInteger v, int bytes) {
    byte[] raw = v.toByteArray();
    byte[] b = new byte[bytes];
    int copy = Math.min(raw.length, bytes);
    System.arraycopy(raw, raw.length - copy, b, bytes - copy, copy);
    return bytesToAddress(b);
  }

  // ---- lazy iteration ------------------------------------------------------------------------------------------

  @Override
  public Iterator<Target> iterator() {
    return new Iterator<>() {
      private int block = -1;
      private BigInteger offset = BigInteger.ZERO;
      private int portIndex = 0;
      private Target next;

      @Override
      public boolean hasNext() {
        while (next == null) {
          if (!advance()) {
            return false;
          }
        }
        return true;
      }

      private boolean advance() {
        if (block < 0 || block >= blocks.size()) {
          if (block >= blocks.size()) {
            return false;
          }
          block = 0;
          offset = BigInteger.ZERO;
          portIndex = 0;
          if (blocks.isEmpty()) {
            block = 1;
            return false;
          }
        }
        Block b = blocks.get(block);
        List<Integer> ps = b.port() == 0 ? ports : List.of(b.port());
        if (offset.compareTo(b.count()) >= 0) {
          block++;
          offset = BigInteger.ZERO;
          portIndex = 0;
          return block < blocks.size();
        }
        int port = ps.get(portIndex);
        Target t;
        if (b.hostname() != null) {
          t = Target.remote(b.hostname(), null, port);
        } else {
          InetAddress a = address(b.first().add(offset), b.bytes());
          t = excluded(a) ? null : Target.remote(Addresses.text(a), a, port);
        }
        portIndex++;
        if (portIndex >= ps.size()) {
          portIndex = 0;
          offset = offset.add(BigInteger.ONE);
        }
        next = t;
        return true;
      }

      @Override
      public Target next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        Target t = next;
        next = null;
        return t;
      }
    };
  }
}
