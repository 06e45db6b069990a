package io.safecached.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Keys compare by content, hash consistently, order unsigned, and colliding keys still work in the store. */
class KeyTest {

  /** 2^n distinct keys with one hash: "Aa" and "BB" hash alike, and so does every string made of them. */
  private static List<String> collidingKeys(int blocks) {
    List<String> out = new ArrayList<>();
    out.add("");
    for (int i = 0; i < blocks; i++) {
      List<String> next = new ArrayList<>();
      for (String s : out) {
        next.add(s + "Aa");
        next.add(s + "BB");
      }
      out = next;
    }
    return out;
  }

  @Test
  void equalByContentNotIdentity() {
    Key a = Key.wrap(new byte[] {'f', 'o', 'o'});
    Key b = Key.of("foo");
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a).isNotEqualTo(Key.of("fo")).isNotEqualTo(Key.of("foO")).isNotEqualTo("foo");
    assertThat(a.length()).isEqualTo(3);
    assertThat(a.toString()).isEqualTo("foo");
  }

  @Test
  void binaryBytesAreKeptAsSent() {
    Key k = Key.wrap(new byte[] {(byte) 0xff, 0x01, '\t'});
    assertThat(k.bytes()).containsExactly((byte) 0xff, 0x01, '\t');
    assertThat(k).isEqualTo(Key.wrap(new byte[] {(byte) 0xff, 0x01, '\t'}));
    assertThat(Key.of("\u00ff")).isEqualTo(Key.wrap(new byte[] {(byte) 0xff}));
  }

  @Test
  void orderIsUnsignedAndConsistentWithEquals() {
    Key high = Key.wrap(new byte[] {(byte) 0x80});
    Key low = Key.wrap(new byte[] {0x7f});
    assertThat(high.compareTo(low)).isPositive();
    assertThat(low.compareTo(high)).isNegative();
    assertThat(Key.of("ab").compareTo(Key.of("abc"))).isNegative();
    assertThat(Key.of("abc").compareTo(Key.of("abc"))).isZero();
  }

  @Test
  void collidingKeysHaveOneHashButStayDistinct() {
    List<String> names = collidingKeys(10);
    Set<Integer> hashes = new HashSet<>();
    Set<Key> keys = new HashSet<>();
    for (String n : names) {
      Key k = Key.of(n);
      hashes.add(k.hashCode());
      keys.add(k);
    }
    assertThat(names).hasSize(1024);
    assertThat(hashes).hasSize(1);
    assertThat(keys).hasSize(1024);
  }

  @Test
  void collidingKeysStillWorkInTheStore() {
    StoreFixture f = new StoreFixture();
    List<String> names = collidingKeys(10);
    for (String n : names) {
      f.put(n, "v" + n);
    }
    assertThat(f.store.itemCount()).isEqualTo(names.size());
    for (String n : names) {
      assertThat(f.value(n)).isEqualTo("v" + n);
    }
    String gone = names.get(512);
    assertThat(f.store.remove(Key.of(gone))).isTrue();
    assertThat(f.value(gone)).isNull();
    assertThat(f.value(names.get(511))).isEqualTo("v" + names.get(511));
    assertThat(f.value(names.get(513))).isEqualTo("v" + names.get(513));
  }
}
