package io.safecached.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store's half of memcached's {@code -e}: what a clean close saves, a new store on the same file serves. */
class WarmRestartTest {
  private static final long LIMIT = 8L << 20;
  private static final int SEGMENT = 64 * 1024;

  @TempDir
  Path dir;

  private StoreFixture open(Path file, long limit) {
    return new StoreFixture(limit, SEGMENT, file);
  }

  @Test
  void aCleanCloseAndReopenServesTheSameItems() {
    Path file = dir.resolve("mem");
    StoreFixture a = open(file, LIMIT);
    assertThat(a.store.restartNote()).contains("no saved state");
    for (int i = 0; i < 3_000; i++) {
      a.put("k" + i, "value-" + i, i % 3 == 0 ? 60 : 0);
    }
    a.store.remove(Key.of("k1"));
    long cas = a.store.get(Key.of("k2")).cas();
    long next = a.store.nextCas();
    a.store.close();

    StoreFixture b = open(file, LIMIT);
    b.clock.set(a.clock.millis());
    try {
      assertThat(b.store.restartNote()).isNull();
      assertThat(b.store.itemCount()).isEqualTo(2_999);
      assertThat(b.value("k1")).isNull();
      for (int i = 0; i < 3_000; i++) {
        if (i != 1) {
          assertThat(b.value("k" + i)).isEqualTo("value-" + i);
        }
      }
      assertThat(b.store.get(Key.of("k2")).cas()).isEqualTo(cas);
      assertThat(b.store.nextCas()).isGreaterThan(next);
      b.clock.advance(61, TimeUnit.SECONDS);
      assertThat(b.value("k0")).as("deadlines survive").isNull();
      assertThat(b.value("k4")).isEqualTo("value-4");
      b.put("after", "v");
      b.store.audit();
    } finally {
      b.store.close();
    }
  }

  @Test
  void aChangedPageOrAnotherLimitStartsEmpty() throws Exception {
    Path file = dir.resolve("mem");
    StoreFixture a = open(file, LIMIT);
    a.put("k", "v");
    a.store.close();
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.seek(ItemLayout.HEADER); // the first record's key
      raf.write('x');
    }
    StoreFixture b = open(file, LIMIT);
    assertThat(b.store.restartNote()).contains("does not match its saved state");
    assertThat(b.store.itemCount()).isZero();
    b.put("k", "v");
    b.store.close();

    StoreFixture c = open(file, LIMIT / 2);
    assertThat(c.store.restartNote()).contains("starting empty");
    assertThat(c.store.itemCount()).isZero();
    c.store.close();
    assertThat(Files.exists(WarmRestart.metaFile(file))).isTrue();
    Files.writeString(WarmRestart.metaFile(file), "garbage");
    StoreFixture d = open(file, LIMIT / 2);
    assertThat(d.store.restartNote()).contains("starting empty");
    d.store.close();
  }
}
