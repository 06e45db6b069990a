package io.safecached.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The store's seeded multilinear key hash: stable per instance, different per instance, hard to collide. */
class KeyHashTest {
  private static byte[] bytes(String s) {
    return StoreFixture.bytes(s);
  }

  /** Keys that collide under Arrays.hashCode ("Aa" = "BB") spread over the seeded hash. */
  @Test
  void keysThatCollideUnderArraysHashCodeGetDistinctHashes() {
    KeyHash hash = new KeyHash();
    List<String> keys = new ArrayList<>(List.of(""));
    for (int i = 0; i < 10; i++) {
      List<String> next = new ArrayList<>();
      for (String s : keys) {
        next.add(s + "Aa");
        next.add(s + "BB");
      }
      keys = next;
    }
    Set<Integer> hashes = new HashSet<>();
    for (String k : keys) {
      hashes.add(hash.hash(bytes(k)));
    }
    assertThat(hashes.size()).isGreaterThan(keys.size() - 3);
  }

  @Test
  void theSameKeyHashesAlikeInOneInstanceAndDifferentlyInAnother() {
    KeyHash one = new KeyHash();
    KeyHash other = new KeyHash();
    assertThat(one.hash(bytes("Aa"))).isEqualTo(one.hash(bytes("Aa")));
    int differ = 0;
    for (int i = 0; i < 8; i++) {
      differ += one.hash(bytes("key" + i)) != other.hash(bytes("key" + i)) ? 1 : 0;
    }
    assertThat(differ).as("seeded per instance").isGreaterThanOrEqualTo(7);
  }

  /** A zero byte at the end, a short last word and a key longer than 64 words all still change the hash. */
  @Test
  void lengthTailAndLongKeysAreHashed() {
    KeyHash hash = new KeyHash();
    assertThat(hash.hash(bytes("abc"))).isNotEqualTo(hash.hash(bytes("abc\0")));
    assertThat(hash.hash(bytes("abcdefg"))).isNotEqualTo(hash.hash(bytes("abcdefh")));
    assertThat(hash.hash(new byte[0])).isNotEqualTo(hash.hash(new byte[1]));
    byte[] longKey = new byte[300];
    byte[] changedAtTheEnd = longKey.clone();
    changedAtTheEnd[299] = 1;
    assertThat(hash.hash(longKey)).isNotEqualTo(hash.hash(changedAtTheEnd));
  }
}
