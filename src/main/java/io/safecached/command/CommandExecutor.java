package io.safecached.command;

import io.safecached.command.Command.StoreMode;
import io.safecached.command.Result.Hit;
import io.safecached.command.Result.MetaCode;
import io.safecached.command.Result.Rejection.Kind;
import io.safecached.command.Result.Stat;
import io.safecached.command.Result.Status;
import io.safecached.store.Expiry;
import io.safecached.store.Item;
import io.safecached.store.ItemStore;
import io.safecached.store.Key;
import io.safecached.store.stats.Counter;
import io.safecached.store.stats.Counters;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs protocol-neutral commands against the one {@link ItemStore}: memcached's semantics, written once.
 *
 * <p>Every protocol's decoder produces {@link Command}s and every encoder writes {@link Result}s; what a command
 * means (which replies, which counters move, how CAS, expiry, incr/decr and append behave) is decided only here.
 * Methods are thread-safe and never block: they run on the network threads.
 */
public final class CommandExecutor {
  private static final Result TOO_LARGE = new Result.ServerError(Kind.TOO_LARGE, "object too large for cache");
  private static final Result FLUSH_NOT_ALLOWED = new Result.ClientError(Kind.NOT_PERMITTED, "flush_all not allowed");
  private static final Result SHUTDOWN_NOT_ENABLED = new Result.Error(Kind.NOT_PERMITTED,
      "ERROR: shutdown not enabled");
  /** An unknown stats group: memcached's text answer is a plain ERROR, its binary one "Not found". */
  private static final Result NO_SUCH_STATS = new Result.Error(Kind.NOT_FOUND, "ERROR");
  private static final Result BAD_DATA_CHUNK = new Result.ClientError("bad data chunk");
  /** A bad {@code stats detail}: text shows the usage line, binary answers "Not found" as memcached. */
  private static final Result DETAIL_USAGE = new Result.ClientError(Kind.NOT_FOUND,
      "usage: stats detail on|off|dump");
  // stats cachedump's errors; binary has no cachedump ("Not found"), hence the kind
  private static final Result CACHEDUMP_BAD_LINE = new Result.ClientError(Kind.NOT_FOUND, "bad command line");
  private static final Result CACHEDUMP_BAD_FORMAT = new Result.ClientError(Kind.NOT_FOUND,
      "bad command line format");
  private static final Result CACHEDUMP_BAD_CLASS = new Result.ClientError(Kind.NOT_FOUND, "Illegal slab id");
  /** A get that found nothing: END, the same for every miss. */
  private static final Result.Values NO_HITS = new Result.Values(List.of(), false);
  private static final Result.Values NO_HITS_WITH_CAS = new Result.Values(List.of(), true);
  /** memcached's MAX_NUMBER_OF_SLAB_CLASSES: {@code stats cachedump} takes class ids below it. */
  private static final long SLAB_CLASSES = 64;

  private final ItemStore store;
  private final Counters counters;
  private final ServerContext server;
  private final ItemCommands items;
  private final PrefixStats prefixes;
  private final boolean casEnabled;

  public CommandExecutor(ItemStore store, ServerContext server) {
    this.store = store;
    this.counters = store.counters();
    this.server = server;
    this.items = new ItemCommands(store, server);
    this.prefixes = server.prefixStats();
    this.casEnabled = server.casEnabled();
  }

  /**
   * Runs one command and returns what to send back: its result, or {@link Result.None} when the client asked
   * for no reply, which in memcached hides errors too. A {@link Result.Close} is always returned.
   */
  public Result respond(Command command) {
    if (command instanceof Command.Framed f) {
      Result inner = silence(f.command(), framed(f));
      return inner instanceof Result.None || inner instanceof Result.Close ? inner : new Result.Framed(inner, f.frame());
    }
    return silence(command, execute(command));
  }

  /**
   * {@code result} as the reply to {@code command}: nothing when the client asked for no reply, except a close.
   * Meta quiet mode hides only the nominal reply (EN for mg, HD for the others); errors are always sent.
   */
  public static Result silence(Command command, Result result) {
    if (result instanceof Result.Meta m) {
      return command.quiet() && m.code() == command.quietHides() ? Result.None.INSTANCE : result;
    }
    return command.noreply() && !(result instanceof Result.Close) ? Result.None.INSTANCE : result;
  }

