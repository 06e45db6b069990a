package io.safecached.cli;

import static io.safecached.cli.CliFixture.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.safecached.cli.CliFixture.Outcome;
import io.safecached.config.ServerConfig;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** The whole command line through {@code Main.run}, with a runner that records the config instead of serving. */
class MainTest {
  @Test
  void serveHandsTheConfigToTheRunner() {
    Outcome o = run("serve", "-p", "22122", "-l", "127.0.0.1", "-A");
    assertThat(o.exitCode()).isZero();
    assertThat(o.err()).isEmpty();
    assertThat(o.served()).singleElement().satisfies(c -> {
      assertThat(c.port()).isEqualTo(22122);
      assertThat(c.listen()).containsExactly(new InetSocketAddress("127.0.0.1", 0));
      assertThat(c.shutdownEnabled()).isTrue();
    });
  }

  @Test
  void serveWithoutFlagsServesTheDefaults() {
    Outcome o = run("serve");
    assertThat(o.exitCode()).isZero();
    assertThat(o.served()).containsExactly(ServerConfig.builder().build());
  }

  @Test
  void auditUsageErrorsExitWithTwoAsTheAuditDocuments() {
    Outcome o = run("audit", "--bogus");
    assertThat(o.exitCode()).isEqualTo(2);
    assertThat(o.errLines()).singleElement().asString().startsWith("safecached: Unknown option: '--bogus'");
    assertThat(run("serve", "--bogus").exitCode()).isEqualTo(Main.EX_USAGE);
    assertThat(run("audit", "--help").out()).contains("--format");
  }

  @Test
  void theRunnersExitCodeIsTheProcesss() {
    ServeCommand serve = new ServeCommand((c, e) -> Main.EX_OSERR,
        new ListenAddresses(CliFixture.FAKE_DNS, ListenAddresses.DEFAULT_LOOKUP_TIMEOUT));
    assertThat(Main.run(new String[] {"serve"}, System.out, System.err, serve)).isEqualTo(Main.EX_OSERR);
  }

  @ParameterizedTest(name = "serve {0}")
  @CsvSource(delimiter = '|', value = {
      "-c 0                 | connection limit must be at least 1 (-c 0)",
      "-l fooble            | cannot resolve listen address 'fooble'",
      "-I 512               | item size limit must be at least 1k (-I 512)",
      "-I 2048m             | item size limit cannot be more than 1024m (-I 2048m)",
      "-I 64m               | item size limit (-I) cannot be more than half the memory limit (-m)",
      "-p 70000             | port must be between 0 and 65535 (-p 70000)",
      "-p -1                | port must be between 0 and 65535 (-p -1)",
      "-p abc               | port must be a number (-p abc)",
      "-m abc               | memory limit must be a number of megabytes (-m abc)",
      "-t 0                 | threads must be between 1 and 1024 (-t 0)",
      "-c x                 | connection limit must be a number (-c x)",
      "--fooble             | Unknown option: '--fooble'",
      "-Z                   | TLS (-Z) needs a certificate chain and a key (-o ssl_chain_cert=<file>,ssl_key=<file>)",
      "-p                   | Missing required parameter for option '--port'",
      "extra                | Unmatched argument at index 1: 'extra'",
      "-o fooble=1          | unknown extended option 'fooble' (-o)",
      "-o idle_timeout=x    | idle_timeout must be a number (-o idle_timeout=x)",
      "-U 70000             | UDP port must be between 0 and 65535 (-U 70000)",
      "--udp-allow fooble   | 'fooble' is not an IP address block (for example 10.0.0.0/8 or ::1/128)",
      "-l 0.0.0.0           | refusing to listen on non-loopback address [0.0.0.0] without authentication",
      "-l ::                | refusing to listen on non-loopback address [0:0:0:0:0:0:0:0]",
      "-k -l 127.0.0.1:0    | port in listen address '127.0.0.1:0' must be between 1 and 65535",
      "-d                   | -d (--daemon) is not supported: safecached stays in the foreground; run it under systemd",
      "--config /nonexistent | cannot read the config file /nonexistent (--config): no such file"})
  void invalidValuesStopWithOneLineAndExit64(String args, String problem) {
    Outcome o = run(("serve " + args).split(" "));
    assertThat(o.exitCode()).isEqualTo(Main.EX_USAGE);
    assertThat(o.errLines()).singleElement().asString().startsWith("safecached: ").contains(problem);
    assertThat(o.out()).isEmpty();
    assertThat(o.served()).as("no server may start").isEmpty();
  }

