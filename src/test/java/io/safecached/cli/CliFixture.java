package io.safecached.cli;

import io.safecached.config.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs the command line in-process with a recording server runner and a resolver that never asks DNS. */
final class CliFixture {
  /** Names the fake resolver knows; anything else is unknown, as 'fooble' is to a real one. */
  static final Map<String, String> HOSTS = Map.of(
      "localhost", "127.0.0.1",
      "cache.example", "192.0.2.10");

  static final ListenAddresses.HostResolver FAKE_DNS = host -> {
    String ip = HOSTS.get(host);
    if (ip == null) {
      throw new UnknownHostException(host);
    }
    return new InetAddress[] {InetAddress.getByName(ip)};
  };

  /** What one run printed and returned, and the configs its runner was given (none when start-up stopped). */
  record Outcome(int exitCode, String out, String err, List<ServerConfig> served) {
    List<String> errLines() {
      return err.isEmpty() ? List.of() : List.of(err.split("\n"));
    }
  }

  private CliFixture() {}

  /** {@code Main.run(args)} with a runner that records the config and returns 0 at once. */
  static Outcome run(String... args) {
    List<ServerConfig> served = new ArrayList<>();
    ServeCommand serve = new ServeCommand((config, err) -> {
      served.add(config);
      return Main.EX_OK;
    }, new ListenAddresses(FAKE_DNS, Duration.ofSeconds(5)));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
         PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      code = Main.run(args, o, e, serve);
    }
    return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8),
        served);
  }

  /** {@code serve args} through the pure parser, with the fake resolver. */
  static ServeCommand.Settings parse(String... args) {
    return ServeCommand.parse(FAKE_DNS, args);
  }
}
