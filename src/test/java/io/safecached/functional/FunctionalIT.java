package io.safecached.functional;

import io.safecached.testsupport.Target;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;

/** {@link FunctionalSuite} over text, meta and binary, each against safecached and against memcached. */
class FunctionalIT {

  @Nested
  @DisplayName("text -> safecached")
  class TextOnSafecached extends FunctionalSuite {
    TextOnSafecached() {
      super(Target.SAFECACHED, TextProtocolClient::new);
    }
  }

  @Nested
  @DisplayName("text -> memcached (reference)")
  class TextOnMemcached extends FunctionalSuite {
    TextOnMemcached() {
      super(Target.MEMCACHED, TextProtocolClient::new);
    }
  }

  @Nested
  @DisplayName("meta -> safecached")
  class MetaOnSafecached extends FunctionalSuite {
    MetaOnSafecached() {
      super(Target.SAFECACHED, MetaProtocolClient::new);
    }
  }

  @Nested
  @DisplayName("meta -> memcached (reference)")
  class MetaOnMemcached extends FunctionalSuite {
    MetaOnMemcached() {
      super(Target.MEMCACHED, MetaProtocolClient::new);
    }
  }

  @Nested
  @DisplayName("binary -> safecached")
  class BinaryOnSafecached extends FunctionalSuite {
    BinaryOnSafecached() {
      super(Target.SAFECACHED, BinaryProtocolClient::new);
    }
  }

  @Nested
  @DisplayName("binary -> memcached (reference)")
  class BinaryOnMemcached extends FunctionalSuite {
    BinaryOnMemcached() {
      super(Target.MEMCACHED, BinaryProtocolClient::new);
    }
  }
}
