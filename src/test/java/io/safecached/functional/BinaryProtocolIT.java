package io.safecached.functional;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;

/** {@link BinarySuite} against safecached and against memcached. */
class BinaryProtocolIT {

  @Nested
  @DisplayName("binary -> safecached")
  class OnSafecached extends BinarySuite {
    @Override
    Target target() {
      return Target.SAFECACHED;
    }
  }

  @Nested
  @DisplayName("binary -> memcached (reference)")
  class OnMemcached extends BinarySuite {
    @Override
    Target target() {
      return Target.MEMCACHED;
    }
  }
}