  @Test
  void theRefusalOfANetworkListenerExplainsTheSafeOptions() {
    Outcome o = run("serve", "-l", "0.0.0.0");
    assertThat(o.exitCode()).isEqualTo(Main.EX_USAGE);
    assertThat(o.errLines()).singleElement().asString()
        .contains("-l 127.0.0.1,::1").contains("firewall").contains("--allow-unauthenticated-network");

    Outcome allowed = run("serve", "-l", "0.0.0.0", "--allow-unauthenticated-network");
    assertThat(allowed.exitCode()).isZero();
    assertThat(allowed.served()).singleElement().satisfies(c -> assertThat(c.loopbackOnly()).isFalse());
  }

  @Test
  void ignoredFlagsPrintOneWarningLineEachAndStillServe() {
    Outcome o = run("serve", "-k", "-r", "-R", "20", "-f", "1.25",
        "-n", "48", "-L", "-M", "-o", "relaxed_privileges,modern", "-o", "modern");
    assertThat(o.exitCode()).isZero();
    assertThat(o.served()).containsExactly(ServerConfig.builder().build());
    assertThat(o.errLines()).hasSize(9).allSatisfy(l -> assertThat(l).startsWith("safecached: warning: ignoring "));
    assertThat(o.err()).contains("-k (--lock-memory)", "-r (--enable-coredumps)",
        "-R (--max-reqs-per-event) 20", "-f (--slab-growth-factor) 1.25", "-n (--slab-min-size) 48",
        "-L (--enable-largepages)",
        "-M (--disable-evictions): not supported", "-o relaxed_privileges", "-o modern");
  }

  @Test
  void aWarningIsNotPrintedWhenStartUpStops() {
    Outcome o = run("serve", "-k", "-c", "0");
    assertThat(o.errLines()).singleElement().asString().contains("-c 0");
  }

  /** Every flag the brief and docs/cli.md promise, short and long. */
  private static final List<String> PROMISED_FLAGS = List.of(
      "-p", "--port", "-l", "--listen", "-U", "--udp-port", "-m", "--memory-limit", "-e", "--memory-file",
      "-c", "--conn-limit",
      "-t", "--threads", "-I", "--max-item-size", "-v", "--verbose", "-A", "--enable-shutdown",
      "-F", "--disable-flush-all", "-o", "--extended", "--allow-unauthenticated-network", "-h", "--help",
      "--udp-allow", "--udp-max-amplification", "--udp-writes", "-B", "--protocol",
      "-Y", "--auth-file", "-S", "--enable-sasl", "-Z", "--enable-ssl", "--allow", "--admin-users",
      "-V", "--version", "-d", "--daemon", "-u", "--user", "-k", "--lock-memory", "-P", "--pidfile",
      "--config", "--log-file",
      "-r", "--enable-coredumps", "-b", "--listen-backlog", "-R", "--max-reqs-per-event",
      "-f", "--slab-growth-factor", "-n", "--slab-min-size", "-L", "--enable-largepages",
      "-C", "--disable-cas", "-M", "--disable-evictions", "-X", "--disable-dumping", "-W", "--disable-watch",
      "-D", "--metrics");

