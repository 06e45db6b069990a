package io.safecached.protocol.text;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The text protocol's command table: every command once, with the number of tokens memcached accepts for it
 * (command name included) and whether a trailing {@code noreply} applies. A line with a known name and a token
 * count outside the range gets {@code ERROR}, as in memcached.
 */
enum TextCommand {
  GET("get", 2, Integer.MAX_VALUE, false),
  GETS("gets", 2, Integer.MAX_VALUE, false),
  GAT("gat", 2, Integer.MAX_VALUE, false),
  GATS("gats", 2, Integer.MAX_VALUE, false),
  SET("set", 5, 6, true),
  ADD("add", 5, 6, true),
  REPLACE("replace", 5, 6, true),
  APPEND("append", 5, 6, true),
  PREPEND("prepend", 5, 6, true),
  CAS("cas", 6, 7, true),
  INCR("incr", 3, 4, true),
  DECR("decr", 3, 4, true),
  DELETE("delete", 2, 4, false), // noreply is decided by delete's own legacy rules
  TOUCH("touch", 3, 4, true),
  FLUSH_ALL("flush_all", 1, 3, true),
  VERSION("version", 1, Integer.MAX_VALUE, false), // memcached ignores anything after version and quit
  VERBOSITY("verbosity", 2, 3, true),
  QUIT("quit", 1, Integer.MAX_VALUE, false),
  SHUTDOWN("shutdown", 1, Integer.MAX_VALUE, false),
  CACHE_MEMLIMIT("cache_memlimit", 2, 3, true),
  REFRESH_CERTS("refresh_certs", 1, 2, true),
  STATS("stats", 1, Integer.MAX_VALUE, false);

  /** The commands by the first byte of their name. */
  private static final TextCommand[][] BY_FIRST_BYTE = new TextCommand[128][];

  static {
    for (TextCommand c : values()) {
      int first = c.wire[0];
      TextCommand[] same = BY_FIRST_BYTE[first] == null ? new TextCommand[0] : BY_FIRST_BYTE[first];
      same = Arrays.copyOf(same, same.length + 1);
      same[same.length - 1] = c;
      BY_FIRST_BYTE[first] = same;
    }
  }

  /** The name as sent. */
  private final byte[] wire;
  final int minTokens;
  final int maxTokens;
  final boolean takesNoreply;

  TextCommand(String wire, int minTokens, int maxTokens, boolean takesNoreply) {
    this.wire = wire.getBytes(StandardCharsets.US_ASCII);
    this.minTokens = minTokens;
    this.maxTokens = maxTokens;
    this.takesNoreply = takesNoreply;
  }

  /** The command named by {@code line[from, to)}, or null. Names are case-sensitive, as in memcached. */
  static TextCommand byName(byte[] line, int from, int to) {
    if (from >= to || line[from] < 0) {
      return null;
    }
    TextCommand[] candidates = BY_FIRST_BYTE[line[from]];
    if (candidates == null) {
      return null;
    }
    int length = to - from;
    for (TextCommand c : candidates) {
      if (c.wire.length == length && Arrays.equals(c.wire, 0, length, line, from, to)) {
        return c;
      }
    }
    return null;
  }
}
