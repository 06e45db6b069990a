package io.safecached.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.List;
import org.junit.jupiter.api.Test;

/** serve's logging: one line per record on stderr, levels by -v, Netty kept quiet, and undone afterwards. */
class LogSetupTest {
  private static final String LINE =
      "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}(Z|[+-]\\d{2}:\\d{2}) ";

  private final Logger server = System.getLogger("io.safecached.server.LogSetupTest");
  private final Logger netty = System.getLogger("io.netty.channel.LogSetupTest");
  private final Logger other = System.getLogger("com.example.LogSetupTest");

  private List<String> logAll(int verbosity) {
    StringWriter out = new StringWriter();
    LogSetup setup = LogSetup.install(verbosity, new PrintWriter(out));
    try {
      server.log(Level.INFO, "info {0}", "x");
      server.log(Level.DEBUG, "debug");
      server.log(Level.TRACE, "trace");
      server.log(Level.WARNING, "two\nlines");
      server.log(Level.ERROR, "failed", new IllegalStateException("boom"));
      netty.log(Level.INFO, "netty info");
      netty.log(Level.WARNING, "netty warning");
      other.log(Level.INFO, "other info");
      other.log(Level.DEBUG, "other debug");
    } finally {
      setup.close();
    }
    return out.toString().lines().toList();
  }

  @Test
  void defaultIsInfoOneLinePerRecord() {
    assertThat(logAll(0)).satisfiesExactly(
        l -> assertThat(l).matches(LINE + "INFO info x"),
        l -> assertThat(l).matches(LINE + "WARNING two lines"),
        l -> assertThat(l).matches(LINE + "SEVERE failed \\(java.lang.IllegalStateException: boom\\)"),
        l -> assertThat(l).matches(LINE + "WARNING netty warning"),
        l -> assertThat(l).matches(LINE + "INFO other info"));
  }

  @Test
  void oneVAddsDebugTwoAddTrace() {
    assertThat(logAll(1)).anyMatch(l -> l.matches(LINE + "FINE debug")).noneMatch(l -> l.endsWith(" trace"))
        .noneMatch(l -> l.contains("netty info")).noneMatch(l -> l.contains("other debug"));
    assertThat(logAll(2)).anyMatch(l -> l.matches(LINE + "FINE debug")).anyMatch(l -> l.matches(LINE + "FINER trace"))
        .noneMatch(l -> l.contains("netty info"));
    assertThat(LogSetup.levelFor(0)).isEqualTo(java.util.logging.Level.INFO);
    assertThat(LogSetup.levelFor(1)).isEqualTo(java.util.logging.Level.FINE);
    assertThat(LogSetup.levelFor(2)).isEqualTo(java.util.logging.Level.FINEST);
    assertThat(LogSetup.levelFor(5)).isEqualTo(java.util.logging.Level.FINEST);
  }

  @Test
  void closePutsBackWhatWasThere() {
    java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
    List<java.util.logging.Handler> before = List.of(root.getHandlers());
    java.util.logging.Level rootLevel = root.getLevel();
    StringWriter out = new StringWriter();
    LogSetup setup = LogSetup.install(0, new PrintWriter(out));
    assertThat(setup.rootHandlers()).singleElement().isInstanceOf(LogSetup.LineHandler.class);
    setup.close();
    assertThat(root.getHandlers()).containsExactlyElementsOf(before);
    assertThat(root.getLevel()).isEqualTo(rootLevel);
    server.log(Level.WARNING, "after close");
    assertThat(out.toString()).doesNotContain("after close");
  }

  @Test
  void logDirectWritesEvenWithoutLoggers() {
    StringWriter out = new StringWriter();
    try (LogSetup setup = LogSetup.install(0, new PrintWriter(out))) {
      java.util.logging.Logger.getLogger("").removeHandler(setup.rootHandlers().get(0));
      setup.logDirect(java.util.logging.Level.INFO, "stopping on signal");
    }
    assertThat(out.toString().lines()).singleElement().asString().matches(LINE + "INFO stopping on signal");
  }
}
