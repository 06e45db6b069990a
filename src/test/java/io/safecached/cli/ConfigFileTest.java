package io.safecached.cli;

import static io.safecached.cli.CliFixture.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.safecached.config.ConfigException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code serve --config FILE}: Debian's memcached.conf format, under the flags of the command line. */
class ConfigFileTest {
  /** Debian's stock /etc/memcached.conf (memcached 1.6.18-1 in bookworm), comments shortened. */
  static final String DEBIAN_STOCK = """
      # memcached default config file
      # 2003 - Jay Bonci <jaybonci@debian.org>
      # This configuration file is read by the start-memcached script provided as
      # part of the Debian GNU/Linux distribution.

      # Run memcached as a daemon. This command is implied, and is not needed for the
      # daemon to run. See the README.Debian that comes with this package for more
      # information.
      -d

      # Log memcached's output to /var/log/memcached
      logfile /var/log/memcached.log

      # Be verbose
      # -v

      # Be even more verbose (print client commands as well)
      # -vv

      # Start with a cap of 64 megs of memory. It's reasonable, and the daemon default
      # Note that the daemon will grow to this size, but does not start out holding this much
      # memory
      -m 64

      # Default connection port is 11211
      -p 11211

      # Run the daemon as root. The start-memcached will default to running as root if no
      # -u command is present in this config file
      -u memcache

      # Specify which IP address to listen on. The default is to listen on all IP addresses
      # This parameter is one of the only security measures that memcached has, so make sure
      # it's listening on a firewalled interface.
      -l 127.0.0.1

      # Limit the number of simultaneous incoming connections. The daemon default is 1024
      # -c 1024

      # Lock down all paged memory. Consult with the README and homepage before you do this
      # -k

      # Return error when memory is exhausted (rather than removing items)
      # -M

      # Maximize core file limit
      # -r

      # Use a pidfile
      -P /var/run/memcached/memcached.pid
      """;

  @TempDir
  Path dir;

  private Path write(String text) throws IOException {
    return Files.writeString(dir.resolve("memcached.conf"), text);
  }

  @Test
  void debiansStockFileWorksUnchanged() throws IOException {
    Path conf = write(DEBIAN_STOCK);
    ServeCommand.Settings s = parse("--config", conf.toString());
    assertThat(s.config().port()).isEqualTo(11211);
    assertThat(s.config().memoryLimitBytes()).isEqualTo(64L << 20);
    assertThat(s.config().listen()).containsExactly(new InetSocketAddress("127.0.0.1", 0));
    assertThat(s.user()).isEqualTo("memcache");
    assertThat(s.pidFile()).isEqualTo(Path.of("/var/run/memcached/memcached.pid"));
    assertThat(s.logFile()).isEqualTo(Path.of("/var/log/memcached.log"));
    assertThat(s.warnings()).singleElement().asString()
        .startsWith("ignoring -d in " + conf + " line 9: safecached stays in the foreground");
  }

