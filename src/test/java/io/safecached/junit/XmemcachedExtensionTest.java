package io.safecached.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.safecached.embed.Safecached;
import java.util.Map;
import net.rubyeye.xmemcached.MemcachedClient;
import net.rubyeye.xmemcached.XMemcachedClientBuilder;
import net.rubyeye.xmemcached.utils.AddrUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The extension with xmemcached over the text protocol, the server handle injected, a client per test and
 * items kept between tests (no flush requested): each test uses its own keys.
 */
@SafecachedTest(memoryMegabytes = 16)
class XmemcachedExtensionTest {
  private MemcachedClient client;

  @BeforeEach
  void connect(Safecached safecached) throws Exception {
    XMemcachedClientBuilder builder = new XMemcachedClientBuilder(AddrUtil.getAddresses(safecached.hostAndPort()));
    builder.setOpTimeout(3000);
    builder.setConnectTimeout(3000);
    client = builder.build();
  }

  @AfterEach
  void disconnect() throws Exception {
    client.shutdown();
  }

  @Test
  void storesReadsAndCas() throws Exception {
    assertThat(client.set("x:a", 0, "one")).isTrue();
    assertThat(client.<String>get("x:a")).isEqualTo("one");
    long cas = client.gets("x:a").getCas();
    assertThat(client.cas("x:a", 0, "two", cas)).isTrue();
    assertThat(client.cas("x:a", 0, "three", cas)).as("stale cas").isFalse();
    assertThat(client.<String>get("x:a")).isEqualTo("two");
  }

  @Test
  void multiGetAndFlushByTheHandle(Safecached safecached) throws Exception {
    assertThat(client.set("x:b", 0, "b")).isTrue();
    assertThat(client.set("x:c", 0, "c")).isTrue();
    Map<String, String> got = client.get(java.util.List.of("x:b", "x:c", "x:missing"));
    assertThat(got).containsExactlyInAnyOrderEntriesOf(Map.of("x:b", "b", "x:c", "c"));
    safecached.flushAll();
    assertThat(client.<String>get("x:b")).isNull();
  }
}