  /** Runs one command and returns its result (also when the client asked for no reply). */
  public Result execute(Command command) {
    if (command instanceof Command.MetaGet c) {
      return items.get(c);
    } else if (command instanceof Command.MetaSet c) {
      return items.set(c);
    } else if (command instanceof Command.MetaDelete c) {
      return items.delete(c);
    } else if (command instanceof Command.MetaArithmetic c) {
      return items.arithmetic(c);
    } else if (command instanceof Command.MetaDebug c) {
      return items.debug(c);
    } else if (command instanceof Command.MetaNoop) {
      return Result.MetaNoop.INSTANCE;
    } else if (command instanceof Command.Framed f) {
      return new Result.Framed(framed(f), f.frame());
    } else if (command instanceof Command.Get c) {
      return get(c);
    } else if (command instanceof Command.Store c) {
      return store(c);
    } else if (command instanceof Command.BadDataChunk) {
      counters.increment(Counter.CMD_SET);
      return BAD_DATA_CHUNK;
    } else if (command instanceof Command.StoreTooLarge c) {
      return storeTooLarge(c);
    } else if (command instanceof Command.StoreNoMemory c) {
      return storeNoMemory(c);
    } else if (command instanceof Command.Delete c) {
      return delete(c);
    } else if (command instanceof Command.Arithmetic c) {
      return arithmetic(c);
    } else if (command instanceof Command.Touch c) {
      return touch(c);
    } else if (command instanceof Command.FlushAll c) {
      return flushAll(c);
    } else if (command instanceof Command.Version) {
      return new Result.Version(server.version());
    } else if (command instanceof Command.Verbosity c) {
      server.verbosity(c.level());
      return Status.OK;
    } else if (command instanceof Command.Quit) {
      return Result.Close.INSTANCE;
    } else if (command instanceof Command.Shutdown c) {
      return shutdown(c);
    } else if (command instanceof Command.CacheMemlimit c) {
      return cacheMemlimit(c);
    } else if (command instanceof Command.RefreshCerts) {
      String problem = server.refreshCerts();
      return problem == null ? Status.OK : new Result.Error(Kind.SERVER_FAILURE, "Error " + problem);
    } else if (command instanceof Command.Stats c) {
      return stats(c);
    }
    throw new IllegalArgumentException("unknown command " + command);
  }

  /**
   * Runs the command a frame carries; a binary get, storage or delete request counts for {@code stats detail}
   * as memcached counts it (meta requests do not count there).
   */
  private Result framed(Command.Framed f) {
    Command c = f.command();
    if (!casEnabled && f.frame() instanceof Command.ClassicFrame classic && classic.storeMode() != null
        && c instanceof Command.MetaSet s && s.compareCas() != 0) {
      // memcached without CAS: a binary storage request's CAS is dropped, the request runs as it was asked
      c = new Command.MetaSet(s.key(), classic.storeMode(), s.value(), s.flags(), s.ttl(), 0, s.newCas(),
          s.invalidate(), s.vivifyTtl(), s.keyBinary(), s.quiet());
    }
    Result result = execute(c);
    if (f.frame() instanceof Command.ClassicFrame && prefixes.enabled()) {
      if (c instanceof Command.MetaGet g) {
        prefixes.recordGet(g.key(), result instanceof Result.Meta m && m.code() != MetaCode.EN);
      } else if (c instanceof Command.MetaSet s) {
        prefixes.recordSet(s.key());
      } else if (c instanceof Command.MetaDelete d) {
        prefixes.recordDelete(d.key());
      }
    }
    return result;
  }

  /** get, gets, gat, gats: each key is an mg (with T for gat), so counters and access marks match memcached. */
  private Result get(Command.Get c) {
    List<byte[]> keys = c.keys();
    if (keys.size() == 1) {
      // the common case, without a growable list
      Hit hit = hit(c, keys.get(0));
      if (hit == null) {
        return c.withCas() ? NO_HITS_WITH_CAS : NO_HITS;
      }
      return new Result.Values(List.of(hit), c.withCas());
    }
    if (keys.size() > LazyHits.LAZY_FROM) {
      return new Result.Values(new LazyHits(keys.size(), i -> hit(c, keys.get(i))), c.withCas());
    }
    List<Hit> hits = new ArrayList<>(keys.size());
    for (int i = 0; i < keys.size(); i++) {
      Hit hit = hit(c, keys.get(i));
      if (hit != null) {
        hits.add(hit);
      }
    }
    return new Result.Values(hits, c.withCas());
  }

  /** One key of a get or gat: its hit, or null on a miss. */
  private Hit hit(Command.Get c, byte[] key) {
    Hit hit;
    if (c.touches()) {
      Result.MetaItem m = items.get(Command.MetaGet.touch(key, true, c.touchExptime(), false)).item();
      hit = m == null ? null : new Hit(key, m.flags(), m.data(), m.cas());
    } else {
      Item item = items.lookup(key);
      hit = item == null ? null : new Hit(key, item.flags(), item.storedValue(), casEnabled ? item.cas() : 0);
    }
    prefixes.recordGet(key, hit != null);
    return hit;
  }

