package io.safecached.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes a fake /proc tree: socket tables and processes with command lines and socket descriptors. */
public final class ProcFixture {
  private static final String TCP_HEADER = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt"
      + "   uid  timeout inode";

  private ProcFixture() {}

  /**
   * A machine with: memcached pid 100 on 0.0.0.0:11211 tcp and udp (no -l, -U 11211); memcached pid 200 on
   * 127.0.0.1:22122 with -S; safecached pid 300 on [::1]:11311 whose fds are unreadable; a safecached audit
   * process, sshd on :22 and an unrelated UDP socket. {@code extraTcpPort} adds a listener of pid 100 on
   * 0.0.0.0 at that port (0 = none) so tests can point it at a real server.
   */
  public static Path write(Path root, int extraTcpPort) throws IOException {
    Path net = Files.createDirectories(root.resolve("net"));
    String extra = extraTcpPort == 0 ? "" : "   4: 00000000:" + hex4(extraTcpPort)
        + " 00000000:0000 0A 00000000:00000000 00:00000000 00000000   112        0 1003 1 0000000000000000 100 0 0 10 0\n";
    Files.writeString(net.resolve("tcp"), TCP_HEADER + "\n"
        + "   0: 00000000:2BCB 00000000:0000 0A 00000000:00000000 00:00000000 00000000   112        0 1001 1 0000000000000000 100 0 0 10 0\n"
        + "   1: 0100007F:4FBA 00000000:0000 0A 00000000:00000000 00:00000000 00000000   112        0 2001 1 0000000000000000 100 0 0 10 0\n"
        + "   2: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 5001 1 0000000000000000 100 0 0 10 0\n"
        + "   3: 0100007F:2BCB 0100007F:D431 01 00000000:00000000 00:00000000 00000000   112        0 1999 1 0000000000000000 100 0 0 10 0\n"
        + extra);
    Files.writeString(net.resolve("tcp6"), TCP_HEADER + "\n"
        + "   0: 00000000000000000000000001000000:2C2F 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 3001 1 0000000000000000 100 0 0 10 0\n");
    Files.writeString(net.resolve("udp"), "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when"
        + " retrnsmt   uid  timeout inode ref pointer drops\n"
        + "  10: 00000000:2BCB 00000000:0000 07 00000000:00000000 00:00000000 00000000   112        0 1002 2 0000000000000000 0\n"
        + "  11: 00000000:0044 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 5002 2 0000000000000000 0\n");
    Files.writeString(net.resolve("udp6"), "   sl  local_address rem_address   st\n");
    process(root, 100, List.of("/usr/bin/memcached", "-m", "64", "-p", "11211", "-U", "11211", "-u", "memcache"),
        List.of(1001L, 1002L, 1003L));
    process(root, 200, List.of("memcached", "-l", "127.0.0.1", "-p22122", "-S", "-vv"), List.of(2001L));
    Path p300 = process(root, 300, List.of("java", "-jar", "/opt/safecached.jar", "serve", "-l", "::1",
        "--port=11311"), null);
    Files.writeString(p300.resolve("fd"), "not a directory: unreadable descriptors");
    process(root, 400, List.of("java", "-jar", "/opt/safecached.jar", "audit", "--local"), List.of());
    process(root, 500, List.of("/usr/sbin/sshd", "-D"), List.of(5001L));
    Files.createDirectories(root.resolve("self"));
    return root;
  }

  private static String hex4(int port) {
    return String.format("%04X", port);
  }

  private static Path process(Path root, long pid, List<String> args, List<Long> sockets) throws IOException {
    Path dir = Files.createDirectories(root.resolve(Long.toString(pid)));
    Files.write(dir.resolve("cmdline"), (String.join("\0", args) + "\0").getBytes(StandardCharsets.UTF_8));
    long uid = pid == 100 ? 65534 : 0; // memcached -u nobody: real uid root, effective nobody
    Files.writeString(dir.resolve("status"), "Name:\tx\nUid:\t0\t" + uid + "\t" + uid + "\t" + uid + "\n");
    if (sockets != null) {
      Path fd = Files.createDirectories(dir.resolve("fd"));
      Files.createSymbolicLink(fd.resolve("0"), Path.of("pipe:[77]"));
      int n = 3;
      for (long inode : sockets) {
        Files.createSymbolicLink(fd.resolve(Integer.toString(n++)), Path.of("socket:[" + inode + "]"));
      }
    }
    return dir;
  }
}
