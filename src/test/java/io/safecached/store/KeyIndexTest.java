package io.safecached.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The index's tables: lookups against a model through growth and removals, and outgrown chunks reused. */
class KeyIndexTest {
  /** Items by location, each with its key and a 64-bit hash, standing in for the segments. */
  private static final class FakeItems implements KeyIndex.Locations {
    final Map<Long, byte[]> keys = new HashMap<>();
    final Map<Long, Long> hashes = new HashMap<>();
    private int next;

    long add(byte[] key, long hash) {
      long loc = KeyIndex.location(next >>> 20, (next & 0xF_FFFF) << 3);
      next++;
      keys.put(loc, key);
      hashes.put(loc, hash);
      return loc;
    }

    @Override
    public boolean keyAt(long location, byte[] key) {
      return java.util.Arrays.equals(keys.get(location), key);
    }

    @Override
    public int hashAt(long location) {
      return (int) (long) hashes.get(location);
    }
  }

  private static byte[] key(int i) {
    return ("key:" + i).getBytes(StandardCharsets.US_ASCII);
  }

  /** SplitMix64: a well-spread 64-bit hash of the key's number. */
  private static long hash(long i) {
    long z = i * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private static void insert(KeyIndex index, FakeItems items, int i) {
    long h = hash(i);
    index.stripe(h).insert(items.add(key(i), h), h);
  }

  private static int find(KeyIndex index, int i) {
    long h = hash(i);
    return index.stripe(h).find(key(i), h);
  }

  @Test
  void findsEveryKeyThroughGrowthRemovalsAndReplacements() {
    FakeItems items = new FakeItems();
    KeyIndex index = new KeyIndex(items);
    Random random = new Random(12);
    Map<Integer, Long> model = new HashMap<>();
    for (int step = 0; step < 400_000; step++) {
      int k = random.nextInt(150_000);
      long h = hash(k);
      KeyIndex.Stripe s = index.stripe(h);
      int slot = s.find(key(k), h);
      assertThat(slot >= 0).isEqualTo(model.containsKey(k));
      int op = random.nextInt(10);
      if (slot < 0 && op < 7) {
        long loc = items.add(key(k), h);
        s.insert(loc, h);
        model.put(k, loc);
      } else if (slot >= 0 && op < 3) {
        s.removeAt(slot);
        model.remove(k);
      } else if (slot >= 0 && op < 5) {
        long loc = items.add(key(k), h);
        s.replace(slot, loc);
        model.put(k, loc);
      }
    }
    assertThat(index.count()).isEqualTo(model.size());
    for (int k = 0; k < 150_000; k++) {
      int slot = find(index, k);
      if (model.containsKey(k)) {
        assertThat(slot).isNotNegative();
        assertThat(index.stripe(hash(k)).locationAt(slot)).isEqualTo(model.get(k));
        assertThat(index.stripe(hash(k)).findLocation(model.get(k), hash(k))).isEqualTo(slot);
      } else {
        assertThat(slot).isNegative();
      }
    }
    assertThat(index.longestRun()).isLessThan(200);
  }

  @Test
  void tablesThatGrowReuseTheChunksOfTablesOutgrown() {
    FakeItems items = new FakeItems();
    KeyIndex index = new KeyIndex(items);
    int n = 600_000; // about 2,300 a stripe: tables of 4,096 slots, 8 chunks each
    for (int i = 0; i < n; i++) {
      insert(index, items, i);
    }
    long live = 0;
    int largest = 0;
    for (int si = 0; si < KeyIndex.STRIPES; si++) {
      KeyIndex.Stripe s = index.stripe(si);
      live += s.capacity() / KeyIndex.CHUNK;
      largest = Math.max(largest, s.capacity() / KeyIndex.CHUNK);
    }
    // without the pool every outgrown table of a whole chunk or more would be new memory: about live again
    assertThat(index.chunksAllocated()).isLessThanOrEqualTo(live + largest);
    assertThat(index.chunksAllocated()).isEqualTo(live + index.spareChunks());
    assertThat((long) index.spareChunks()).isLessThanOrEqualTo(largest);
    for (int i = 0; i < n; i++) {
      assertThat(find(index, i)).isNotNegative();
    }
  }

  @Test
  void aTableLoadedInChunksIsFoundAndGrows() {
    FakeItems items = new FakeItems();
    KeyIndex saved = new KeyIndex(items);
    for (int i = 0; i < 300_000; i++) {
      insert(saved, items, i);
    }
    KeyIndex loaded = new KeyIndex(items);
    for (int si = 0; si < KeyIndex.STRIPES; si++) {
      KeyIndex.Stripe from = saved.stripe(si);
      long[][] copy = KeyIndex.emptyTable(from.capacity());
      List<Long> slots = new ArrayList<>();
      for (int i = 0; i < from.capacity(); i++) {
        slots.add(from.slot(i));
      }
      for (int i = 0; i < slots.size(); i++) {
        copy[i / KeyIndex.CHUNK][i % KeyIndex.CHUNK] = slots.get(i);
      }
      loaded.stripe(si).load(copy, from.count);
    }
    assertThat(loaded.count()).isEqualTo(300_000);
    for (int i = 300_000; i < 700_000; i++) {
      insert(loaded, items, i);
    }
    for (int i = 0; i < 700_000; i++) {
      assertThat(find(loaded, i)).isNotNegative();
    }
    assertThat(find(loaded, 700_001)).isNegative();
  }
}
