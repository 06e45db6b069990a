package io.safecached.audit;

import io.safecached.config.Addresses;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code --local}: finds the memcached and safecached processes on this machine ({@code /proc/<pid>/cmdline})
 * and their listening sockets ({@code /proc/net/{tcp,tcp6,udp,udp6}}, tied to a process by the socket inodes
 * in {@code /proc/<pid>/fd}, or, when those cannot be read, by the ports on its command line). The /proc root
 * is injectable so tests read fixture files.
 */
public final class LocalScanner {
  private static final Pattern SOCKET_LINK = Pattern.compile("socket:\\[(\\d+)]");
  /** memcached short options that take an argument (getopt string), so bundled flags parse right. */
  private static final String WITH_ARGUMENT = "abBcDefIlmNnopPRstuUY";

  /** A socket line from /proc/net. */
  record Socket(String protocol, InetAddress address, int port, long inode) {}

  /** A memcached/safecached process and what its command line says. */
  record Proc(long pid, String program, String user, List<String> args, List<String> listen, int tcpPort, int udpPort,
              boolean sasl, boolean asciiAuth, boolean tls, Set<Long> inodes, boolean fdsReadable) {}

  private final Path procRoot;

  public LocalScanner(Path procRoot) {
    this.procRoot = procRoot;
  }

  /** Every listening TCP socket and bound UDP socket that belongs to a memcached or safecached process. */
  public List<LocalListener> listeners() throws IOException {
    List<Socket> sockets = new ArrayList<>();
    for (String f : List.of("tcp", "tcp6", "udp", "udp6")) {
      Path p = procRoot.resolve("net").resolve(f);
      if (Files.isReadable(p)) {
        sockets.addAll(parseNet(Files.readAllLines(p, StandardCharsets.ISO_8859_1), f.startsWith("tcp")
            ? "tcp" : "udp"));
      }
    }
    List<LocalListener> out = new ArrayList<>();
    for (Proc proc : processes()) {
      for (Socket s : sockets) {
        boolean mine = proc.fdsReadable() ? proc.inodes().contains(s.inode())
            : s.port() == (s.protocol().equals("tcp") ? proc.tcpPort() : proc.udpPort());
        if (mine) {
          out.add(new LocalListener(s.protocol(), s.address(), s.port(), proc.pid(), proc.program(), proc.user(),
              proc.args(),
              proc.sasl(), proc.asciiAuth(), proc.tls()));
        }
      }
    }
    return out;
  }

  /** The targets that probe those listeners: wildcard binds are reached through loopback. */
  public static List<Target> targets(List<LocalListener> listeners) {
    List<Target> out = new ArrayList<>();
    for (LocalListener l : listeners) {
      InetAddress probe = l.bindAddress();
      if (probe.isAnyLocalAddress()) {
        probe = InetAddress.getLoopbackAddress();
        if (l.bindAddress() instanceof Inet6Address) {
          probe = loopback6();
        }
      }
      boolean tcp = l.protocol().equals("tcp");
      out.add(new Target(Addresses.text(l.bindAddress()), probe, l.port(), tcp, !tcp, l));
    }
    return out;
  }