  /** The file on this machine, when the memcached package is installed, is read the same way. */
  @Test
  void theInstalledMemcachedConfIsAccepted() {
    Path installed = Path.of("/etc/memcached.conf");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(installed), "no /etc/memcached.conf here");
    ServeCommand.Settings s = parse("--config", installed.toString());
    assertThat(s.config().memoryLimitBytes()).isPositive();
    assertThat(s.warnings()).allSatisfy(w -> assertThat(w).startsWith("ignoring "));
  }

  @Test
  void theCommandLineWinsOverTheFile() throws IOException {
    Path conf = write("-p 11311\n-l 127.0.0.1\n-m 128   # a comment after the flag\n-vv\n-o idle_timeout=60,modern\n"
        + "-u memcache\n");
    ServeCommand.Settings s = parse("--config", conf.toString(), "-p", "11411", "-l", "::1", "-v",
        "-o", "idle_timeout=5", "-u", "root");
    assertThat(s.config().port()).isEqualTo(11411);
    assertThat(s.config().listen()).containsExactly(new InetSocketAddress("::1", 0));
    assertThat(s.config().memoryLimitBytes()).as("from the file").isEqualTo(128L << 20);
    assertThat(s.config().verbosity()).isEqualTo(1);
    assertThat(s.config().idleTimeout()).as("-o adds up, the command line's key wins").isEqualTo(Duration.ofSeconds(5));
    assertThat(s.warnings()).containsExactly("ignoring -o modern: " + ExtendedOptions.IGNORED.get("modern"));
    assertThat(s.user()).isEqualTo("root");
    ServeCommand.Settings fileOnly = parse("--config", conf.toString());
    assertThat(fileOnly.config().verbosity()).isEqualTo(2);
    assertThat(fileOnly.config().port()).isEqualTo(11311);
  }

  @Test
  void severalFlagsOnOneLineAndLongFormsWork() throws IOException {
    Path conf = write("  -m 32 -c 10\t--threads=2\n\n--udp-allow 10.0.0.0/8\n");
    ServeCommand.Settings s = parse("--config", conf.toString());
    assertThat(s.config().memoryLimitBytes()).isEqualTo(32L << 20);
    assertThat(s.config().maxConnections()).isEqualTo(10);
    assertThat(s.config().threads()).isEqualTo(2);
    assertThat(s.warnings()).isEmpty();
  }

  @Test
  void unknownLinesWarnOnceEach() throws IOException {
    Path conf = write("-d\n-d\nfoo bar\nfoo baz\n-h\n-m 16\n");
    ServeCommand.Settings s = parse("--config", conf.toString());
    assertThat(s.config().memoryLimitBytes()).isEqualTo(16L << 20);
    assertThat(s.warnings()).hasSize(3);
    assertThat(s.warnings().get(0)).startsWith("ignoring -d in " + conf + " line 1: ");
    assertThat(s.warnings().get(1)).startsWith("ignoring " + conf + " line 3 ('foo bar'): not a flag");
    assertThat(s.warnings().get(2)).startsWith("ignoring -h in " + conf + " line 5: ");
  }

  @Test
  void aBadLineNamesTheFileAndLine() throws IOException {
    Path conf = write("# fine\n-m 64\n-c 0\n");
    assertThatThrownBy(() -> parse("--config", conf.toString())).isInstanceOf(ConfigException.class)
        .hasMessage("connection limit must be at least 1 (-c 0)");
    Path unknown = write("-m 64\n--fooble\n");
    assertThatThrownBy(() -> parse("--config", unknown.toString())).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(unknown + " line 2: Unknown option: '--fooble'");
    Path nested = write("--config /etc/other.conf\n");
    assertThatThrownBy(() -> parse("--config", nested.toString()))
        .hasMessageContaining("line 1: a config file cannot name another one");
    Path logfile = write("logfile\n");
    assertThatThrownBy(() -> parse("--config", logfile.toString())).hasMessageContaining("line 1: logfile needs");
    assertThatThrownBy(() -> parse("--config", dir.resolve("missing.conf").toString()))
        .hasMessage("cannot read the config file " + dir.resolve("missing.conf") + " (--config): no such file");
  }

  @Test
  void theFileFormatIsReadLikeStartMemcached() {
    ConfigFile f = ConfigFile.parse(Path.of("x.conf"), List.of("  -m   64  ", "#-p 1", "-l 127.0.0.1 # local",
        "logfile /var/log/memcached.log", "", "   # only a comment"));
    assertThat(f.lines()).extracting(ConfigFile.Line::words).containsExactly(List.of("-m", "64"),
        List.of("-l", "127.0.0.1"), List.of("--log-file", "/var/log/memcached.log"));
    assertThat(f.lines()).extracting(ConfigFile.Line::number).containsExactly(1, 3, 4);
    assertThat(f.warnings()).isEmpty();
  }
}
