package io.safecached.functional;

import io.safecached.testsupport.Target;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;

/** {@link BinarySuite} against safecached and against memcached. */
class BinaryProtocolIT {

  @Nested
  @DisplayName("binary -> safecached")
  class OnSafecached extends BinarySuite {
    OnSafecached() {
      super(Target.SAFECACHED);
    }
  }

  @Nested
  @DisplayName("binary -> memcached (reference)")
  class OnMemcached extends BinarySuite {
    OnMemcached() {
      super(Target.MEMCACHED);
    }
  }
}
