package io.safecached.command;

import io.safecached.command.Result.Hit;
import java.util.AbstractList;
import java.util.function.IntFunction;

/**
 * The hits of a get of many keys, each looked up only when the reply reaches it, and let go once written.
 *
 * <p>Items live off the Java heap, and a hit holds a copy of its value; a get line of a thousand keys of 1 MB
 * values, looked up at once, would hold a gigabyte of copies until the last byte of the reply was out. Looked up
 * as the reply is made (one buffer at a time, as the peer reads), it holds one buffer's worth. memcached too reads
 * the keys of a get one after the other; here later ones are read when their turn in the reply comes. A miss is
 * a null element, which the encoder skips. Single-threaded: used by the connection's encoder only.
 */
public final class LazyHits extends AbstractList<Hit> {
  /** Gets of more keys than this are looked up lazily; fewer are looked up at once. */
  static final int LAZY_FROM = 16;

  private final IntFunction<Hit> lookup;
  private final Hit[] found;
  private final boolean[] looked;

  LazyHits(int keys, IntFunction<Hit> lookup) {
    this.lookup = lookup;
    this.found = new Hit[keys];
    this.looked = new boolean[keys];
  }

  /** The hit for key {@code i}, looked up the first time it is asked for; null for a miss or once released. */
  @Override
  public Hit get(int i) {
    if (!looked[i]) {
      looked[i] = true;
      found[i] = lookup.apply(i);
    }
    return found[i];
  }

  /** Lets go of key {@code i}'s hit once its reply is written; asking for it again gives null. */
  public void release(int i) {
    looked[i] = true;
    found[i] = null;
  }

  /** The number of keys asked for; hits and misses. */
  @Override
  public int size() {
    return found.length;
  }
}
