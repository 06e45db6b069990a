package io.safecached.functional;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;

/** {@link MetaSuite} against safecached and against memcached. */
class MetaProtocolIT {

  @Nested
  @DisplayName("meta -> safecached")
  class OnSafecached extends MetaSuite {
    @Override
    Target target() {
      return Target.SAFECACHED;
    }
  }

  @Nested
  @DisplayName("meta -> memcached (reference)")
  class OnMemcached extends MetaSuite {
    @Override
    Target target() {
      return Target.MEMCACHED;
    }
  }
}
