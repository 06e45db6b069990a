package io.safecached.functional;

import io.safecached.testsupport.Target;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;

/** {@link MetaSuite} against safecached and against memcached. */
class MetaProtocolIT {

  @Nested
  @DisplayName("meta -> safecached")
  class OnSafecached extends MetaSuite {
    OnSafecached() {
      super(Target.SAFECACHED);
    }
  }

  @Nested
  @DisplayName("meta -> memcached (reference)")
  class OnMemcached extends MetaSuite {
    OnMemcached() {
      super(Target.MEMCACHED);
    }
  }
}
