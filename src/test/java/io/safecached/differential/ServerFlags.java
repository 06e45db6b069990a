package io.safecached.differential;

import io.safecached.config.ServerConfig;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * A script's {@code # flags:} line: passed to memcached as they are, and mapped to the equivalent
 * {@link ServerConfig.Builder} calls for safecached. Only the flags listed here are allowed, so a script cannot
 * silently run the two servers with different settings.
 */
final class ServerFlags {
  private ServerFlags() {}

  /** The memcached arguments for {@code flags} (validated). */
  static String[] memcachedArgs(List<String> flags) {
    safecachedSettings(flags); // validates
    return flags.toArray(String[]::new);
  }

  /** The safecached builder adjustments equivalent to {@code flags}. */
  static Consumer<ServerConfig.Builder> safecachedSettings(List<String> flags) {
    Consumer<ServerConfig.Builder> all = b -> { };
    for (int i = 0; i < flags.size(); i++) {
      String f = flags.get(i);
      Consumer<ServerConfig.Builder> one;
      switch (f) {
        case "-F" -> one = b -> b.flushAllDisabled(true);
        case "-A" -> one = b -> b.shutdownEnabled(true);
        case "-I" -> {
          int size = (int) size(argument(flags, ++i, f));
          one = b -> b.maxItemSize(size);
        }
        case "-m" -> {
          long mb = Long.parseLong(argument(flags, ++i, f));
          one = b -> b.memoryLimitBytes(mb * 1024 * 1024);
        }
        case "-C" -> one = b -> b.casEnabled(false);
        case "-D" -> {
          char c = argument(flags, ++i, f).charAt(0);
          one = b -> b.prefixDelimiter(c);
        }
        case "-b" -> {
          int n = Integer.parseInt(argument(flags, ++i, f));
          one = b -> b.backlog(n);
        }
        case "-c" -> {
          int n = Integer.parseInt(argument(flags, ++i, f));
          one = b -> b.maxConnections(n);
        }
        case "-o" -> {
          String opt = argument(flags, ++i, f);
          if (opt.startsWith("slab_chunk_max=")) {
            // memcached's allocator needs slab_chunk_max <= -I; safecached has no slabs, nothing to map
            one = b -> { };
            all = all.andThen(one);
            continue;
          }
          if (!opt.startsWith("idle_timeout=")) {
            throw new IllegalArgumentException("unsupported -o option in a script: " + opt);
          }
          long secs = Long.parseLong(opt.substring("idle_timeout=".length()));
          one = b -> b.idleTimeout(Duration.ofSeconds(secs));
        }
        default -> throw new IllegalArgumentException("unsupported flag in a script: " + f
            + " (allowed: -I -F -A -m -c -C -D <c> -b N -o idle_timeout=N, -o slab_chunk_max=N)");
      }
      all = all.andThen(one);
    }
    return all;
  }

  private static String argument(List<String> flags, int i, String flag) {
    if (i >= flags.size()) {
      throw new IllegalArgumentException(flag + " needs an argument");
    }
    return flags.get(i);
  }

  /** memcached's size notation: a number of bytes, or a number followed by k or m. */
  static long size(String s) {
    String t = s.toLowerCase(Locale.ROOT);
    if (t.endsWith("k")) {
      return Long.parseLong(t.substring(0, t.length() - 1)) * 1024;
    }
    if (t.endsWith("m")) {
      return Long.parseLong(t.substring(0, t.length() - 1)) * 1024 * 1024;
    }
    return Long.parseLong(t);
  }
}
