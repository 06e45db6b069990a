package io.safecached.protocol;

import java.util.function.LongConsumer;
import java.util.function.LongPredicate;

/**
 * Where the decoders reserve the memory of a value that is still arriving, before they buffer any of it: the
 * server backs it with the store, so values in flight count against {@code -m} (as memcached allocates the item
 * inside its memory when the header arrives) and together stay under a cap.
 */
public interface ValueBudget {
  /** No bound: for decoders whose input is complete (UDP datagrams) and for codec tests. */
  ValueBudget UNBOUNDED = of(bytes -> true, bytes -> { });

  /** A budget that reserves with {@code reserve} and gives back with {@code release} (the store's methods). */
  static ValueBudget of(LongPredicate reserve, LongConsumer release) {
    return new ValueBudget() {
      @Override
      public boolean reserve(long bytes) {
        return reserve.test(bytes);
      }

      @Override
      public void release(long bytes) {
        release.accept(bytes);
      }
    };
  }

  /** Reserves {@code bytes}; false, with nothing reserved, when the budget cannot hold them. */
  boolean reserve(long bytes);

  /** Gives back bytes of an earlier {@link #reserve}. */
  void release(long bytes);
}