  /** The text storage commands are ms in the matching mode; cas compares even a zero CAS unique. */
  private Result store(Command.Store c) {
    prefixes.recordSet(c.key());
    Result r = items.set(new Command.MetaSet(c.key(), c.mode(), c.value(), c.flags(), c.exptime(),
        c.mode() == StoreMode.CAS ? c.casUnique() : 0, 0, false, null, false, false));
    return switch (((Result.Meta) r).code()) {
      case HD -> Status.STORED;
      case EX -> Status.EXISTS;
      case NF -> Status.NOT_FOUND;
      default -> Status.NOT_STORED;
    };
  }

  /**
   * memcached unlinks the old value when a set fails for size, so stale data cannot survive. Like memcached it
   * counts store_too_large but not cmd_set, which counts only items actually allocated.
   */
  private Result storeTooLarge(Command.StoreTooLarge c) {
    prefixes.recordSet(c.key());
    counters.increment(Counter.STORE_TOO_LARGE);
    if (c.mode() == StoreMode.SET) {
      store.remove(Key.wrap(c.key()));
    }
    return TOO_LARGE;
  }

  /** As {@link #storeTooLarge}: the old value of a set goes, store_no_memory counts it, cmd_set does not. */
  private Result storeNoMemory(Command.StoreNoMemory c) {
    prefixes.recordSet(c.key());
    counters.increment(Counter.STORE_NO_MEMORY);
    if (c.mode() == StoreMode.SET) {
      store.remove(Key.wrap(c.key()));
    }
    return new Result.ServerError("out of memory storing object");
  }

  private Result delete(Command.Delete c) {
    prefixes.recordDelete(c.key());
    Result.Meta m = items.delete(new Command.MetaDelete(c.key(), 0, 0, false, null, false, false));
    return m.code() == MetaCode.HD ? Status.DELETED : Status.NOT_FOUND;
  }

  private Result arithmetic(Command.Arithmetic c) {
    Result r = items.arithmetic(
        new Command.MetaArithmetic(c.key(), c.increment(), c.delta(), 0, null, null, 0, 0, false));
    if (r instanceof Result.Meta m) {
      return m.code() == MetaCode.HD ? new Result.Number(
          Long.parseUnsignedLong(new String(m.item().value(), StandardCharsets.US_ASCII))) : Status.NOT_FOUND;
    }
    return r;
  }

  private Result touch(Command.Touch c) {
    Result.Meta m = items.get(Command.MetaGet.touch(c.key(), false, c.exptime(), false));
    return m.code() == MetaCode.EN ? Status.NOT_FOUND : Status.TOUCHED;
  }

  private Result flushAll(Command.FlushAll c) {
    counters.increment(Counter.CMD_FLUSH); // memcached counts refused flushes too, so that they show in stats
    if (server.flushAllDisabled()) {
      return FLUSH_NOT_ALLOWED;
    }
    long now = store.now();
    long deadline = c.delay() == 0 ? now : Expiry.deadline(c.delay(), now);
    // memcached without CAS (-C) cannot tell items of the flush's second apart: its flush takes hold a second
    // later and drops every item stored up to the end of that second, those stored after the flush included
    store.flushAll(casEnabled ? deadline : deadline + 1000);
    return Status.OK;
  }

  private Result shutdown(Command.Shutdown c) {
    if (!server.shutdownEnabled()) {
      return SHUTDOWN_NOT_ENABLED;
    }
    server.shutdown(c.graceful());
    return Result.Close.INSTANCE;
  }

  private Result cacheMemlimit(Command.CacheMemlimit c) {
    if (c.megabytes() < 8) {
      return Status.MEMLIMIT_TOO_SMALL;
    }
    store.setMemoryLimit(Math.multiplyExact(Math.min(c.megabytes(), Long.MAX_VALUE >> 21), 1024L * 1024));
    return Status.OK;
  }

