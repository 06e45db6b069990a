package io.safecached.command;

import io.safecached.command.Command.StoreMode;
import io.safecached.command.Result.Hit;
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
import java.util.Arrays;
import java.util.List;

/**
 * Runs protocol-neutral commands against the one {@link ItemStore}: memcached's semantics, written once.
 *
 * <p>Every protocol's decoder produces {@link Command}s and every encoder writes {@link Result}s; what a command
 * means (which replies, which counters move, how CAS, expiry, incr/decr and append behave) is decided only here.
 * Methods are thread-safe and never block: they run on the network threads.
 */
public final class CommandExecutor {

  private final ItemStore store;
  private final Counters counters;
  private final ServerContext server;

  public CommandExecutor(ItemStore store, ServerContext server) {
    this.store = store;
    this.counters = store.counters();
    this.server = server;
  }

  /**
   * Runs one command and returns what to send back: its result, or {@link Result.None} when the client asked
   * for no reply, which in memcached hides errors too. A {@link Result.Close} is always returned.
   */
  public Result respond(Command command) {
    return silence(command, execute(command));
  }

  /** {@code result} as the reply to {@code command}: nothing when the client asked for no reply, except a close. */
  public static Result silence(Command command, Result result) {
    return command.noreply() && !(result instanceof Result.Close) ? Result.None.INSTANCE : result;
  }

  /** Runs one command and returns its result (also when the client asked for no reply). */
  public Result execute(Command command) {
    if (command instanceof Command.Get c) {
      return get(c);
    } else if (command instanceof Command.Store c) {
      return store(c);
    } else if (command instanceof Command.StoreTooLarge c) {
      return storeTooLarge(c);
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
    } else if (command instanceof Command.Stats c) {
      return stats(c.group());
    }
    throw new IllegalArgumentException("unknown command " + command);
  }

  private Result get(Command.Get c) {
    List<Hit> hits = new ArrayList<>(c.keys().size());
    long now = store.now();
    long deadline = c.touches() ? Expiry.deadline(c.touchExptime(), now) : 0;
    for (byte[] k : c.keys()) {
      Key key = Key.wrap(k);
      Item item;
      if (c.touches()) {
        // memcached counts a gat key as a touch only: cmd_touch and touch_hits/misses, not cmd_get
        counters.increment(Counter.CMD_TOUCH);
        item = store.compute(key, old -> old == null ? null : old.withExpiry(deadline));
        counters.increment(item == null ? Counter.TOUCH_MISSES : Counter.TOUCH_HITS);
      } else {
        counters.increment(Counter.CMD_GET);
        item = store.get(key);
        counters.increment(item == null ? Counter.GET_MISSES : Counter.GET_HITS);
      }
      if (item != null) {
        item.markFetched(now);
        hits.add(new Hit(k, item.flags(), item.value(), item.cas()));
      }
    }
    return new Result.Values(hits, c.withCas());
  }

  private Result store(Command.Store c) {
    counters.increment(Counter.CMD_SET);
    Key key = Key.wrap(c.key());
    long now = store.now();
    long deadline = Expiry.deadline(c.exptime(), now);
    Result[] outcome = new Result[1];
    store.compute(key, old -> {
      switch (c.mode()) {
        case ADD:
          if (old != null) {
            outcome[0] = Status.NOT_STORED;
            return old;
          }
          break;
        case REPLACE:
          if (old == null) {
            outcome[0] = Status.NOT_STORED;
            return null;
          }
          break;
        case CAS:
          if (old == null) {
            counters.increment(Counter.CAS_MISSES);
            outcome[0] = Status.NOT_FOUND;
            return null;
          }
          if (old.cas() != c.casUnique()) {
            counters.increment(Counter.CAS_BADVAL);
            outcome[0] = Status.EXISTS;
            return old;
          }
          counters.increment(Counter.CAS_HITS);
          break;
        case APPEND:
        case PREPEND:
          if (old == null) {
            outcome[0] = Status.NOT_STORED;
            return null;
          }
          return concatenate(c, key, old, outcome);
        case SET:
        default:
          break;
      }
      outcome[0] = Status.STORED;
      counters.increment(Counter.TOTAL_ITEMS);
      return new Item(c.value(), c.flags(), store.nextCas(), deadline, now);
    });
    return outcome[0];
  }

