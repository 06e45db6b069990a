package io.safecached.store;

import io.safecached.store.KeyIndex.Stripe;
import java.nio.ByteBuffer;
import java.util.function.BooleanSupplier;

/**
 * Writes a read item's marks (fetched, last access, the meta protocol's win token) into its record in
 * {@link OffHeapStore}'s segments, if the record is still where the read found it.
 */
final class StoredMarks implements Item.Marks {
  private final KeyIndex index;
  private final RegionMemory memory;
  private final Records records;
  private final BooleanSupplier closed;

  StoredMarks(KeyIndex index, RegionMemory memory, Records records, BooleanSupplier closed) {
    this.index = index;
    this.memory = memory;
    this.records = records;
    this.closed = closed;
  }

  @Override
  public void markFetched(long hash, long location, long now) {
    Stripe stripe = index.stripe(hash);
    long stamp = stripe.readLock();
    try {
      if (!closed.getAsBoolean() && stripe.findLocation(location, hash) >= 0) {
        ByteBuffer b = memory.at(location);
        int off = KeyIndex.offsetOf(location);
        b.putInt(off + ItemLayout.ACCESS, records.relativeSecond(now));
        if ((ItemLayout.marks(b, off) & ItemLayout.FETCHED) == 0) {
          ItemLayout.setMarks(b, off, ItemLayout.FETCHED);
        }
      }
    } finally {
      stripe.unlockRead(stamp);
    }
  }

  @Override
  public boolean claimToken(long hash, long location) {
    Stripe stripe = index.stripe(hash);
    long stamp = stripe.readLock();
    try {
      if (closed.getAsBoolean() || stripe.findLocation(location, hash) < 0) {
        return false; // replaced meanwhile: the new version has its own token
      }
      int off = KeyIndex.offsetOf(location);
      return (ItemLayout.setMarks(memory.at(location), off, ItemLayout.TOKEN) & ItemLayout.TOKEN) == 0;
    } finally {
      stripe.unlockRead(stamp);
    }
  }
}
