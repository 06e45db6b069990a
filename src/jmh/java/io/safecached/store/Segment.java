package io.safecached.store;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * One hash segment of a {@link SegmentedLruStore}: a chained hash table and the HOT, WARM and COLD lists.
 *
 * <p>The segment object is its own lock: every method runs with {@code synchronized (segment)} held. The store
 * keeps the store-wide byte and item totals; the segment keeps its table count, the bytes and items on each of
 * its lists, and its slot of the store's victim ages: when the item an eviction here would take first (COLD's
 * tail, else WARM's, else HOT's) was stored, {@link Long#MAX_VALUE} when the segment is empty. The store reads
 * that array without locks ({@link #victimAge}) to pick the segment to evict from.
 */
final class Segment {
  static final byte HOT = 0;
  static final byte WARM = 1;
  static final byte COLD = 2;

  private static final int INITIAL_TABLE = 16;
  private static final VarHandle AGES = MethodHandles.arrayElementVarHandle(long[].class);

  Node[] table = new Node[INITIAL_TABLE];
  int count;
  final Node[] heads = new Node[3];
  final Node[] tails = new Node[3];
  final long[] listBytes = new long[3];
  final int[] listCounts = new int[3];
  private final long[] victimAges;
  private final int index;

  /** Segment {@code index} of a store whose victim ages are {@code victimAges}. */
  Segment(long[] victimAges, int index) {
    this.victimAges = victimAges;
    this.index = index;
    AGES.setOpaque(victimAges, index, Long.MAX_VALUE);
  }

  /** Segment {@code index}'s victim age in {@code victimAges}, read without its lock. */
  static long victimAge(long[] victimAges, int index) {
    return (long) AGES.getOpaque(victimAges, index);
  }

  /** One item's place in the store: its key, hash, item, hash chain and LRU links. */
  static final class Node {
    final byte[] key;
    final int hash;
    Item item;
    Node chain;
    Node prev;
    Node next;
    byte list;
    boolean active;

    Node(byte[] key, int hash, Item item) {
      this.key = key;
      this.hash = hash;
      this.item = item;
    }

    int weight() {
      return SegmentedLruStore.weight(key.length, item);
    }
  }

  // ---------------------------------------------------------------- table

  Node find(byte[] key, int hash) {
    Node[] t = table;
    for (Node n = t[hash & (t.length - 1)]; n != null; n = n.chain) {
      if (n.hash == hash && Arrays.equals(n.key, key)) {
        return n;
      }
    }
    return null;
  }

  /** Adds {@code n} to the table, doubling it at a load of 3/4. */
  void insert(Node n) {
    if (count >= table.length - (table.length >>> 2)) {
      resize();
    }
    int i = n.hash & (table.length - 1);
    n.chain = table[i];
    table[i] = n;
    count++;
  }

  void delete(Node n) {
    int i = n.hash & (table.length - 1);
    Node p = table[i];
    if (p == n) {
      table[i] = n.chain;
    } else {
      while (p.chain != n) {
        p = p.chain;
      }
      p.chain = n.chain;
    }
    n.chain = null;
    count--;
  }

  private void resize() {
    Node[] old = table;
    Node[] t = new Node[old.length * 2];
    int mask = t.length - 1;
    for (Node head : old) {
      Node n = head;
      while (n != null) {
        Node chain = n.chain;
        int i = n.hash & mask;
        n.chain = t[i];
        t[i] = n;
        n = chain;
      }
    }
    table = t;
  }

  // ---------------------------------------------------------------- lists

  /** Puts {@code n} at the head of {@code list}. */
  void link(Node n, byte list) {
    n.list = list;
    n.prev = null;
    n.next = heads[list];
    if (n.next != null) {
      n.next.prev = n;
    } else {
      tails[list] = n;
    }
    heads[list] = n;
    listBytes[list] += n.weight();
    listCounts[list]++;
    if (n.next == null) {
      publishVictimAge();
    }
  }

  /** Takes {@code n} off its list (it stays in the table). */
  void unlinkList(Node n) {
    byte list = n.list;
    boolean wasTail = n.next == null;
    if (n.prev != null) {
      n.prev.next = n.next;
    } else {
      heads[list] = n.next;
    }
    if (n.next != null) {
      n.next.prev = n.prev;
    } else {
      tails[list] = n.prev;
    }
    n.prev = null;
    n.next = null;
    listBytes[list] -= n.weight();
    listCounts[list]--;
    if (wasTail) {
      publishVictimAge();
    }
  }

  void moveTo(Node n, byte list) {
    unlinkList(n);
    link(n, list);
  }

  /** The tail of {@code list}, or the node before it when the tail is {@code keep}; null when none. */
  Node tailOf(byte list, Node keep) {
    Node n = tails[list];
    return n == keep && n != null ? n.prev : n;
  }

  /** Bytes on all three lists. */
  long bytes() {
    return listBytes[HOT] + listBytes[WARM] + listBytes[COLD];
  }

  /** Tells the segment that {@code n} holds a new {@link Item} but keeps its place. */
  void replacedInPlace(Node n) {
    if (n.next == null) {
      publishVictimAge();
    }
  }

  /** Updates this segment's victim age; called whenever a list's tail changes. */
  private void publishVictimAge() {
    long age = Long.MAX_VALUE;
    for (byte list = COLD; list >= HOT; list--) {
      Node n = tails[list];
      if (n != null) {
        age = n.item.storedAt();
        break;
      }
    }
    if (age != (long) AGES.getOpaque(victimAges, index)) {
      AGES.setOpaque(victimAges, index, age);
    }
  }

  // ---------------------------------------------------------------- consistency (tests)

  /** Checks the table against the lists and their totals; returns {items, bytes} in the table. */
  long[] audit() {
    long tableCount = 0;
    long tableBytes = 0;
    for (Node head : table) {
      for (Node n = head; n != null; n = n.chain) {
        tableCount++;
        tableBytes += n.weight();
        if (find(n.key, n.hash) != n) {
          throw new IllegalStateException("node not found by its own key");
        }
      }
    }
    long listCount = 0;
    long listTotal = 0;
    for (byte list = HOT; list <= COLD; list++) {
      long c = 0;
      long b = 0;
      Node prev = null;
      for (Node n = heads[list]; n != null; n = n.next) {
        if (n.list != list || n.prev != prev) {
          throw new IllegalStateException("broken list " + list);
        }
        c++;
        b += n.weight();
        prev = n;
      }
      if (tails[list] != prev || c != listCounts[list] || b != listBytes[list]) {
        throw new IllegalStateException("list " + list + " totals disagree");
      }
      listCount += c;
      listTotal += b;
    }
    if (listCount != tableCount || listTotal != tableBytes || tableCount != count) {
      throw new IllegalStateException("lists and table disagree");
    }
    long age = Long.MAX_VALUE;
    for (byte list = COLD; list >= HOT && age == Long.MAX_VALUE; list--) {
      age = tails[list] == null ? age : tails[list].item.storedAt();
    }
    if (age != victimAge(victimAges, index)) {
      throw new IllegalStateException("victim age not published");
    }
    return new long[] {tableCount, tableBytes};
  }
}
