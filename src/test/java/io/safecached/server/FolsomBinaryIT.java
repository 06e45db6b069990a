package io.safecached.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** {@link ClientSuite} driven by folsom 1.21.0 over the binary protocol, against safecached and memcached. */
class FolsomBinaryIT {

  /** The client suite plus folsom's plain (non-CAS) reads, which the suite's adapter does not use. */
  abstract static class FolsomBinarySuite extends ClientSuite {
    @Override
    ClientApi connect(InetSocketAddress address) throws Exception {
      return FolsomClient.binary(address);
    }

    @Test
    void plainGetAndGetAsMap() throws Exception {
      FolsomClient folsom = (FolsomClient) client;
      assertThat(client.set("p1", 0, "one")).isTrue();
      assertThat(client.set("p2", 0, "two")).isTrue();
      assertThat(FolsomClient.await(folsom.raw().get("p1"))).asString(StandardCharsets.UTF_8).isEqualTo("one");
      assertThat(FolsomClient.await(folsom.raw().get("none"))).isNull();
      Map<String, byte[]> found = FolsomClient.await(folsom.raw().getAsMap(List.of("p1", "none", "p2")));
      assertThat(found).containsOnlyKeys("p1", "p2");
      assertThat(found.get("p2")).asString(StandardCharsets.UTF_8).isEqualTo("two");
    }
  }

  /** The required target. */
  @Nested
  @DisplayName("folsom binary -> safecached")
  class AgainstSafecached extends FolsomBinarySuite {
    @Override
    ClientTarget target() {
      return ClientTarget.SAFECACHED;
    }
  }

  /** The reference run that proves the assertions; skipped when memcached is not installed. */
  @Nested
  @DisplayName("folsom binary -> memcached (reference)")
  class AgainstMemcached extends FolsomBinarySuite {
    @Override
    ClientTarget target() {
      return ClientTarget.MEMCACHED;
    }
  }
}
