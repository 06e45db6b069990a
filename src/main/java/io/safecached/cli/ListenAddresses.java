package io.safecached.cli;

import io.safecached.config.ConfigException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * Turns the values of {@code -l} into socket addresses, as memcached reads them: a comma list, each entry a host,
 * {@code host:port}, a bare IPv6 literal, or {@code [v6]} / {@code [v6]:port}. An entry without a port gets port
 * 0, which {@code ServerConfig} replaces with {@code -p}.
 *
 * <p>IP literals are parsed without any lookup. A host name is looked up (every address it has is used, as
 * memcached binds every result of getaddrinfo), but never for longer than a bound, so a dead DNS server cannot
 * hang start-up.
 */
final class ListenAddresses {
  /** How names are looked up; the default asks the system resolver (which reads /etc/hosts first). */
  @FunctionalInterface
  interface HostResolver {
    InetAddress[] resolve(String host) throws UnknownHostException;
  }

  static final HostResolver SYSTEM = InetAddress::getAllByName;
  static final Duration DEFAULT_LOOKUP_TIMEOUT = Duration.ofSeconds(5);

  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:][0-9A-Fa-f:.]*(%[A-Za-z0-9_.-]+)?");
  private static final Pattern HOST_NAME = Pattern.compile(
      "(?=.{1,253}$)[A-Za-z0-9_]([A-Za-z0-9_-]{0,62})(\\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,62}))*\\.?");

  private final HostResolver resolver;
  private final Duration lookupTimeout;

  ListenAddresses(HostResolver resolver, Duration lookupTimeout) {
    this.resolver = resolver;
    this.lookupTimeout = lookupTimeout;
  }

  /** Every address named by the {@code -l} values, in order, without duplicates. */
  List<InetSocketAddress> parse(List<String> values) {
    return parseAll(values).addresses();
  }

  /** The listen addresses, and those of them given with memcached's {@code notls:} prefix (plaintext under -Z). */
  record Parsed(List<InetSocketAddress> addresses, Set<InetSocketAddress> plaintext) {}

  /** Parses every {@code -l} value, noting the entries marked {@code notls:}. */
  Parsed parseAll(List<String> values) {
    Set<InetSocketAddress> out = new LinkedHashSet<>();
    Set<InetSocketAddress> plaintext = new LinkedHashSet<>();
    for (String value : values) {
      for (String raw : value.split(",", -1)) {
        String entry = raw.trim();
        boolean notls = entry.startsWith(NO_TLS);
        List<InetSocketAddress> parsed = parseEntry(notls ? entry.substring(NO_TLS.length()) : entry);
        out.addAll(parsed);
        if (notls) {
          plaintext.addAll(parsed);
        }
      }
    }
    return new Parsed(List.copyOf(out), Set.copyOf(plaintext));
  }

  /** memcached's prefix for a listener that stays plaintext when TLS is on. */
  static final String NO_TLS = "notls:";

  private List<InetSocketAddress> parseEntry(String entry) {
    if (entry.isEmpty()) {
      throw new ConfigException("empty listen address (-l)");
    }
    String host;
    String port = null;
    if (entry.startsWith("[")) {
      int close = entry.indexOf(']');
      if (close < 0) {
        throw new ConfigException("listen address '" + entry + "' has no closing ']' (-l)");
      }
      host = entry.substring(1, close);
      String rest = entry.substring(close + 1);
      if (!rest.isEmpty()) {
        if (!rest.startsWith(":")) {
          throw new ConfigException("listen address '" + entry + "': expected ':port' after ']' (-l)");
        }
        port = rest.substring(1);
      }
      if (!host.contains(":")) {
        throw new ConfigException("listen address '" + entry + "': brackets are for IPv6 addresses (-l)");
      }
    } else {
      int first = entry.indexOf(':');
      if (first >= 0 && first == entry.lastIndexOf(':')) {
        host = entry.substring(0, first);
        port = entry.substring(first + 1);
      } else {
        host = entry; // no colon, or a bare IPv6 literal such as ::1
      }
    }
    if (host.isEmpty()) {
      throw new ConfigException("listen address '" + entry + "' has no host (-l)");
    }
    int portNumber = port == null ? 0 : port(entry, port);
    List<InetSocketAddress> out = new ArrayList<>();
    for (InetAddress a : resolve(host)) {
      out.add(new InetSocketAddress(a, portNumber));
    }
    return out;
  }

  private static int port(String entry, String port) {
    if (!port.matches("\\d{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
      throw new ConfigException("port in listen address '" + entry
          + "' must be between 1 and 65535 (-l; use -p 0 for any free port)");
    }
    return Integer.parseInt(port);
  }

  private InetAddress[] resolve(String host) {
    if (IPV4.matcher(host).matches()) {
      return new InetAddress[] {ipv4(host)};
    }
    if (host.contains(":")) {
      if (!IPV6.matcher(host).matches()) {
        throw new ConfigException("invalid IPv6 listen address '" + host + "' (-l)");
      }
      try {
        // starts with a hex digit or ':' and holds a ':', so the JDK parses it as a literal and never looks it up
        return new InetAddress[] {InetAddress.getByName(host)};
      } catch (UnknownHostException e) {
        throw new ConfigException("invalid IPv6 listen address '" + host + "' (-l)");
      }
    }
    if (!HOST_NAME.matcher(host).matches()) {
      throw new ConfigException("invalid listen address '" + host + "' (-l)");
    }
    return lookUp(host);
  }

  private static String describe(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }

  private static InetAddress ipv4(String host) {
    String[] parts = host.split("\\.");
    byte[] bytes = new byte[4];
    for (int i = 0; i < 4; i++) {
      int b = Integer.parseInt(parts[i]);
      if (b > 255) {
        throw new ConfigException("invalid IPv4 listen address '" + host + "' (-l)");
      }
      bytes[i] = (byte) b;
    }
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new AssertionError("four bytes are always an IPv4 address", e);
    }
  }

  private InetAddress[] lookUp(String host) {
    CompletableFuture<InetAddress[]> lookup = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        lookup.complete(resolver.resolve(host));
      } catch (Throwable e) {
        lookup.completeExceptionally(e);
      }
    }, "safecached-resolve");
    t.setDaemon(true);
    t.start();
    try {
      InetAddress[] found = lookup.get(lookupTimeout.toMillis(), TimeUnit.MILLISECONDS);
      if (found == null || found.length == 0) {
        throw new ConfigException("cannot resolve listen address '" + host + "'");
      }
      return found;
    } catch (ExecutionException e) {
      throw new ConfigException("cannot resolve listen address '" + host + "'");
    } catch (TimeoutException e) {
      t.interrupt();
      throw new ConfigException("cannot resolve listen address '" + host + "': no answer within "
          + describe(lookupTimeout) + " (use an IP address)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ConfigException("cannot resolve listen address '" + host + "': interrupted");
    }
  }
}
