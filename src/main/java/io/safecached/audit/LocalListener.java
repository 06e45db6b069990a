package io.safecached.audit;

import java.net.InetAddress;
import java.util.List;

/**
 * A socket of a memcached or safecached process on this machine, found by {@code --local} in
 * {@code /proc/net/{tcp,tcp6,udp,udp6}}, with what the process's command line says about it.
 *
 * @param protocol     {@code tcp} or {@code udp}
 * @param bindAddress  the address it is bound to (0.0.0.0 / :: for every interface)
 * @param port         the bound port
 * @param pid          the owning process, or -1 when it could not be tied to one by socket inode
 * @param program      {@code memcached} or {@code safecached}
 * @param user         the user the process runs as (effective uid, by name when /etc/passwd has it)
 * @param cmdline      the process's arguments
 * @param sasl         {@code -S} given
 * @param asciiAuth    {@code -Y} given
 * @param tls          {@code -Z} given
 */
public record LocalListener(String protocol, InetAddress bindAddress, int port, long pid, String program,
                            String user, List<String> cmdline, boolean sasl, boolean asciiAuth, boolean tls) {
  public LocalListener {
    cmdline = List.copyOf(cmdline);
  }

  /** True when the command line turns authentication on. */
  public boolean authConfigured() {
    return sasl || asciiAuth;
  }
}