  @Test
  void helpListsEveryFlagWithADescription() {
    Outcome o = run("serve", "-h");
    assertThat(o.exitCode()).isZero();
    assertThat(o.err()).isEmpty();
    List<String> lines = o.out().lines().toList();
    for (String flag : PROMISED_FLAGS) {
      String pattern = flag.startsWith("--") ? "^\\s*(-\\w, )?" + flag + "(=\\S+)?\\s{2,}\\S.*"
          : "^\\s*" + flag + "(, --[\\w-]+)?(=\\S+)?\\s{2,}\\S.*";
      assertThat(lines).as(flag).anyMatch(l -> l.matches(pattern));
    }
    for (String key : ExtendedOptions.IGNORED.keySet()) {
      assertThat(o.out()).as("-o " + key).containsPattern("\\b" + key + "\\b");
    }
    assertThat(o.out()).contains("idle_timeout=", "multiget_line_max=");
    // nothing the parser accepts is left out of the help
    CommandLine cl = Main.configure(new CommandLine(new ServeCommand((c, e) -> 0,
        new ListenAddresses(CliFixture.FAKE_DNS, ListenAddresses.DEFAULT_LOOKUP_TIMEOUT))));
    for (OptionSpec option : cl.getCommandSpec().options()) {
      assertThat(option.hidden()).as(option.longestName()).isFalse();
      assertThat(PROMISED_FLAGS).as("documented in the test list").containsAll(List.of(option.names()));
    }
  }

  @Test
  void topLevelHelpListsTheCommands() {
    Outcome o = run("--help");
    assertThat(o.exitCode()).isZero();
    assertThat(o.out()).containsPattern("(?m)^\\s+serve\\s+\\S").containsPattern("(?m)^\\s+version\\s+\\S");
  }

  @Test
  void versionAllThreeWays() {
    String expected = "safecached " + Main.version();
    assertThat(expected).matches("safecached \\S+");
    for (String[] args : List.of(new String[] {"version"}, new String[] {"-V"}, new String[] {"--version"},
        new String[] {"serve", "-V"})) {
      Outcome o = run(args);
      assertThat(o.exitCode()).as(String.join(" ", args)).isZero();
      assertThat(o.out()).as(String.join(" ", args)).isEqualTo(expected + System.lineSeparator());
      assertThat(o.served()).isEmpty();
    }
  }

  @Test
  void outsideAJarTheVersionIsDev() {
    // test classes run from target/classes, which has no manifest
    assertThat(Main.class.getPackage().getImplementationVersion()).isNull();
    assertThat(Main.version()).isEqualTo("dev");
  }

  @Test
  void noCommandIsAUsageError() {
    Outcome o = run();
    assertThat(o.exitCode()).isEqualTo(Main.EX_USAGE);
    assertThat(o.errLines()).singleElement().asString().startsWith("safecached: missing command")
        .contains("safecached serve");
  }

  @Test
  void memcachedStyleFlagsWithoutTheCommandPointAtServe() {
    Outcome o = run("-p", "11211", "-d");
    assertThat(o.exitCode()).isEqualTo(Main.EX_USAGE);
    assertThat(o.errLines()).singleElement().asString().contains("safecached serve -p 11211 -d");
    assertThat(o.served()).isEmpty();
  }

  @Test
  void anUnexpectedFailureIsOneLineAndExit70() {
    ServeCommand serve = new ServeCommand((c, e) -> {
      throw new UnsupportedOperationException("not yet");
    }, new ListenAddresses(CliFixture.FAKE_DNS, ListenAddresses.DEFAULT_LOOKUP_TIMEOUT));
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    int code = Main.run(new String[] {"serve"}, System.out, new java.io.PrintStream(err, true), serve);
    assertThat(code).isEqualTo(Main.EX_SOFTWARE);
    assertThat(err.toString().lines().toList()).containsExactly(
        "safecached: internal error: java.lang.UnsupportedOperationException: not yet");
  }
}
