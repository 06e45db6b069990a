package io.safecached.command;

import io.safecached.command.Command.StoreMode;
import io.safecached.command.Result.Meta;
import io.safecached.command.Result.MetaCode;
import io.safecached.command.Result.MetaItem;
import io.safecached.store.Expiry;
import io.safecached.store.Item;
import io.safecached.store.ItemStore;
import io.safecached.store.Key;
import io.safecached.store.StoredValue;
import io.safecached.store.stats.Counter;
import io.safecached.store.stats.Counters;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * memcached's per-item semantics, written once: lookup (with touch, vivify, recache and the stale/win marks),
 * store in every mode with CAS and invalidation, delete and invalidate, and arithmetic.
 *
 * <p>The meta commands are the most general form of every item operation, so the text and binary protocols
 * reach the store through them too: {@code set} is an ms, {@code incr} an ma, {@code delete} an md and a get
 * key an mg, exactly as memcached's own proxy translates them. The stampede rules follow memcached 1.6: the
 * first client to see an item that was vivified, is due for recache, or is stale gets the win token (W); while
 * the token is out, later clients see Z; a stale item also carries X. Claiming the token is atomic.
 */
final class ItemCommands {
  private static final byte[] EMPTY = new byte[0];

  private final ItemStore store;
  private final Counters counters;
  private final ServerContext server;
  /**
   * False with memcached's {@code -C}: items still get CAS values from the store (its flush needs them), but
   * clients see 0, every CAS they send is compared with 0, and explicit CAS values (E) are not taken.
   */
  private final boolean casEnabled;

  ItemCommands(ItemStore store, ServerContext server) {
    this.store = store;
    this.counters = store.counters();
    this.server = server;
    this.casEnabled = server.casEnabled();
  }

  /** The CAS clients see for {@code item}: 0 without CAS, as memcached's items without a CAS field. */
  private long cas(Item item) {
    return casEnabled ? item.cas() : 0;
  }

  /** A client's explicit CAS for a new item (E), which memcached without CAS has nowhere to keep. */
  private long explicit(long newCas) {
    return casEnabled ? newCas : 0;
  }

  // ---------------------------------------------------------------- mg

