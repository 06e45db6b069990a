package io.safecached.junit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.spy.memcached.ConnectionFactoryBuilder;
import net.spy.memcached.MemcachedClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** The extension as docs/embedding.md shows it, with spymemcached over the binary protocol. */
@SafecachedTest(flushBetweenTests = true, memoryMegabytes = 16)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SpymemcachedExtensionTest {
  static {
    // spymemcached logs to stdout unless told otherwise; slf4j-nop keeps the test output clean
    System.setProperty("net.spy.log.LoggerImpl", "net.spy.memcached.compat.log.SLF4JLogger");
  }

  private static MemcachedClient client;

  @BeforeAll
  static void connect(InetSocketAddress safecached) throws Exception {
    client = new MemcachedClient(new ConnectionFactoryBuilder()
        .setProtocol(ConnectionFactoryBuilder.Protocol.BINARY)
        .setOpTimeout(3000)
        .setDaemon(true)
        .build(), List.of(safecached));
  }

  @AfterAll
  static void disconnect() {
    client.shutdown(2, TimeUnit.SECONDS);
  }

  @Test
  @Order(1)
  void storesAndReads() throws Exception {
    assertThat(client.set("greeting", 0, "hello").get(3, TimeUnit.SECONDS)).isTrue();
    assertThat(client.get("greeting")).isEqualTo("hello");
    assertThat(client.incr("counter", 1, 10)).isEqualTo(10);
    assertThat(client.incr("counter", 5)).isEqualTo(15);
  }

  @Test
  @Order(2)
  void startsEmptyAfterTheFlush() throws Exception {
    assertThat(client.get("greeting")).as("flushed before this test").isNull();
    assertThat(client.add("greeting", 0, "again").get(3, TimeUnit.SECONDS)).isTrue();
    assertThat(client.getBulk("greeting", "counter")).containsOnlyKeys("greeting");
  }
}
