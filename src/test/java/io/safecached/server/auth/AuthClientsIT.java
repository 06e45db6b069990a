package io.safecached.server.auth;

import static io.safecached.server.auth.AuthTargets.PASSWORD;
import static io.safecached.server.auth.AuthTargets.USER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.spotify.folsom.MemcacheClient;
import com.spotify.folsom.MemcacheClientBuilder;
import io.safecached.server.auth.AuthTargets.Target;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.rubyeye.xmemcached.MemcachedClient;
import net.rubyeye.xmemcached.XMemcachedClientBuilder;
import net.rubyeye.xmemcached.auth.AuthInfo;
import net.rubyeye.xmemcached.exception.MemcachedException;
import net.rubyeye.xmemcached.command.BinaryCommandFactory;
import net.spy.memcached.ConnectionFactoryBuilder;
import net.spy.memcached.ConnectionFactoryBuilder.Protocol;
import net.spy.memcached.auth.AuthDescriptor;
import net.spy.memcached.auth.PlainCallbackHandler;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Java clients' own login support: spymemcached and xmemcached with SASL PLAIN, folsom with SASL PLAIN
 * (binary) and with memcached's {@code -Y} login (ascii), each against safecached and against memcached
 * ({@code -S} for binary, {@code -Y} for ascii). None of them speaks SCRAM, so PLAIN is what safecached offers.
 */
class AuthClientsIT {
  static {
    // route spymemcached's logging to SLF4J (slf4j-nop in tests) instead of stdout
    System.setProperty("net.spy.log.LoggerImpl", "net.spy.memcached.compat.log.SLF4JLogger");
  }

  private static final long TIMEOUT_MS = 3000;

  private static Target binaryTarget(String which) throws IOException {
    return which.equals("safecached") ? AuthTargets.safecached() : AuthTargets.memcachedSasl();
  }

  private static Target asciiTarget(String which) throws IOException {
    return which.equals("safecached") ? AuthTargets.safecached() : AuthTargets.memcachedAscii();
  }

  @ParameterizedTest
  @ValueSource(strings = {"safecached", "memcached"})
  void spymemcachedWithPlain(String which) throws Exception {
    try (Target t = binaryTarget(which)) {
      net.spy.memcached.MemcachedClient client = new net.spy.memcached.MemcachedClient(
          new ConnectionFactoryBuilder()
              .setProtocol(Protocol.BINARY)
              .setAuthDescriptor(new AuthDescriptor(new String[] {"PLAIN"}, new PlainCallbackHandler(USER, PASSWORD)))
              .setOpTimeout(TIMEOUT_MS)
              .setDaemon(true)
              .build(), List.of(t.address()));
      try {
        assertThat(client.set("spy", 0, "hello").get(TIMEOUT_MS, TimeUnit.MILLISECONDS)).isTrue();
        assertThat(client.get("spy")).isEqualTo("hello");
      } finally {
        client.shutdown(2, TimeUnit.SECONDS);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"safecached", "memcached"})
  void xmemcachedWithPlain(String which) throws Exception {
    try (Target t = binaryTarget(which)) {
      XMemcachedClientBuilder builder = new XMemcachedClientBuilder(List.of(t.address()));
      builder.setCommandFactory(new BinaryCommandFactory());
      builder.addAuthInfo(t.address(), AuthInfo.plain(USER, PASSWORD));
      builder.setOpTimeout(TIMEOUT_MS);
      builder.setConnectTimeout(TIMEOUT_MS);
      builder.setConnectionPoolSize(1);
      builder.setFailureMode(false);
      builder.setHealSessionInterval(100);
      // xmemcached 2.4.8+ finds a session's AuthInfo by "host-string:port", keyed when the client is built (here
      // "127.0.0.1:port"), but by default it then reverse-resolves the server address (InetSocketAddressWrapper
      // calls getHostName()), so the connected session is looked up as "localhost:port", no AuthInfo is found
      // and no SASL packet is ever sent (killme2008/xmemcached#149). Not resolving keeps both keys the same.
      builder.setResolveInetAddresses(false);
      MemcachedClient client = builder.build();
      try {
        client.setEnableHeartBeat(false);
        assertThat(setOnceLoggedIn(client)).isTrue();
        assertThat((String) client.get("xmc")).isEqualTo("hello");
      } finally {
        client.shutdown();
      }
    }
  }

  /**
   * xmemcached logs in on a thread of its own and lets requests through meanwhile; one that overtakes the login
   * is refused (and closes the connection, which xmemcached then reopens). So the first set is retried for a
   * bounded time.
   */
  private static boolean setOnceLoggedIn(MemcachedClient client) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(5 * TIMEOUT_MS);
    while (true) {
      try {
        return client.set("xmc", 0, "hello");
      } catch (MemcachedException | TimeoutException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }

  private static MemcacheClientBuilder<byte[]> folsom(Target t, String user, String password) {
    return MemcacheClientBuilder.newByteArrayClient()
        .withAddress(t.address().getHostString(), t.address().getPort())
        .withConnectionTimeoutMillis((int) TIMEOUT_MS)
        .withRetry(false)
        .withUsernamePassword(user, password);
  }

  private static void roundTrip(MemcacheClient<byte[]> client) throws Exception {
    try {
      client.awaitConnected(TIMEOUT_MS, TimeUnit.MILLISECONDS);
      client.set("folsom", "hello".getBytes(StandardCharsets.US_ASCII), 0).toCompletableFuture()
          .get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
      assertThat(new String(client.get("folsom").toCompletableFuture().get(TIMEOUT_MS, TimeUnit.MILLISECONDS),
          StandardCharsets.US_ASCII)).isEqualTo("hello");
    } finally {
      client.shutdown();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"safecached", "memcached"})
  void folsomBinaryWithPlain(String which) throws Exception {
    try (Target t = binaryTarget(which)) {
      roundTrip(folsom(t, USER, PASSWORD).connectBinary());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"safecached", "memcached"})
  void folsomAsciiWithTheSetLogin(String which) throws Exception {
    try (Target t = asciiTarget(which)) {
      roundTrip(folsom(t, USER, PASSWORD).connectAscii());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"safecached", "memcached"})
  void folsomWithAWrongPasswordDoesNotConnect(String which) throws Exception {
    try (Target t = asciiTarget(which)) {
      MemcacheClient<byte[]> client = folsom(t, USER, "wrong").connectAscii();
      try {
        assertThatThrownBy(() -> {
          client.awaitConnected(TIMEOUT_MS, TimeUnit.MILLISECONDS);
          client.get("folsom").toCompletableFuture().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }).isNotNull();
      } finally {
        client.shutdown();
      }
    }
  }
}
