package io.safecached.audit.target;

import io.safecached.audit.Target;
import io.safecached.audit.UsageException;
import io.safecached.config.Addresses;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The targets of one audit, expanded lazily: a /8 is a start address and a count, never a list. Accepts
 * {@code host}, {@code host:port}, {@code [v6]:port}, IPv4/IPv6 CIDR, IPv4 ranges {@code a.b.c.d-e.f.g.h} and
 * {@code a.b.c.d-h}; {@code @file} and {@code -} (stdin) are read by {@link TargetReader} (plain lists and
 * scanner output). Addresses are strict literals ({@link IpLiteral}); host names are resolved only when probed.
 *
 * <p>The guarantee: an address is handed out by the iterator, or passes {@link #permits}, only when it lies in
 * a block that was given and in no excluded block.
 */
public final class TargetSet implements Iterable<Target> {
  /** Largest @file or stdin accepted, in bytes. */
  public static final long MAX_INPUT_BYTES = 64L * 1024 * 1024;

  /** One entry: a host name, or {@code count} consecutive addresses from {@code first}; port 0 = use --ports. */
  record Block(String hostname, BigInteger first, int bytes, BigInteger count, int port) {
    static Block single(byte[] address) {
      return new Block(null, new BigInteger(1, address), address.length, BigInteger.ONE, 0);
    }

    BigInteger size(int defaultPorts) {
      return count.multiply(BigInteger.valueOf(port == 0 ? defaultPorts : 1));
    }

    Block withPort(int p) {
      return new Block(hostname, first, bytes, count, p);
    }
  }

  private final List<Block> blocks;
  private final List<Integer> ports;
  private final AddressRanges given;
  private final Set<String> hostnames;
  private final AddressRanges excludes;

  private TargetSet(List<Block> blocks, List<Integer> ports, List<Block> excludes) {
    this.blocks = List.copyOf(blocks);
    this.ports = List.copyOf(ports);
    this.given = AddressRanges.of(blocks);
    Set<String> names = new HashSet<>();
    for (Block b : blocks) {
      if (b.hostname() != null) {
        names.add(b.hostname().toLowerCase(Locale.ROOT));
      }
    }
    this.hostnames = names;
    this.excludes = AddressRanges.of(excludes);
  }

  /**
   * Parses the arguments. {@code maxTargets} bounds how many entries a file may hold before parsing stops
   * (the expansion itself is checked by the caller against {@link #size()}).
   *
   * @throws UsageException on any malformed entry (files: with the line), unreadable file, or too many entries
   */
  public static TargetSet parse(List<String> args, List<Integer> ports, List<String> excludes, InputStream stdin,
                                long maxTargets) {
    boolean[] stdinRead = {false};
    List<Block> blocks = new ArrayList<>();
    for (String a : args) {
      addArgument(a, "", blocks, stdin, stdinRead, maxTargets);
    }
    List<Block> ex = new ArrayList<>();
    for (String e : excludes) {
      addArgument(e, "--exclude ", ex, stdin, stdinRead, Long.MAX_VALUE);
    }
    for (Block b : ex) {
      if (b.hostname() != null) {
        throw new UsageException("--exclude takes addresses, ranges and CIDRs, not host names: " + b.hostname());
      }
    }
    return new TargetSet(blocks, ports, ex);
  }

  private static void addArgument(String a, String option, List<Block> out, InputStream stdin, boolean[] stdinRead,
                                  long max) {
    if (a.equals("-")) {
      if (stdinRead[0]) {
        throw new UsageException("'-' (stdin) can be given only once");
      }
      stdinRead[0] = true;
      readInto(read(stdin, option + "stdin"), option + "stdin", out, max);
    } else if (a.startsWith("@")) {
      Path p = Path.of(a.substring(1));
      String name = option + a;
      try {
        if (Files.size(p) > MAX_INPUT_BYTES) {
          throw new UsageException(name + " is larger than " + MAX_INPUT_BYTES + " bytes");
        }
        readInto(Files.readString(p, StandardCharsets.UTF_8), name, out, max);
      } catch (IOException e) {
        throw new UsageException("cannot read " + name + ": " + e.getMessage());
      }
    } else {
      out.add(token(a, option + "'" + a + "'"));
    }
  }

  private static void readInto(String content, String origin, List<Block> out, long max) {
    TargetReader.read(content, origin, max, out);
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
    return excludes.contains(a);
  }

  /**
   * True when the target may be probed: a listener found by {@code --local}, or an address inside a block that
   * was given, or an address resolved from a host name that was given; and not excluded either way.
   */
  public boolean permits(Target t) {
    if (t.address() == null || excluded(t.address())) {
      return false;
    }
    if (t.local() != null) {
      return true;
    }
    if (given.contains(t.address()) && IpLiteral.parse(t.host()) != null) {
      return true;
    }
    return IpLiteral.parse(t.host()) == null && hostnames.contains(t.host().toLowerCase(Locale.ROOT));
  }

  // ---- one token -----------------------------------------------------------------------------------------------

  /** Parses one target token strictly; {@code where} names it in error messages. */
  static Block token(String raw, String where) {
    String t = raw.strip();
    if (t.isEmpty()) {
      throw new UsageException("empty target in " + where);
    }
    String host = t;
    int port = 0;
    boolean bracketed = false;
    if (t.startsWith("[")) {
      int close = t.indexOf(']');
      if (close < 0) {
        throw new UsageException("missing ']' in target '" + t + "'");
      }
      host = t.substring(1, close);
      bracketed = true;
      String rest = t.substring(close + 1);
      if (rest.startsWith(":")) {
        port = Ports.port(rest.substring(1), "target " + t);
      } else if (!rest.isEmpty()) {
        throw new UsageException("unexpected '" + rest + "' after ']' in target '" + t + "'");
      }
      if (host.indexOf(':') < 0) {
        throw new UsageException("brackets are for IPv6 addresses: '" + t + "'");
      }
    } else if (t.indexOf(':') >= 0 && t.indexOf(':') == t.lastIndexOf(':')) {
      int c = t.indexOf(':');
      host = t.substring(0, c);
      port = Ports.port(t.substring(c + 1), "target " + t);
    }
    boolean v6 = host.indexOf(':') >= 0;
    int slash = host.indexOf('/');
    if (slash >= 0) {
      byte[] a = literal(host.substring(0, slash), t);
      int bits = a.length * 8;
      String len = host.substring(slash + 1);
      int prefix = len.equals("0") ? 0 : IpLiteral.port(len);
      if (prefix < 0 || prefix > bits) {
        throw new UsageException("bad prefix length in '" + t + "' (0-" + bits + ")");
      }
      BigInteger count = BigInteger.ONE.shiftLeft(bits - prefix);
      BigInteger first = new BigInteger(1, a).divide(count).multiply(count);
      return new Block(null, first, bits / 8, count, port);
    }
    int dash = host.indexOf('-');
    if (!v6 && dash >= 0 && IpLiteral.looksLikeV4(host.substring(0, dash))) {
      byte[] lo = literal(host.substring(0, dash), t);
      String end = host.substring(dash + 1);
      byte[] hi;
      if (end.indexOf('.') < 0) {
        int last = end.equals("0") ? 0 : IpLiteral.port(end);
        if (last < 0 || last > 255) {
          throw new UsageException("bad range end in '" + t + "' (0-255 or a whole IPv4 address)");
        }
        hi = lo.clone();
        hi[3] = (byte) last;
      } else {
        hi = IpLiteral.v4(end);
        if (hi == null) {
          throw new UsageException("a range must be IPv4 at both ends, written a.b.c.d: '" + t + "'");
        }
      }
      BigInteger from = new BigInteger(1, lo);
      BigInteger to = new BigInteger(1, hi);
      if (to.compareTo(from) < 0) {
        throw new UsageException("range ends before it starts: '" + t + "'");
      }
      return new Block(null, from, 4, to.subtract(from).add(BigInteger.ONE), port);
    }
    if (v6 || IpLiteral.looksLikeV4(host) || bracketed) {
      return Block.single(literal(host, t)).withPort(port);
    }
    if (!IpLiteral.hostname(host)) {
      throw new UsageException("not a host, address, range or CIDR: '" + t + "' (IPv4 is written a.b.c.d; a host"
          + " name's last label starts with a letter)");
    }
    return new Block(host, null, 0, BigInteger.ONE, port);
  }

  /** The bytes of a strict IPv4 or IPv6 literal, without any DNS lookup. */
  private static byte[] literal(String s, String context) {
    byte[] b = IpLiteral.parse(s);
    if (b == null) {
      String hint = s.indexOf(':') >= 0 ? "" : " (IPv4 is four decimal numbers 0-255 without leading zeros)";
      throw new UsageException("not an IP address: '" + s + "'" + (s.equals(context) ? "" : " in '" + context + "'")
          + hint);
    }
    if (b.length == 16 && isMappedV4(b)) {
      throw new UsageException("write the IPv4-mapped address '" + s + "' as IPv4 (in '" + context + "')");
    }
    return b;
  }

  private static boolean isMappedV4(byte[] b) {
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
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
          t = Target.remote(Addresses.text(a), a, port); // the auditor skips and counts excluded ones
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
