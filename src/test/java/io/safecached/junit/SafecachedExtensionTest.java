package io.safecached.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.safecached.embed.Safecached;
import io.safecached.testsupport.RawClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * {@link SafecachedExtension}, seen from outside: small test classes (the static classes below, which the build
 * does not run by themselves) are run through the JUnit Platform launcher, and record the server each test
 * got, so that this test can check one server per class, injection, flushing, and that it stopped after the class.
 */
class SafecachedExtensionTest {
  /** What each fixture test saw, by fixture class. */
  private static final Map<Class<?>, List<Safecached>> SEEN = new ConcurrentHashMap<>();

  private static void saw(Class<?> fixture, Safecached server) {
    SEEN.computeIfAbsent(fixture, k -> new ArrayList<>()).add(server);
  }

  private static TestExecutionSummary run(Class<?> fixture) {
    SEEN.remove(fixture);
    Launcher launcher = LauncherFactory.create();
    SummaryGeneratingListener listener = new SummaryGeneratingListener();
    launcher.execute(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(fixture)).build(), listener);
    return listener.getSummary();
  }

  private static void assertAllPassed(TestExecutionSummary summary, long tests) {
    assertThat(summary.getFailures()).as("failures").isEmpty();
    assertThat(summary.getTestsSucceededCount()).isEqualTo(tests);
  }

  private static String get(InetSocketAddress address, String key) throws IOException {
    try (RawClient c = new RawClient(address)) {
      return c.send("get " + key + "\r\n").readUntil("END\r\n");
    }
  }

  private static void set(InetSocketAddress address, String key) throws IOException {
    try (RawClient c = new RawClient(address)) {
      assertThat(c.send("set " + key + " 0 0 1\r\nx\r\n").readLine()).isEqualTo("STORED");
    }
  }

  @Test
  void oneServerPerClassInjectedAndFlushedBetweenTestsThenStopped() {
    assertAllPassed(run(Flushing.class), 2);
    List<Safecached> seen = SEEN.get(Flushing.class);
    assertThat(seen).hasSize(3).allSatisfy(s -> assertThat(s).isSameAs(seen.get(0)));
    assertThat(seen.get(0).isRunning()).as("stopped after the class").isFalse();
  }

  @Test
  void withoutFlushingItemsStayAndTheSettingsApply() {
    assertAllPassed(run(Keeping.class), 2);
    assertThat(SEEN.get(Keeping.class)).hasSize(2).allSatisfy(s -> assertThat(s.isRunning()).isFalse());
  }

  @Test
  void eachClassGetsItsOwnServer() {
    assertAllPassed(run(Flushing.class), 2);
    Safecached first = SEEN.get(Flushing.class).get(0);
    assertAllPassed(run(Flushing.class), 2);
    assertThat(SEEN.get(Flushing.class).get(0)).isNotSameAs(first);
  }

  @Test
  void nestedClassesShareTheServerAndPerClassConstructorsGetIt() {
    assertAllPassed(run(WithNested.class), 2);
    List<Safecached> seen = SEEN.get(WithNested.class);
    assertThat(seen).hasSize(3).allSatisfy(s -> assertThat(s).isSameAs(seen.get(0)));
    assertThat(seen.get(0).isRunning()).isFalse();
  }

  @Test
  void extendWithAloneUsesTheDefaults() {
    assertAllPassed(run(Plain.class), 1);
    assertThat(SEEN.get(Plain.class)).hasSize(1).allSatisfy(s -> assertThat(s.isRunning()).isFalse());
  }

  /** Flushes between tests; gets the address in {@code @BeforeAll} and the server in each test. */
  @SafecachedTest(flushBetweenTests = true, memoryMegabytes = 8)
  @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
  static class Flushing {
    private static InetSocketAddress address;

    @BeforeAll
    static void remember(InetSocketAddress a, Safecached server) {
      assertThat(a).isEqualTo(server.address());
      assertThat(a.getAddress().isLoopbackAddress()).isTrue();
      address = a;
      saw(Flushing.class, server);
    }

    @Test
    @Order(1)
    void first(Safecached server) throws IOException {
      saw(Flushing.class, server);
      assertThat(server.address()).isEqualTo(address);
      set(address, "left-behind");
    }

    @Test
    @Order(2)
    void second(Safecached server, InetSocketAddress a) throws IOException {
      saw(Flushing.class, server);
      assertThat(a).isEqualTo(address);
      assertThat(get(a, "left-behind")).isEqualTo("END\r\n");
    }
  }

  /** Keeps items between tests; the annotation's settings reach the server. */
  @SafecachedTest(memoryMegabytes = 4, maxItemSize = 2048, threads = 1)
  @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
  static class Keeping {
    @Test
    @Order(1)
    void first(Safecached server) throws IOException {
      saw(Keeping.class, server);
      set(server.address(), "kept");
      try (RawClient c = new RawClient(server.address())) {
        assertThat(c.send("stats settings\r\n").readUntil("END\r\n")).contains("STAT maxbytes 4194304\r\n",
            "STAT item_size_max 2048\r\n", "STAT num_threads 1\r\n");
      }
    }

    @Test
    @Order(2)
    void second(Safecached server) throws IOException {
      saw(Keeping.class, server);
      assertThat(get(server.address(), "kept")).isEqualTo("VALUE kept 0 1\r\nx\r\nEND\r\n");
    }
  }

  /** One instance for the class, so its constructor runs before {@code beforeAll}; a nested class inside. */
  @SafecachedTest(memoryMegabytes = 8)
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  static class WithNested {
    private final InetSocketAddress address;

    WithNested(Safecached server) {
      saw(WithNested.class, server);
      this.address = server.address();
    }

    @Test
    void outer(Safecached server) {
      saw(WithNested.class, server);
    }

    @Nested
    class Inner {
      @Test
      void inner(Safecached server) {
        saw(WithNested.class, server);
        assertThat(server.address()).isEqualTo(address);
      }
    }
  }

  /** Registered with {@code @ExtendWith} and no annotation. */
  @ExtendWith(SafecachedExtension.class)
  static class Plain {
    @Test
    void served(InetSocketAddress address, Safecached server) throws IOException {
      saw(Plain.class, server);
      try (RawClient c = new RawClient(address)) {
        assertThat(c.call("version")).startsWith("VERSION ");
        assertThat(c.send("stats settings\r\n").readUntil("END\r\n"))
            .contains("STAT maxbytes " + 64 * 1024 * 1024 + "\r\n", "STAT num_threads 2\r\n");
      }
    }
  }
}
