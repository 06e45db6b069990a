package io.safecached.functional;

import java.io.IOException;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;

/** {@link FunctionalSuite} over text, meta and binary, each against safecached and against memcached. */
class FunctionalIT {

  @Nested
  @DisplayName("text -> safecached")
  class TextOnSafecached extends FunctionalSuite {
    @Override
    Target target() {
      return Target.SAFECACHED;
    }

    @Override
    ProtocolClient connect(InetSocketAddress address) throws IOException {
      return new TextProtocolClient(address);
    }
  }

  @Nested
  @DisplayName("text -> memcached (reference)")
  class TextOnMemcached extends FunctionalSuite {
    @Override
    Target target() {
      return Target.MEMCACHED;
    }

    @Override
    ProtocolClient connect(InetSocketAddress address) throws IOException {
      return new TextProtocolClient(address);
    }
  }

  @Nested
  @DisplayName("meta -> safecached")
  class MetaOnSafecached extends FunctionalSuite {
    @Override
    Target target() {
      return Target.SAFECACHED;
    }

    @Override
    ProtocolClient connect(InetSocketAddress address) throws IOException {
      return new MetaProtocolClient(address);
    }
  }

  @Nested
  @DisplayName("meta -> memcached (reference)")
  class MetaOnMemcached extends FunctionalSuite {
    @Override
    Target target() {
      return Target.MEMCACHED;
    }

    @Override
    ProtocolClient connect(InetSocketAddress address) throws IOException {
      return new MetaProtocolClient(address);
    }
  }

  @Nested
  @DisplayName("binary -> safecached")
  class BinaryOnSafecached extends FunctionalSuite {
    @Override
    Target target() {
      return Target.SAFECACHED;
    }

    @Override
    ProtocolClient connect(InetSocketAddress address) throws IOException {
      return new BinaryProtocolClient(address);
    }
  }

  @Nested
  @DisplayName("binary -> memcached (reference)")
  class BinaryOnMemcached extends FunctionalSuite {
    @Override
    Target target() {
      return Target.MEMCACHED;
    }

    @Override
    ProtocolClient connect(InetSocketAddress address) throws IOException {
      return new BinaryProtocolClient(address);
    }
  }
}