  /** append/prepend keep the old item's flags and deadline; a result over the item limit is not stored. */
  private Item concatenate(Command.Store c, Key key, Item old, Result[] outcome) {
    byte[] a = c.mode() == StoreMode.APPEND ? old.value() : c.value();
    byte[] b = c.mode() == StoreMode.APPEND ? c.value() : old.value();
    if (Item.memcachedSize(key.length(), (long) a.length + b.length) > server.maxItemSize()) {
      outcome[0] = Status.NOT_STORED;
      return old;
    }
    byte[] joined = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, joined, a.length, b.length);
    outcome[0] = Status.STORED;
    counters.increment(Counter.TOTAL_ITEMS);
    return new Item(joined, old.flags(), store.nextCas(), old.expiresAt(), store.now());
  }

  /**
   * memcached unlinks the old value when a set fails for size, so stale data cannot survive. Like memcached it
   * counts store_too_large but not cmd_set, which counts only items actually allocated.
   */
  private Result storeTooLarge(Command.StoreTooLarge c) {
    counters.increment(Counter.STORE_TOO_LARGE);
    if (c.mode() == StoreMode.SET) {
      store.remove(Key.wrap(c.key()));
    }
    return new Result.ServerError("object too large for cache");
  }

  private Result delete(Command.Delete c) {
    boolean removed = store.remove(Key.wrap(c.key()));
    counters.increment(removed ? Counter.DELETE_HITS : Counter.DELETE_MISSES);
    return removed ? Status.DELETED : Status.NOT_FOUND;
  }

  private Result arithmetic(Command.Arithmetic c) {
    Result[] outcome = new Result[1];
    long now = store.now();
    store.compute(Key.wrap(c.key()), old -> {
      if (old == null) {
        outcome[0] = Status.NOT_FOUND;
        return null;
      }
      long value;
      try {
        value = Numbers.parseUnsigned(old.value());
      } catch (Numbers.NotANumber e) {
        outcome[0] = new Result.ClientError("cannot increment or decrement non-numeric value");
        return old;
      }
      long next;
      if (c.increment()) {
        next = value + c.delta(); // wraps at 2^64 like memcached
      } else {
        next = Long.compareUnsigned(c.delta(), value) > 0 ? 0 : value - c.delta();
      }
      outcome[0] = new Result.Number(next);
      return new Item(render(next, old.value().length), old.flags(), store.nextCas(), old.expiresAt(), now);
    });
    // like memcached, a non-numeric value counts neither as a hit nor as a miss
    if (outcome[0] instanceof Result.Number) {
      counters.increment(c.increment() ? Counter.INCR_HITS : Counter.DECR_HITS);
    } else if (outcome[0] == Status.NOT_FOUND) {
      counters.increment(c.increment() ? Counter.INCR_MISSES : Counter.DECR_MISSES);
    }
    return outcome[0];
  }

  /** memcached rewrites a shorter number in place, padding it with spaces to the old length. */
  private static byte[] render(long value, int oldLength) {
    byte[] digits = Long.toUnsignedString(value).getBytes(StandardCharsets.US_ASCII);
    if (digits.length >= oldLength) {
      return digits;
    }
    byte[] padded = Arrays.copyOf(digits, oldLength);
    Arrays.fill(padded, digits.length, oldLength, (byte) ' ');
    return padded;
  }

  private Result touch(Command.Touch c) {
    counters.increment(Counter.CMD_TOUCH);
    long deadline = Expiry.deadline(c.exptime(), store.now());
    Item item = store.compute(Key.wrap(c.key()), old -> old == null ? null : old.withExpiry(deadline));
    counters.increment(item == null ? Counter.TOUCH_MISSES : Counter.TOUCH_HITS);
    return item == null ? Status.NOT_FOUND : Status.TOUCHED;
  }

  private Result flushAll(Command.FlushAll c) {
    counters.increment(Counter.CMD_FLUSH); // memcached counts refused flushes too, so that they show in stats
    if (server.flushAllDisabled()) {
      return new Result.ClientError("flush_all not allowed");
    }
    long now = store.now();
    store.flushAll(c.delay() == 0 ? now : Expiry.deadline(c.delay(), now));
    return Status.OK;
  }

  private Result shutdown(Command.Shutdown c) {
    if (!server.shutdownEnabled()) {
      return new Result.Error("ERROR: shutdown not enabled");
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

  private Result stats(String group) {
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
        return Status.RESET;
      default:
        return Result.Error.PLAIN;
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
