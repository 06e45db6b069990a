package io.safecached.testsupport;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import io.safecached.config.ServerConfig;
import java.util.Locale;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The transport the integration tests run safecached on: the system property {@value #PROPERTY}
 * ({@code auto}, {@code io_uring}, {@code epoll} or {@code nio}; {@code auto} when unset). The build runs the
 * integration tests once with the default (io_uring where the kernel allows it) and once more on epoll and on NIO
 * (pom.xml, failsafe executions), so that one suite covers every transport.
 *
 * <p>As a JUnit condition (registered for those extra runs through the service loader), it skips a run whose
 * transport this machine cannot use, and the epoll run where io_uring is unavailable (the default run was epoll).
 */
public final class TestTransport implements ExecutionCondition {
  /** The system property naming the transport. */
  public static final String PROPERTY = "safecached.transport";
  private static final String MULTISHOT_POLL_IN = "io.netty.iouring.pollAddMultishotEnabled";

  /** The transport asked for, as the config takes it. */
  public static ServerConfig.Transport transport() {
    String name = System.getProperty(PROPERTY, "auto").strip().toLowerCase(Locale.ROOT);
    for (ServerConfig.Transport t : ServerConfig.Transport.values()) {
      if (t.optionName().equals(name)) {
        return t;
      }
    }
    throw new IllegalArgumentException("-D" + PROPERTY + "=" + name + ": expected auto, io_uring, epoll or nio");
  }

  /**
   * True in the build's first run of the integration tests, on the default transport; false in its runs once more
   * on each other transport, where the longest tests run shorter (the same seeds, fewer of them) to keep the build
   * within its time.
   */
  public static boolean defaultRun() {
    return System.getProperty(PROPERTY) == null;
  }

  /** The {@code serve} arguments that pick it, for a server in a process of its own. */
  public static String[] serveArgs() {
    ServerConfig.Transport t = transport();
    return t == ServerConfig.Transport.AUTO ? new String[0] : new String[] {"-o", "transport=" + t.optionName()};
  }

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    // as server.NettyTransport does before Netty's io_uring loads: a server embedded in this JVM after this check
    // must not get multishot POLLIN, which misses connection resets
    if (System.getProperty(MULTISHOT_POLL_IN) == null) {
      System.setProperty(MULTISHOT_POLL_IN, "false");
    }
    ServerConfig.Transport t = transport();
    if (t == ServerConfig.Transport.IO_URING && !IoUring.isAvailable()) {
      return ConditionEvaluationResult.disabled("io_uring is not available here: " + IoUring.unavailabilityCause());
    }
    if (t == ServerConfig.Transport.EPOLL && !Epoll.isAvailable()) {
      return ConditionEvaluationResult.disabled("epoll is not available here: " + Epoll.unavailabilityCause());
    }
    if (t == ServerConfig.Transport.EPOLL && !IoUring.isAvailable()) {
      return ConditionEvaluationResult.disabled("io_uring is not available here, so the default run was epoll");
    }
    return ConditionEvaluationResult.enabled("transport " + t.optionName());
  }
}
