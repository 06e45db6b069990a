package io.safecached.server;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.safecached.config.ConfigException;
import io.safecached.config.ServerConfig;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Items live in direct memory: a {@code -m} the JVM cannot give is refused before anything starts. */
class DirectMemoryCheckTest {

  @Test
  void aMemoryLimitBeyondTheDirectMemoryIsRefusedWithWhatToGive() {
    long tooMuch = SafecachedServer.jvmMaxDirectMemory() + (1L << 30);
    ServerConfig config = ServerConfig.builder().listen(List.of(new InetSocketAddress("127.0.0.1", 0)))
        .memoryLimitBytes(tooMuch).build();
    assertThatThrownBy(() -> SafecachedServer.start(config)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("does not fit in the JVM's direct memory")
        .hasMessageContaining("-XX:MaxDirectMemorySize=");
  }
}
