package io.safecached.protocol.text;

import java.util.HashMap;
import java.util.Map;

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

  private static final Map<String, TextCommand> BY_NAME = new HashMap<>();

  static {
    for (TextCommand c : values()) {
      BY_NAME.put(c.wire, c);
    }
  }

  final String wire;
  final int minTokens;
  final int maxTokens;
  final boolean takesNoreply;

  TextCommand(String wire, int minTokens, int maxTokens, boolean takesNoreply) {
    this.wire = wire;
    this.minTokens = minTokens;
    this.maxTokens = maxTokens;
    this.takesNoreply = takesNoreply;
  }

  /** The command with this name, or null. Names are case-sensitive, as in memcached. */
  static TextCommand byName(String name) {
    return BY_NAME.get(name);
  }
}
