package io.safecached.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.safecached.testsupport.ServerSuite.Connector;
import io.safecached.testsupport.Target;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** {@link ClientSuite} driven by folsom 1.21.0 over ascii and binary, against safecached and memcached. */
class FolsomIT {

  /** The client suite plus folsom's plain (non-CAS) reads, which the suite's adapter does not use. */
  abstract static class FolsomSuite extends ClientSuite {
    FolsomSuite(Target target, Connector<ClientApi> connector) {
      super(target, connector);
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
  @DisplayName("folsom ascii -> safecached")
  class AsciiAgainstSafecached extends FolsomSuite {
    AsciiAgainstSafecached() {
      super(Target.SAFECACHED, FolsomClient::ascii);
    }
  }

  /** The reference run that proves the assertions; skipped when memcached is not installed. */
  @Nested
  @DisplayName("folsom ascii -> memcached (reference)")
  class AsciiAgainstMemcached extends FolsomSuite {
    AsciiAgainstMemcached() {
      super(Target.MEMCACHED, FolsomClient::ascii);
    }
  }

  /** The binary protocol against safecached. */
  @Nested
  @DisplayName("folsom binary -> safecached")
  class BinaryAgainstSafecached extends FolsomSuite {
    BinaryAgainstSafecached() {
      super(Target.SAFECACHED, FolsomClient::binary);
    }
  }

  /** The binary protocol against memcached, as the reference. */
  @Nested
  @DisplayName("folsom binary -> memcached (reference)")
  class BinaryAgainstMemcached extends FolsomSuite {
    BinaryAgainstMemcached() {
      super(Target.MEMCACHED, FolsomClient::binary);
    }
  }
}
