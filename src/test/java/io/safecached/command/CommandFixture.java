package io.safecached.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.safecached.command.Command.StoreMode;
import io.safecached.store.OffHeapStore;
import io.safecached.store.FakeClock;
import io.safecached.store.Item;
import io.safecached.store.Key;
import io.safecached.store.stats.Counter;
import io.safecached.store.stats.Counters;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/** A {@link CommandExecutor} on a fresh store with a {@link FakeClock} and a {@link FakeServerContext}. */
final class CommandFixture {
  final FakeClock clock = new FakeClock();
  final Counters counters = new Counters();
  final OffHeapStore store;
  final FakeServerContext context = new FakeServerContext();
  final CommandExecutor executor;

  CommandFixture() {
    this(64L * 1024 * 1024);
  }

  CommandFixture(long memoryLimit) {
    this(memoryLimit, c -> { });
  }

  /** A fixture whose server context {@code setup} adjusts before the executor reads it ({@code -C}, {@code -D}). */
  CommandFixture(Consumer<FakeServerContext> setup) {
    this(64L * 1024 * 1024, setup);
  }

  private CommandFixture(long memoryLimit, Consumer<FakeServerContext> setup) {
    setup.accept(context);
    store = new OffHeapStore(memoryLimit, 1 << 20, clock, counters, Runnable::run);
    executor = new CommandExecutor(store, context);
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  static String text(byte[] b) {
    return new String(b, StandardCharsets.ISO_8859_1);
  }

  Result run(Command c) {
    return executor.execute(c);
  }

  Result store(StoreMode mode, String key, int flags, long exptime, String value, long cas) {
    return run(new Command.Store(mode, bytes(key), flags, exptime, bytes(value), cas, false));
  }

  Result store(StoreMode mode, String key, int flags, long exptime, String value) {
    return store(mode, key, flags, exptime, value, 0);
  }

  Result set(String key, String value) {
    return store(StoreMode.SET, key, 0, 0, value);
  }

  Result set(String key, int flags, long exptime, String value) {
    return store(StoreMode.SET, key, flags, exptime, value);
  }

  Result.Values get(String... keys) {
    return values(new Command.Get(keyList(keys), false, null));
  }

  Result.Values gets(String... keys) {
    return values(new Command.Get(keyList(keys), true, null));
  }

  Result.Values gat(long exptime, String... keys) {
    return values(new Command.Get(keyList(keys), false, exptime));
  }

  Result.Values gats(long exptime, String... keys) {
    return values(new Command.Get(keyList(keys), true, exptime));
  }

  private Result.Values values(Command.Get c) {
    Result r = run(c);
    assertThat(r).isInstanceOf(Result.Values.class);
    Result.Values v = (Result.Values) r;
    assertThat(v.withCas()).isEqualTo(c.withCas());
    return v;
  }

  private static List<byte[]> keyList(String... keys) {
    List<byte[]> out = new ArrayList<>();
    for (String k : keys) {
      out.add(bytes(k));
    }
    return out;
  }

  /** The one hit of a get of {@code key}, or null on a miss; counted like any get. */
  Result.Hit hit(String key) {
    List<Result.Hit> hits = gets(key).hits();
    return hits.isEmpty() ? null : hits.get(0);
  }

  /** The stored item, read without counting a get. */
  Item item(String key) {
    return store.get(Key.of(key));
  }

  /** The stored value as text, read without counting a get; null when absent. */
  String value(String key) {
    Item i = item(key);
    return i == null ? null : text(i.value());
  }

  long cas(String key) {
    return item(key).cas();
  }

  Result incr(String key, long delta) {
    return run(new Command.Arithmetic(bytes(key), true, delta, false));
  }

  Result decr(String key, long delta) {
    return run(new Command.Arithmetic(bytes(key), false, delta, false));
  }

  Result delete(String key) {
    return run(new Command.Delete(bytes(key), false));
  }

  Result touch(String key, long exptime) {
    return run(new Command.Touch(bytes(key), exptime, false));
  }

  Result flushAll(long delay) {
    return run(new Command.FlushAll(delay, false));
  }

  Result stats(String group) {
    return run(new Command.Stats(group));
  }

  long count(Counter c) {
    return counters.get(c);
  }

  /** Every counter that is not zero, by stat name, for exact assertions on what a command moved. */
  Map<String, Long> nonZeroCounters() {
    Map<String, Long> out = new TreeMap<>();
    counters.snapshot().forEach((c, v) -> {
      if (v != 0) {
        out.put(c.statName(), v);
      }
    });
    return out;
  }
}