  /**
   * mg; a miss is {@code Meta(EN)} (quiet mode is applied by the caller). memcached counts an mg with T as a
   * touch when it hits but as a get when it misses, while the protocols' own touch commands count a touch
   * either way.
   */
  Meta get(Command.MetaGet c) {
    long now = store.now();
    boolean touching = c.touchTtl() != null;
    boolean created;
    // the deadline as R and as t saw it: memcached 1.6.18 acts on the flags in the order given
    long seenByR;
    long seenByT;
    Key key = Key.wrap(c.key());
    Item item;
    if (touching || c.vivifyTtl() != null) {
      boolean[] creating = new boolean[1];
      long[] seen = new long[2];
      item = store.compute(key, old -> {
        Item base = old;
        if (old == null) {
          if (c.vivifyTtl() == null) {
            return null;
          }
          creating[0] = true;
          long cas = casFor(explicit(c.newCas()));
          // created without a TTL, as in memcached: N gives it one when its turn comes; the creator wins the
          // token, unless an over-long opaque refuses the request (memcached then marks no token as sent)
          base = new Item(EMPTY, 0, cas, 0, now).withExplicitCas(explicit(c.newCas()) != 0);
          if (c.order().indexOf('O') < 0) {
            base.withTokenSent();
          }
          counters.increment(Counter.TOTAL_ITEMS);
        }
        long deadline = walk(c.order(), c.touchTtl(), c.vivifyTtl(), base.expiresAt(), creating[0], now, seen);
        return touching || creating[0] ? base.withExpiry(deadline) : base;
      });
      created = creating[0];
      seenByR = seen[0];
      seenByT = seen[1];
    } else {
      // no flag changes the deadline (no T, no N): R and t see it as stored, whatever their order
      item = store.fetch(key, !c.noBump());
      created = false;
      seenByR = item == null ? 0 : item.expiresAt();
      seenByT = seenByR;
    }
    if (item == null) {
      boolean touchMiss = touching && c.protocolCommand();
      counters.increment(touchMiss ? Counter.CMD_TOUCH : Counter.CMD_GET);
      counters.increment(touchMiss ? Counter.TOUCH_MISSES : Counter.GET_MISSES);
      return Meta.of(MetaCode.EN);
    }
    counters.increment(touching ? Counter.CMD_TOUCH : Counter.CMD_GET);
    counters.increment(touching ? Counter.TOUCH_HITS : Counter.GET_HITS);
    boolean fetchedBefore = item.fetched();
    long lastAccess = item.lastAccess();
    boolean tokenWasSent = !created && item.tokenSent();
    boolean win = created;
    // an over-long opaque ends memcached's walk with an error before the win is marked: no token is claimed
    boolean refused = c.order().indexOf('O') >= 0;
    if (!win && !tokenWasSent && !c.protocolCommand() && !refused) {
      boolean recacheDue = c.recacheTtl() != null && seenByR != 0 && seenByR < Expiry.deadline(c.recacheTtl(), now);
      if (recacheDue || item.stale()) {
        win = item.claimToken();
        tokenWasSent = !win; // another client claimed it in between
      }
    }
    if (!c.noBump() && (touching || c.vivifyTtl() != null)) {
      item.markFetched(now); // else the fetch marked it already
    }
    boolean hideValue = c.compareCas() != 0 && c.compareCas() == cas(item);
    StoredValue value = c.returnValue() && !hideValue ? item.storedValue() : null;
    if (value == null) {
      item.release();
    }
    MetaItem view = new MetaItem(c.key(), item.keyBinary(), value, item.flags(), cas(item), ttl(seenByT, now),
        Math.max(0, (now - lastAccess) / 1000), fetchedBefore, item.valueLength());
    return new Meta(value != null ? MetaCode.VA : MetaCode.HD, view, win, item.stale(), tokenWasSent);
  }

  /**
   * Walks the flags that act on an item in the order the line gave them ({@code steps}, memcached 1.6.18's
   * order): {@code T} sets the deadline to {@code touch}, {@code N} to {@code vivify} on an item this request
   * created, {@code R} and {@code t} record it as it is then ({@code seen[0]}, {@code seen[1]}), and {@code O}
   * (an over-long opaque, answered with an error) stops the walk. Returns the deadline after the walk.
   */
  private static long walk(String steps, Long touch, Long vivify, long deadline, boolean created, long now,
      long[] seen) {
    long d = deadline;
    seen[0] = d;
    seen[1] = d;
    for (int i = 0; i < steps.length(); i++) {
      switch (steps.charAt(i)) {
        case 'T' -> d = touch != null ? Expiry.deadline(touch, now) : d;
        case 'N' -> d = created && vivify != null ? Expiry.deadline(vivify, now) : d;
        case 'R' -> seen[0] = d;
        case 't' -> seen[1] = d;
        case 'O' -> {
          return d;
        }
        default -> { }
      }
    }
    return d;
  }

  /**
   * A plain get of one key (text get/gets, binary GET): memcached's item_get, which counts the read and marks the
   * item fetched, and nothing more. Returns the live item or null. Does what {@link #get} does for
   * {@link Command.MetaGet#value}, without building the meta reply.
   */
  Item lookup(byte[] key) {
    Item item = store.fetch(Key.wrap(key), true);
    counters.increment(Counter.CMD_GET);
    if (item == null) {
      counters.increment(Counter.GET_MISSES);
      return null;
    }
    counters.increment(Counter.GET_HITS);
    return item;
  }

  /** The CAS of a new or changed item: the client's explicit E token, or the next from the store's sequence. */
  private long casFor(long explicitCas) {
    return explicitCas != 0 ? explicitCas : store.nextCas();
  }

  /** Remaining lifetime in whole seconds as memcached shows it (-1 for none). */
  static long ttl(Item item, long now) {
    return ttl(item.expiresAt(), now);
  }

