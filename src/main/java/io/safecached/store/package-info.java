/**
 * The cache's memory: {@link io.safecached.store.ItemStore} and its one implementation,
 * {@link io.safecached.store.OffHeapStore}, with memcached's semantics (expiry rules, CAS, flush) and items off
 * the Java heap.
 *
 * <h2>Ideas taken, and from where</h2>
 * <ul>
 *   <li><b>Segcache</b> (Yang et al., NSDI'21): a log of fixed-size segments instead of slab classes, each item an
 *       exact-size record with a small header; segments grouped by time to live so that expiry frees whole
 *       segments without looking at live items; eviction that walks a whole segment and keeps the items still
 *       in use; a bucketed hash index that points into segments. We keep a 32-byte header (Segcache: 5 bytes,
 *       but it drops CAS, client flags and memcached's per-item marks, which the protocols need) and one
 *       index slot of 8 bytes per item.</li>
 *   <li><b>S3-FIFO</b> (Yang et al., SOSP'23): a small FIFO for new items, a main FIFO for items read while in
 *       the small one, a 2-bit read counter per item instead of list links, and reinsertion instead of
 *       promotion on read, so a hit costs at most one atomic increment and no lock. We apply it to whole
 *       segments: the small queue holds the segments new records are written to, and an eviction moves a
 *       segment's read records into the main queue's open segment.</li>
 *   <li><b>memcached</b>: its item header (items.c: times relative to the process start, CAS, flags, the
 *       FETCHED and ACTIVE marks behind {@code expired_unfetched}, {@code evicted_unfetched} and meta's h/l
 *       flags), its O(1) {@code flush_all}, its restartable memory file ({@code -e}, restart.c: segments mapped
 *       from a file, metadata saved on a clean stop beside it as {@code FILE.meta}, and everything discarded
 *       when anything does not match), its hash table living outside {@code -m}, and its rule that a value
 *       is allocated inside the cache's memory when its header arrives (here: reserved).</li>
 *   <li><b>OHC and Carrot Cache</b>: off-heap memory in a few large direct buffers that the garbage collector
 *       never walks, an index with no Java object per entry, and checksums on what is reloaded.</li>
 *   <li><b>Segcache's per-segment reference counts, memcached's item refcount</b>: a value fetched for a reply
 *       pins its segment until the reply has copied it or the socket has written it ({@link StoredValue}), so
 *       values leave without a copy on the Java heap; an emptied segment waits for its readers before reuse,
 *       and a pinned one is not chosen for eviction. Unlike memcached, which lets a slow reader hold any number
 *       of items, the values out to the transport at once are bounded (an eighth of the segments); beyond that
 *       they are copied into the reply.</li>
 * </ul>
 * Not taken (yet): extstore's flash tier (a segment could be written to a file whole, and the index point at
 * it), and Segcache's merge of several segments at once.
 */
package io.safecached.store;