  private static InetAddress loopback6() {
    try {
      return InetAddress.getByName("::1");
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- /proc/net -----------------------------------------------------------------------------------------------

  /** Parses one /proc/net table: TCP sockets in LISTEN (0A), UDP sockets unconnected (07, remote port 0). */
  static List<Socket> parseNet(List<String> lines, String protocol) {
    List<Socket> out = new ArrayList<>();
    for (String line : lines) {
      String[] f = line.trim().split("\\s+");
      if (f.length < 10 || !f[0].endsWith(":")) {
        continue;
      }
      String st = f[3];
      boolean wanted = protocol.equals("tcp") ? st.equalsIgnoreCase("0A")
          : st.equals("07") && f[2].endsWith(":0000");
      if (!wanted) {
        continue;
      }
      try {
        String[] local = f[1].split(":");
        out.add(new Socket(protocol, hexAddress(local[0]), Integer.parseInt(local[1], 16), Long.parseLong(f[9])));
      } catch (RuntimeException | UnknownHostException e) {
        // a line we do not understand is skipped
      }
    }
    return out;
  }

  /** Decodes the kernel's hex address: 32-bit words in host (little-endian) order. */
  static InetAddress hexAddress(String hex) throws UnknownHostException {
    if (hex.length() != 8 && hex.length() != 32) {
      throw new UnknownHostException("bad length " + hex);
    }
    byte[] b = new byte[hex.length() / 2];
    for (int word = 0; word < b.length / 4; word++) {
      for (int i = 0; i < 4; i++) {
        int at = (word * 4 + i) * 2;
        b[word * 4 + (3 - i)] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
      }
    }
    return InetAddress.getByAddress(b);
  }

  // ---- /proc/<pid> ---------------------------------------------------------------------------------------------

  List<Proc> processes() throws IOException {
    List<Proc> out = new ArrayList<>();
    if (!Files.isDirectory(procRoot)) {
      throw new IOException(procRoot + " is not a directory (is this Linux?)");
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(procRoot, p -> p.getFileName().toString()
        .matches("\\d+"))) {
      for (Path dir : ds) {
        List<String> args = cmdline(dir.resolve("cmdline"));
        String program = program(args);
        if (program != null) {
          Set<Long> inodes = new HashSet<>();
          boolean readable = readInodes(dir.resolve("fd"), inodes);
          Proc p = parseFlags(Long.parseLong(dir.getFileName().toString()), program, args, inodes, readable);
          out.add(new Proc(p.pid(), p.program(), user(dir), p.args(), p.listen(), p.tcpPort(), p.udpPort(),
              p.sasl(), p.asciiAuth(), p.tls(), p.inodes(), p.fdsReadable()));
        }
      }
    }
    out.sort((a, b) -> Long.compare(a.pid(), b.pid()));
    return out;
  }

  /**
   * The user a process runs as: the effective uid from {@code status} (not the owner of /proc/PID, which is
   * root for a memcached that dropped privileges with -u), by name from /etc/passwd, else the number; "?" when
   * the status cannot be read.
   */
  static String user(Path procDir) {
    try {
      for (String line : Files.readAllLines(procDir.resolve("status"), StandardCharsets.ISO_8859_1)) {
        if (line.startsWith("Uid:")) {
          String[] f = line.substring(4).trim().split("\\s+");
          String uid = f.length > 1 ? f[1] : f[0];
          return userName(uid);
        }
      }
    } catch (IOException | SecurityException e) {
      // unreadable: reported as "?"
    }
    return "?";
  }

  private static String userName(String uid) {
    try {
      for (String line : Files.readAllLines(Path.of("/etc/passwd"), StandardCharsets.UTF_8)) {
        String[] f = line.split(":", -1);
        if (f.length > 2 && f[2].equals(uid)) {
          return f[0];
        }
      }
    } catch (IOException | SecurityException e) {
      // no passwd file: the number
    }
    return uid;
  }

  private static List<String> cmdline(Path p) {
    try {
      byte[] raw = Files.readAllBytes(p);
      if (raw.length == 0) {
        return List.of();
      }
      String s = new String(raw, StandardCharsets.UTF_8);
      if (s.endsWith("\0")) {
        s = s.substring(0, s.length() - 1);
      }
      return Arrays.asList(s.split("\0", -1));
    } catch (IOException e) {
      return List.of();
    }
  }

  /** {@code memcached}, {@code safecached} (its serve command), or null for any other process. */
  static String program(List<String> args) {
    if (args.isEmpty()) {
      return null;
    }
    String base = Path.of(args.get(0).isEmpty() ? "x" : args.get(0)).getFileName().toString();
    if (base.equals("memcached")) {
      return "memcached";
    }
    boolean safecached = base.equals("safecached") || args.stream().anyMatch(a -> {
      String l = a.toLowerCase(Locale.ROOT);
      return l.endsWith("safecached.jar") || l.equals("io.safecached.cli.main");
    });
    return safecached && args.contains("serve") ? "safecached" : null;
  }

  private static boolean readInodes(Path fdDir, Set<Long> out) {
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(fdDir)) {
      for (Path fd : ds) {
        try {
          Matcher m = SOCKET_LINK.matcher(Files.readSymbolicLink(fd).toString());
          if (m.matches()) {
            out.add(Long.parseLong(m.group(1)));
          }
        } catch (IOException | UnsupportedOperationException ignored) {
          // a descriptor closed meanwhile or unreadable
        }
      }
      return true;
    } catch (IOException | SecurityException e) {
      return false;
    }
  }

  /** Reads the options that matter for exposure from a memcached-style command line. */
  static Proc parseFlags(long pid, String program, List<String> args, Set<Long> inodes, boolean fdsReadable) {
    List<String> listen = new ArrayList<>();
    int tcpPort = 11211;
    int udpPort = 0;
    boolean sasl = false;
    boolean ascii = false;
    boolean tls = false;
    for (int i = 1; i < args.size(); i++) {
      String a = args.get(i);
      String name;
      String value = null;
      if (a.startsWith("--")) {
        int eq = a.indexOf('=');
        name = eq < 0 ? a.substring(2) : a.substring(2, eq);
        if (eq >= 0) {
          value = a.substring(eq + 1);
        } else if (List.of("listen", "port", "udp-port", "auth-file").contains(name) && i + 1 < args.size()) {
          value = args.get(++i);
        }
        switch (name) {
          case "listen" -> name = "l";
          case "port" -> name = "p";
          case "udp-port" -> name = "U";
          case "enable-sasl" -> name = "S";
          case "auth-file" -> name = "Y";
          case "enable-ssl" -> name = "Z";
          default -> { }
        }
        if (name.length() != 1) {
          continue;
        }
        char c = name.charAt(0);
        if (c == 'l' && value != null) {
          listen.addAll(Arrays.asList(value.split(",")));
        } else if (c == 'p' && value != null) {
          tcpPort = portOr(value, tcpPort);
        } else if (c == 'U' && value != null) {
          udpPort = portOr(value, udpPort);
        } else if (c == 'S') {
          sasl = true;
        } else if (c == 'Y') {
          ascii = true;
        } else if (c == 'Z') {
          tls = true;
        }
        continue;
      }
      if (!a.startsWith("-") || a.length() < 2) {
        continue;
      }
      for (int j = 1; j < a.length(); j++) {
        char c = a.charAt(j);
        if (WITH_ARGUMENT.indexOf(c) >= 0) {
          value = j + 1 < a.length() ? a.substring(j + 1) : i + 1 < args.size() ? args.get(++i) : null;
          if (value != null) {
            switch (c) {
              case 'l' -> listen.addAll(Arrays.asList(value.split(",")));
              case 'p' -> tcpPort = portOr(value, tcpPort);
              case 'U' -> udpPort = portOr(value, udpPort);
              case 'Y' -> ascii = true;
              default -> { }
            }
          }
          break;
        }
        if (c == 'S') {
          sasl = true;
        } else if (c == 'Z') {
          tls = true;
        }
      }
    }
    return new Proc(pid, program, "?", List.copyOf(args), listen, tcpPort, udpPort, sasl, ascii, tls, inodes,
        fdsReadable);
  }

  private static int portOr(String v, int dflt) {
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      return dflt;
    }
  }
}