  /** The seconds left until {@code deadline} as memcached shows them (-1 for none). */
  static long ttl(long deadline, long now) {
    if (deadline == 0) {
      return -1;
    }
    return Math.max(0, (deadline - now + 999) / 1000);
  }

  // ---------------------------------------------------------------- ms

  private enum CasCheck { NONE, MATCH, STALE, BADVAL }

  /** ms; StoreMode.CAS compares even a zero CAS (the text {@code cas} command), like memcached. */
  Result set(Command.MetaSet c) {
    counters.increment(Counter.CMD_SET);
    StoreMode mode = c.mode();
    if (c.compareCas() != 0 && (mode == StoreMode.SET || mode == StoreMode.REPLACE)) {
      mode = StoreMode.CAS;
    }
    StoreMode effective = mode;
    Key key = Key.wrap(c.key());
    long now = store.now();
    Result[] outcome = new Result[1];
    Item stored = store.compute(key, old -> {
      if (old == null) {
        return storeMissing(c, effective, now, outcome);
      }
      CasCheck check = casCheck(c, old);
      switch (effective) {
        case ADD:
          // memcached only moves the existing item up its LRU (and the store tracks recency itself): an add
          // does not count as a read, so the item's fetched mark stays as it is
          outcome[0] = Meta.of(MetaCode.NS);
          return old;
        case CAS:
          if (check == CasCheck.MATCH) {
            counters.increment(Counter.CAS_HITS);
            return fresh(c, c.value(), Expiry.deadline(c.ttl(), now), now, false);
          }
          if (check == CasCheck.STALE) {
            // an older CAS with I: the value is kept as stale, with the old deadline and win-token state
            counters.increment(Counter.CAS_HITS);
            Item item = fresh(c, c.value(), old.expiresAt(), now, true);
            return old.tokenSent() ? item.withTokenSent() : item;
          }
          counters.increment(Counter.CAS_BADVAL);
          outcome[0] = Meta.of(MetaCode.EX);
          return old;
        case APPEND:
        case PREPEND:
          if (check != CasCheck.NONE && check != CasCheck.MATCH) {
            outcome[0] = Meta.of(MetaCode.EX);
            return old;
          }
          return concatenate(c, effective, key, old, now, outcome);
        case SET:
        case REPLACE:
        default:
          return fresh(c, c.value(), Expiry.deadline(c.ttl(), now), now, false);
      }
    });
    if (outcome[0] != null) {
      return outcome[0];
    }
    counters.increment(Counter.TOTAL_ITEMS);
    return new Meta(MetaCode.HD, view(c.key(), stored, now), false, false, false);
  }

  private Item storeMissing(Command.MetaSet c, StoreMode mode, long now, Result[] outcome) {
    switch (mode) {
      case ADD:
      case SET:
        return fresh(c, c.value(), Expiry.deadline(c.ttl(), now), now, false);
      case CAS:
        counters.increment(Counter.CAS_MISSES);
        outcome[0] = Meta.of(MetaCode.NF);
        return null;
      case APPEND:
      case PREPEND:
        if (c.vivifyTtl() != null) { // ms N: append/prepend to a missing item creates it
          return fresh(c, c.value(), Expiry.deadline(c.vivifyTtl(), now), now, false);
        }
        outcome[0] = Meta.of(MetaCode.NS);
        return null;
      case REPLACE:
      default:
        outcome[0] = Meta.of(MetaCode.NS);
        return null;
    }
  }

  /** memcached's CAS test: without CAS (-C) the new item has no CAS to compare, so it is always NONE. */
  private CasCheck casCheck(Command.MetaSet c, Item old) {
    if (c.compareCas() == 0 || !casEnabled) {
      return CasCheck.NONE;
    }
    if (c.compareCas() == old.cas()) {
      return CasCheck.MATCH;
    }
    if (c.invalidate() && Long.compareUnsigned(c.compareCas(), old.cas()) < 0) {
      return CasCheck.STALE;
    }
    return CasCheck.BADVAL;
  }

  private Item fresh(Command.MetaSet c, byte[] value, long deadline, long now, boolean stale) {
    long cas = casFor(explicit(c.newCas()));
    return new Item(value, c.flags(), cas, deadline, now, stale, c.keyBinary()).withExplicitCas(explicit(c.newCas()) != 0);
  }