  private Result stats(Command.Stats c) {
    String group = c.group();
    if (group == null) {
      return new Result.Stats(generalStats());
    }
    switch (group) {
      case "settings":
        return new Result.Stats(server.settings());
      case "conns":
        return new Result.Stats(server.connections());
      case "items":
        return new Result.Stats(itemStats());
      case "slabs":
        return new Result.Stats(List.of(
            new Stat("active_slabs", "0"), new Stat("total_malloced", Long.toString(store.bytesUsed()))));
      case "sizes":
        return new Result.Stats(List.of(new Stat("sizes_status", "disabled")));
      case "reset":
        counters.reset();
        prefixes.clear();
        return Status.RESET;
      case "detail":
        return detail(c.args());
      case "cachedump":
        return cachedump(c.args());
      default:
        return NO_SUCH_STATS;
    }
  }

  /** {@code stats detail on|off|dump}; anything else is the usage error. */
  private Result detail(List<String> args) {
    switch (args.isEmpty() ? "" : args.get(0)) {
      case "on":
        prefixes.enabled(true);
        return Status.OK;
      case "off":
        prefixes.enabled(false);
        return Status.OK;
      case "dump":
        return new Result.PrefixDump(prefixes.dump());
      default:
        return DETAIL_USAGE;
    }
  }

  /**
   * {@code stats cachedump <class> <limit>}: memcached's checks and errors, then its answer for a slab class
   * without items ({@code END}) for every class, so that no key leaves the server.
   */
  private static Result cachedump(List<String> args) {
    if (args.size() < 2) {
      return CACHEDUMP_BAD_LINE;
    }
    long id = strtoul(args.get(0));
    if (id < 0 || strtoul(args.get(1)) < 0) {
      return CACHEDUMP_BAD_FORMAT;
    }
    return id >= SLAB_CLASSES ? CACHEDUMP_BAD_CLASS : new Result.Stats(List.of());
  }

  /** memcached's {@code safe_strtoul} on a 64-bit build: the value cut to 32 bits; -1 when not a number. */
  private static long strtoul(String s) {
    try {
      return Numbers.parseUnsigned(s.getBytes(StandardCharsets.ISO_8859_1)) & 0xffffffffL;
    } catch (Numbers.NotANumber e) {
      return -1;
    }
  }

  private List<Stat> generalStats() {
    List<Stat> out = new ArrayList<>(server.processStats());
    var snap = counters.snapshot();
    for (Counter c : List.of(Counter.CMD_GET, Counter.CMD_SET, Counter.CMD_FLUSH, Counter.CMD_TOUCH,
        Counter.GET_HITS, Counter.GET_MISSES, Counter.GET_EXPIRED, Counter.GET_FLUSHED, Counter.DELETE_MISSES,
        Counter.DELETE_HITS, Counter.INCR_MISSES, Counter.INCR_HITS, Counter.DECR_MISSES, Counter.DECR_HITS,
        Counter.CAS_MISSES, Counter.CAS_HITS, Counter.CAS_BADVAL, Counter.TOUCH_HITS, Counter.TOUCH_MISSES,
        Counter.STORE_TOO_LARGE, Counter.STORE_NO_MEMORY, Counter.AUTH_CMDS, Counter.AUTH_ERRORS,
        Counter.BYTES_READ, Counter.BYTES_WRITTEN)) {
      out.add(stat(c, snap.get(c)));
    }
    out.add(new Stat("limit_maxbytes", Long.toString(store.memoryLimit())));
    out.addAll(server.serverStats());
    out.add(new Stat("bytes", Long.toString(store.bytesUsed())));
    out.add(new Stat("curr_items", Long.toString(store.itemCount())));
    for (Counter c : List.of(Counter.TOTAL_ITEMS, Counter.EXPIRED_UNFETCHED, Counter.EVICTED_UNFETCHED,
        Counter.EVICTIONS, Counter.RECLAIMED)) {
      out.add(stat(c, snap.get(c)));
    }
    return out;
  }

  private List<Stat> itemStats() {
    long count = store.itemCount();
    if (count == 0) {
      return List.of();
    }
    var snap = counters.snapshot();
    return List.of(
        new Stat("items:1:number", Long.toString(count)),
        new Stat("items:1:mem_requested", Long.toString(store.bytesUsed())),
        new Stat("items:1:evicted", Long.toString(snap.get(Counter.EVICTIONS))),
        new Stat("items:1:outofmemory", Long.toString(snap.get(Counter.STORE_NO_MEMORY))),
        new Stat("items:1:reclaimed", Long.toString(snap.get(Counter.RECLAIMED))),
        new Stat("items:1:expired_unfetched", Long.toString(snap.get(Counter.EXPIRED_UNFETCHED))),
        new Stat("items:1:evicted_unfetched", Long.toString(snap.get(Counter.EVICTED_UNFETCHED))));
  }

  private static Stat stat(Counter c, long v) {
    return new Stat(c.statName(), Long.toString(v));
  }
}