  /** append/prepend keep the old item's flags and deadline; a result over the item limit is not stored. */
  private Item concatenate(Command.MetaSet c, StoreMode mode, Key key, Item old, long now, Result[] outcome) {
    byte[] a = mode == StoreMode.APPEND ? old.value() : c.value();
    byte[] b = mode == StoreMode.APPEND ? c.value() : old.value();
    if (!ItemSize.fits(key.length(), (long) a.length + b.length, old.flags(),
        ItemSize.limit(server.maxItemSize(), casEnabled))) {
      outcome[0] = Meta.of(MetaCode.NS);
      return old;
    }
    byte[] joined = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, joined, a.length, b.length);
    long cas = casFor(explicit(c.newCas()));
    // a new item, as memcached allocates one: the key is no longer marked as sent in base64
    return new Item(joined, old.flags(), cas, old.expiresAt(), now, false, false).withExplicitCas(explicit(c.newCas()) != 0);
  }

  private MetaItem view(byte[] key, Item item, long now) {
    return new MetaItem(key, item.keyBinary(), (StoredValue) null, item.flags(), cas(item), ttl(item, now), 0,
        false, item.value().length);
  }

  // ---------------------------------------------------------------- md

  /** md: delete, or with I mark stale under a new CAS; with x keep the item but drop its value. */
  Meta delete(Command.MetaDelete c) {
    long now = store.now();
    MetaCode[] code = new MetaCode[1];
    store.compute(Key.wrap(c.key()), old -> {
      if (old == null) {
        counters.increment(Counter.DELETE_MISSES);
        code[0] = MetaCode.NF;
        return null;
      }
      if (c.compareCas() != 0 && c.compareCas() != cas(old)) {
        counters.increment(Counter.DELETE_MISSES);
        code[0] = MetaCode.EX;
        return old;
      }
      code[0] = MetaCode.HD;
      Item base = old;
      if (c.removeValue()) {
        long deadline = c.ttl() != null ? Expiry.deadline(c.ttl(), now) : 0;
        long newCas = explicit(c.newCas());
        base = new Item(EMPTY, 0, newCas != 0 ? newCas : old.cas(), deadline, now, false, old.keyBinary())
            .withExplicitCas(explicit(c.newCas()) != 0 || old.explicitCas());
      }
      if (c.invalidate()) {
        long deadline = c.ttl() != null ? Expiry.deadline(c.ttl(), now) : base.expiresAt();
        long cas = casFor(explicit(c.newCas()));
        // memcached marks the item itself: it stays fetched (or not), and the win token is up for grabs again
        return new Item(base.value(), base.flags(), cas, deadline, base.storedAt(), true, base.keyBinary())
            .withAccessOf(base).withExplicitCas(explicit(c.newCas()) != 0);
      }
      counters.increment(Counter.DELETE_HITS);
      return c.removeValue() ? base : null;
    });
    return Meta.of(code[0]);
  }

  // ---------------------------------------------------------------- ma

  /**
   * ma: incr/decr with memcached's wrap and floor; HD carries the new value's digits and CAS. As in memcached, a
   * number that still fits the old value's length is rewritten in place (padded with spaces) and the item keeps
   * its marks (fetched, stale, win token, base64 key); a longer one is a new item without them, and keeps the old
   * TTL even when T asks for another (memcached applies T to the old item it holds).
   */
  Result arithmetic(Command.MetaArithmetic c) {
    long now = store.now();
    Result[] outcome = new Result[1];
    long[] number = new long[1];
    long[] seen = new long[2];
    Item result = store.compute(Key.wrap(c.key()), old -> {
      if (old == null) {
        if (c.vivifyTtl() == null) {
          counters.increment(c.increment() ? Counter.INCR_MISSES : Counter.DECR_MISSES);
          outcome[0] = Meta.of(MetaCode.NF);
          return null;
        }
        long cas = casFor(explicit(c.newCas()));
        // created without a TTL, as in memcached: N and T give it one in the order given
        long deadline = walk(c.order(), c.ttl(), c.vivifyTtl(), 0, true, now, seen);
        counters.increment(Counter.TOTAL_ITEMS);
        number[0] = c.initial();
        return new Item(digits(c.initial()), 0, cas, deadline, now).withExplicitCas(explicit(c.newCas()) != 0);
      }
      // memcached refuses an empty value before it compares the CAS, any other non-number after
      if (old.value().length == 0) {
        outcome[0] = Result.NON_NUMERIC;
        return old;
      }
      if (c.compareCas() != 0 && c.compareCas() != cas(old)) {
        outcome[0] = Meta.of(MetaCode.EX);
        return old;
      }
      long value;
      try {
        value = Numbers.parseUnsigned(old.value());
      } catch (Numbers.NotANumber e) {
        outcome[0] = Result.NON_NUMERIC;
        return old;
      }
      long next;
      if (c.increment()) {
        next = value + c.delta(); // wraps at 2^64 like memcached
      } else {
        next = Long.compareUnsigned(c.delta(), value) > 0 ? 0 : value - c.delta();
      }
      counters.increment(c.increment() ? Counter.INCR_HITS : Counter.DECR_HITS);
      number[0] = next;
      long cas = casFor(explicit(c.newCas()));
      long deadline = walk(c.order(), c.ttl(), null, old.expiresAt(), false, now, seen);
      byte[] digits = digits(next);
      if (digits.length <= old.value().length) {
        Item item = new Item(padded(digits, old.value().length), old.flags(), cas, deadline, now, old.stale(),
            old.keyBinary()).withAccessOf(old).withExplicitCas(explicit(c.newCas()) != 0);
        return old.tokenSent() ? item.withTokenSent() : item;
      }
      // memcached's T then changes the old item it still holds, not the new one: the TTL stays as it was
      return new Item(digits, old.flags(), cas, old.expiresAt(), now, false, false)
          .withExplicitCas(explicit(c.newCas()) != 0);
    });
    if (outcome[0] != null) {
      return outcome[0];
    }
    byte[] value = digits(number[0]);
    MetaItem view = new MetaItem(c.key(), result.keyBinary(), value, result.flags(), cas(result),
        ttl(seen[1], now), 0, false, value.length);
    return new Meta(MetaCode.HD, view, false, false, false);
  }


  private static byte[] digits(long value) {
    return Long.toUnsignedString(value).getBytes(StandardCharsets.US_ASCII);
  }

  /** memcached rewrites a shorter number in place, padding it with spaces to the old length. */
  private static byte[] padded(byte[] digits, int oldLength) {
    if (digits.length >= oldLength) {
      return digits;
    }
    byte[] padded = Arrays.copyOf(digits, oldLength);
    Arrays.fill(padded, digits.length, oldLength, (byte) ' ');
    return padded;
  }

  // ---------------------------------------------------------------- me

  /** me: the item's metadata without bumping it, or EN. */
  Result debug(Command.MetaDebug c) {
    Item item = store.get(Key.wrap(c.key()));
    if (item == null) {
      return Meta.of(MetaCode.EN);
    }
    long now = store.now();
    long total = ItemSize.of(c.key().length, item.value().length, item.flags()) - (casEnabled ? 0 : ItemSize.CAS);
    return new Result.MetaDebug(c.key(), item.keyBinary(), ttl(item, now),
        Math.max(0, (now - item.lastAccess()) / 1000), cas(item), item.fetched(), slabClass(total), total);
  }

  /**
   * The slab class memcached's default settings (-n 48, -f 1.25, 8-byte alignment) put an item of this total
   * size in; items larger than the largest class are chunked, and memcached reports the largest class then.
   */
  static int slabClass(long total) {
    final long chunkMax = 512 * 1024;
    final double factor = 1.25;
    long size = 96;
    int id = 1;
    while (size < chunkMax / factor) {
      if (size % 8 != 0) {
        size += 8 - size % 8;
      }
      if (total <= size) {
        return id;
      }
      size = (long) (size * factor);
      id++;
    }
    return id;
  }
}
