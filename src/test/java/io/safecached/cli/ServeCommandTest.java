package io.safecached.cli;

import static io.safecached.cli.CliFixture.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.safecached.config.ConfigException;
import io.safecached.config.ServerConfig;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code serve}'s flags turned into a ServerConfig, through the pure parser (no server). */
class ServeCommandTest {
  private static final long MIB = 1024L * 1024;

  @Test
  void noFlagsGiveTheSafeDefaults() {
    ServeCommand.Settings s = parse();
    ServerConfig c = s.config();
    assertThat(s.warnings()).isEmpty();
    assertThat(c.listen()).containsExactly(new InetSocketAddress("127.0.0.1", 0), new InetSocketAddress("::1", 0));
    assertThat(c.tcpAddresses()).extracting(InetSocketAddress::getPort).containsOnly(11211);
    assertThat(c.loopbackOnly()).isTrue();
    assertThat(c.port()).isEqualTo(11211);
    assertThat(c.udpPort()).isZero();
    assertThat(c.shutdownEnabled()).isFalse();
    assertThat(c.flushAllDisabled()).isFalse();
    assertThat(c.allowUnauthenticatedNetwork()).isFalse();
    assertThat(c.memoryLimitBytes()).isEqualTo(64 * MIB);
    assertThat(c.maxConnections()).isEqualTo(1024);
    assertThat(c.threads()).isEqualTo(4);
    assertThat(c.maxItemSize()).isEqualTo(1024 * 1024);
    assertThat(c.verbosity()).isZero();
    assertThat(c.idleTimeout()).isEqualTo(Duration.ZERO);
    assertThat(c.maxMultigetLineLength()).isEqualTo(2 * 1024 * 1024);
    assertThat(c.protocol()).isEqualTo(ServerConfig.Protocol.AUTO);
    assertThat(c).isEqualTo(ServerConfig.builder().build());
  }

  static Stream<Arguments> everyFlag() {
    return Stream.of(
        flag("-p", "--port", "12345", ServerConfig::port, 12345),
        flag("-l", "--listen", "127.0.0.2", ServerConfig::listen, List.of(new InetSocketAddress("127.0.0.2", 0))),
        flag("-U", "--udp-port", "11211", ServerConfig::udpPort, 11211),
        flag("-m", "--memory-limit", "128", ServerConfig::memoryLimitBytes, 128 * MIB),
        flag("-c", "--conn-limit", "10", ServerConfig::maxConnections, 10),
        flag("-t", "--threads", "2", ServerConfig::threads, 2),
        flag("-I", "--max-item-size", "2m", ServerConfig::maxItemSize, 2 * 1024 * 1024),
        flag("-B", "--protocol", "binary", ServerConfig::protocol, ServerConfig.Protocol.BINARY),
        flag("-o", "--extended", "idle_timeout=30", ServerConfig::idleTimeout, Duration.ofSeconds(30)));
  }

  private static Arguments flag(String shortName, String longName, String value,
      Function<ServerConfig, Object> field, Object expected) {
    return Arguments.of(shortName, longName, value, field, expected);
  }

  @ParameterizedTest(name = "{0} / {1} {2}")
  @MethodSource("everyFlag")
  void eachFlagWorksShortAndLong(String shortName, String longName, String value,
      Function<ServerConfig, Object> field, Object expected) {
    assertThat(field.apply(ServerConfig.builder().build())).as("the value tested is not the default")
        .isNotEqualTo(expected);
    for (String[] args : List.of(new String[] {shortName, value}, new String[] {longName, value},
        new String[] {longName + "=" + value}, new String[] {shortName + value})) {
      ServeCommand.Settings s = parse(args);
      assertThat(field.apply(s.config())).as(String.join(" ", args)).isEqualTo(expected);
      assertThat(s.warnings()).isEmpty();
    }
  }

  @ParameterizedTest
  @CsvSource({
      "-A, --enable-shutdown",
      "-F, --disable-flush-all"})
  void switchesWorkShortAndLong(String shortName, String longName) {
    Function<ServerConfig, Boolean> field =
        shortName.equals("-A") ? ServerConfig::shutdownEnabled : ServerConfig::flushAllDisabled;
    assertThat(field.apply(parse().config())).isFalse();
    assertThat(field.apply(parse(shortName).config())).isTrue();
    assertThat(field.apply(parse(longName).config())).isTrue();
  }

  @Test
  void bindingProtocolTakesMemcachedsThreeValues() {
    assertThat(parse("-B", "auto").config().protocol()).isEqualTo(ServerConfig.Protocol.AUTO);
    assertThat(parse("-B", "ascii").config().protocol()).isEqualTo(ServerConfig.Protocol.ASCII);
    assertThat(parse("-B", "binary").config().protocol()).isEqualTo(ServerConfig.Protocol.BINARY);
    assertThat(parse("-Bascii", "-B", "auto").config().protocol()).as("the last -B wins")
        .isEqualTo(ServerConfig.Protocol.AUTO);
    for (String bad : List.of("text", "meta", "Binary", "", "udp")) {
      assertThatThrownBy(() -> parse("-B", bad)).as(bad).isInstanceOf(ConfigException.class)
          .hasMessage("binding protocol must be auto, ascii or binary (-B " + bad + ")");
    }
    assertThatThrownBy(() -> parse("-B")).isInstanceOf(ConfigException.class).hasMessageContaining("--protocol");
  }

  @Test
  void verbosityCountsTheVs() {
    assertThat(parse("-v").config().verbosity()).isEqualTo(1);
    assertThat(parse("--verbose").config().verbosity()).isEqualTo(1);
    assertThat(parse("-vv").config().verbosity()).isEqualTo(2);
    assertThat(parse("-v", "-v").config().verbosity()).isEqualTo(2);
    assertThat(parse("-vvv").config().verbosity()).isEqualTo(3);
  }

  @Test
  void flagsClusterAndRepeatLikeGetopt() {
    ServerConfig c = parse("-AFv", "-p", "1", "-p", "2").config();
    assertThat(c.shutdownEnabled()).isTrue();
    assertThat(c.flushAllDisabled()).isTrue();
    assertThat(c.verbosity()).isEqualTo(1);
    assertThat(c.port()).as("the last -p wins").isEqualTo(2);
  }

  @Test
  void portZeroMeansAnyFreePort() {
    assertThat(parse("-p", "0").config().port()).isZero();
  }

  @ParameterizedTest
  @CsvSource({
      "1024, 1024",
      "1k, 1024",
      "1K, 1024",
      "512k, 524288",
      "1m, 1048576",
      "2M, 2097152",
      "5000, 5000",
      "32m, 33554432"})
  void itemSizeTakesBytesAndSuffixes(String value, int bytes) {
    assertThat(parse("-I", value).config().maxItemSize()).isEqualTo(bytes);
  }

  @Test
  void itemSizeBoundsAre1kAnd127m() {
    assertThat(parse("-m", "4096", "-I", "127m").config().maxItemSize()).isEqualTo(127 * 1024 * 1024);
    assertThatThrownBy(() -> parse("-m", "4096", "-I", "128m"))
        .hasMessageStartingWith("item size limit cannot be more than 127m here (-I)");
    assertThatThrownBy(() -> parse("-I", "1023")).hasMessage("item size limit must be at least 1k (-I 1023)");
    assertThatThrownBy(() -> parse("-m", "4096", "-I", "1025m"))
        .hasMessage("item size limit cannot be more than 1024m (-I 1025m)");
    assertThatThrownBy(() -> parse("-I", "99999999999999999999m"))
        .hasMessageStartingWith("item size limit is out of range");
    assertThatThrownBy(() -> parse("-I", "1g")).hasMessageContaining("number of bytes, optionally followed by k or m");
    assertThatThrownBy(() -> parse("-I", "-5")).hasMessageContaining("(-I -5)");
  }

  @Test
  void extendedOptionsAreParsed() {
    ServerConfig c = parse("-o", "idle_timeout=5,multiget_line_max=64k").config();
    assertThat(c.idleTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.maxMultigetLineLength()).isEqualTo(64 * 1024);
    ServerConfig repeated = parse("-o", "idle_timeout=5", "--extended", "multiget_line_max=4096",
        "-o", "idle_timeout=0").config();
    assertThat(repeated.idleTimeout()).as("the last value wins").isEqualTo(Duration.ZERO);
    assertThat(repeated.maxMultigetLineLength()).isEqualTo(4096);
    assertThat(parse("-o", "multiget_line_max=3M").config().maxMultigetLineLength()).isEqualTo(3 * 1024 * 1024);
    assertThat(parse("-o", "idle_timeout=7,").config().idleTimeout()).isEqualTo(Duration.ofSeconds(7));
  }

  @Test
  void transportIsChosenByName() {
    assertThat(parse().config().transport()).isEqualTo(ServerConfig.Transport.AUTO);
    for (ServerConfig.Transport t : ServerConfig.Transport.values()) {
      assertThat(parse("-o", "transport=" + t.optionName()).config().transport()).isEqualTo(t);
    }
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "idle_timeout=abc      | idle_timeout must be a number (-o idle_timeout=abc)",
      "idle_timeout=-1       | idle_timeout cannot be negative",
      "idle_timeout          | idle_timeout needs a value",
      "multiget_line_max=    | multiget_line_max needs a value",
      "multiget_line_max=1k  | multiget line limit cannot be smaller than the line limit",
      "multiget_line_max=3g  | multiget_line_max must be a number of bytes",
      "multiget_line_max=4096m | multiget_line_max is out of range",
      "transport=kqueue      | transport must be auto, io_uring, epoll or nio (-o transport=kqueue)",
      "transport             | transport needs a value",
      "bogus=1               | unknown extended option 'bogus'",
      "ssl_engine=x          | unknown extended option 'ssl_engine'",
      "=5                    | unknown extended option ''"})
  void badExtendedOptionsAreRefused(String option, String message) {
    assertThatThrownBy(() -> parse("-o", option)).isInstanceOf(ConfigException.class).hasMessageContaining(message);
  }

  static Stream<Arguments> ignoredFlags() {
    return Stream.of(
        Arguments.of(List.of("-k"), "-k (--lock-memory)"),
        Arguments.of(List.of("--lock-memory"), "-k (--lock-memory)"),
        Arguments.of(List.of("-r"), "-r (--enable-coredumps)"),
        Arguments.of(List.of("--enable-coredumps"), "-r (--enable-coredumps)"),
        Arguments.of(List.of("-R", "40"), "-R (--max-reqs-per-event) 40"),
        Arguments.of(List.of("--max-reqs-per-event=1"), "-R (--max-reqs-per-event) 1"),
        Arguments.of(List.of("-f", "1.5"), "-f (--slab-growth-factor) 1.5"),
        Arguments.of(List.of("--slab-growth-factor", "2"), "-f (--slab-growth-factor) 2"),
        Arguments.of(List.of("-n", "96"), "-n (--slab-min-size) 96"),
        Arguments.of(List.of("--slab-min-size", "48"), "-n (--slab-min-size) 48"),
        Arguments.of(List.of("-L"), "-L (--enable-largepages)"),
        Arguments.of(List.of("--enable-largepages"), "-L (--enable-largepages)"),
        Arguments.of(List.of("-M"), "-M (--disable-evictions): not supported"),
        Arguments.of(List.of("--disable-evictions"), "-M (--disable-evictions): not supported"),
        Arguments.of(List.of("-X"), "-X (--disable-dumping)"),
        Arguments.of(List.of("-W"), "-W (--disable-watch)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("ignoredFlags")
  void ignoredFlagsWarnOnceAndKeepTheConfigValid(List<String> args, String warning) {
    ServeCommand.Settings s = parse(args.toArray(new String[0]));
    assertThat(s.config()).isEqualTo(ServerConfig.builder().build());
    assertThat(s.warnings()).singleElement().asString().startsWith("ignoring " + warning);
  }

  /**
   * Every key memcached 1.6's -o parser knows (memcached.c's and storage.c's subopts tables, 1.6.18 to 1.6.45),
   * written out here, not taken from the code under test.
   */
  static final List<String> MEMCACHED_EXTENDED_KEYS = List.of("maxconns_fast", "hashpower", "no_hashexpand",
      "slab_reassign", "slab_automove", "slab_automove_ratio", "slab_automove_window", "tail_repair_time",
      "hash_algorithm", "lru_crawler", "lru_crawler_sleep", "lru_crawler_tocrawl", "lru_maintainer", "hot_lru_pct",
      "warm_lru_pct", "hot_max_factor", "warm_max_factor", "temporary_ttl", "idle_timeout", "watcher_logbuf_size",
      "worker_logbuf_size", "slab_sizes", "slab_chunk_max", "track_sizes", "no_inline_ascii_resp", "modern",
      "no_modern", "no_chunked_items", "no_slab_reassign", "no_slab_automove", "no_maxconns_fast",
      "inline_ascii_resp", "no_lru_crawler", "no_lru_maintainer", "no_drop_privileges", "drop_privileges",
      "resp_obj_mem_limit", "read_buf_mem_limit", "ssl_chain_cert", "ssl_key", "ssl_verify_mode", "ssl_keyformat",
      "ssl_ciphers", "ssl_ca_cert", "ssl_wbuf_size", "ssl_session_cache", "ssl_kernel_tls", "ssl_min_version",
      "proxy_config", "proxy_arg", "proxy_uring", "proxy_memprofile", "relaxed_privileges", "sock_cookie_id",
      "ext_page_size", "ext_wbuf_size", "ext_threads", "ext_io_depth", "ext_path", "ext_item_size", "ext_item_age",
      "ext_low_ttl", "ext_recache_rate", "ext_compact_under", "ext_drop_under", "ext_max_sleep", "ext_max_frag",
      "ext_drop_unread", "slab_automove_freeratio");

  static List<String> meaninglessExtendedKeys() {
    return MEMCACHED_EXTENDED_KEYS.stream()
        .filter(k -> !ExtendedOptions.SUPPORTED.contains(k)).toList();
  }

  @ParameterizedTest(name = "-o {0}")
  @MethodSource("meaninglessExtendedKeys")
  void everyMemcachedExtendedKeyWithoutMeaningHereWarnsOnce(String key) {
    // alone, with a value and repeated in one -o: one warning, the config as without it
    ServeCommand.Settings s = parse("-o", key, "-o", key + "=1," + key, "-o", key + "=/mnt/d1/extstore:1G");
    assertThat(s.config()).isEqualTo(ServerConfig.builder().build());
    assertThat(s.warnings()).singleElement().asString().startsWith("ignoring -o " + key + ": ");
  }

  @Test
  void everyIgnoredExtendedKeyIsOneOfMemcacheds() {
    assertThat(MEMCACHED_EXTENDED_KEYS).containsAll(ExtendedOptions.IGNORED.keySet())
        .containsAll(ExtendedOptions.SUPPORTED.stream().filter(k -> !k.startsWith("udp_")
            && !k.equals("multiget_line_max") && !k.equals("transport")).toList());
    assertThat(meaninglessExtendedKeys()).hasSize(ExtendedOptions.IGNORED.size());
  }

  @Test
  void aTypicalMemcachedServiceLineIsAccepted() {
    // Debian's /etc/memcached.conf, as its init script passes it, plus the usual -o of container images
    ServeCommand.Settings s = parse("-m", "64", "-p", "11211", "-u", "memcache", "-l", "127.0.0.1",
        "-P", "/var/run/memcached/memcached.pid", "-o", "modern,no_lru_crawler,idle_timeout=600");
    assertThat(s.config().port()).isEqualTo(11211);
    assertThat(s.config().listen()).containsExactly(new InetSocketAddress("127.0.0.1", 0));
    assertThat(s.config().idleTimeout()).isEqualTo(Duration.ofMinutes(10));
    assertThat(s.user()).isEqualTo("memcache");
    assertThat(s.pidFile()).isEqualTo(Path.of("/var/run/memcached/memcached.pid"));
    assertThat(s.warnings()).extracting(w -> w.substring(0, w.indexOf(':'))).containsExactly(
        "ignoring -o modern", "ignoring -o no_lru_crawler");
  }

  @Test
  void nonLoopbackListenerNeedsTheExplicitOptIn() {
    assertThatThrownBy(() -> parse("-l", "0.0.0.0"))
        .hasMessageStartingWith(ServerConfig.UNSAFE_BIND_PREFIX)
        .hasMessageContaining("-l 127.0.0.1,::1")
        .hasMessageContaining("--allow-unauthenticated-network");
    assertThatThrownBy(() -> parse("-l", "127.0.0.1,cache.example")).hasMessageContaining("192.0.2.10");
    ServerConfig c = parse("-l", "0.0.0.0", "--allow-unauthenticated-network").config();
    assertThat(c.listen()).containsExactly(new InetSocketAddress("0.0.0.0", 0));
    assertThat(c.allowUnauthenticatedNetwork()).isTrue();
    assertThat(c.loopbackOnly()).isFalse();
  }

  @Test
  void udpPolicyFlags() {
    ServerConfig c = parse("-U", "11211", "--udp-allow", "10.0.0.0/8,::1", "--udp-allow", "192.168.1.7",
        "--udp-max-amplification", "0.5", "--udp-writes",
        "-o", "udp_source_pps=10,udp_source_bps=1k", "-o", "udp_global_pps=100,udp_global_bps=1m").config();
    assertThat(c.udpPort()).isEqualTo(11211);
    ServerConfig.UdpPolicy udp = c.udp();
    assertThat(udp.allow()).extracting(Object::toString)
        .containsExactly("10.0.0.0/8", "::1/128", "192.168.1.7/32");
    assertThat(udp.maxAmplification()).isEqualTo(0.5);
    assertThat(udp.writes()).isTrue();
    assertThat(udp.sourcePacketsPerSecond()).isEqualTo(10);
    assertThat(udp.sourceBytesPerSecond()).isEqualTo(1024);
    assertThat(udp.globalPacketsPerSecond()).isEqualTo(100);
    assertThat(udp.globalBytesPerSecond()).isEqualTo(1024 * 1024);
    assertThat(parse("-U", "11211").config().udp()).as("safe defaults").isEqualTo(ServerConfig.UdpPolicy.DEFAULT);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "-U 70000                          | UDP port must be between 0 and 65535 (-U 70000)",
      "--udp-allow fooble                | 'fooble' is not an IP address block",
      "--udp-allow 10.0.0.0/33           | '10.0.0.0/33' has a prefix length outside 0..32",
      "--udp-max-amplification abc       | UDP amplification bound must be a number",
      "--udp-max-amplification 0         | UDP amplification bound must be more than 0",
      "-o udp_source_pps=0               | udp_source_pps is out of range",
      "-o udp_source_pps=100,udp_global_pps=10 | the global one at least the per-source one"})
  void badUdpSettingsStopStartUp(String args, String message) {
    assertThatThrownBy(() -> parse(args.trim().split(" +"))).hasMessageContaining(message.trim());
  }

  @Test
  void memoryLimitIsInMegabytes() {
    assertThat(parse("-m", "1", "-I", "512k").config().memoryLimitBytes()).isEqualTo(MIB);
    assertThatThrownBy(() -> parse("-m", "0")).hasMessageContaining("at least 1 megabyte");
    assertThatThrownBy(() -> parse("-m", "9223372036854775807")).hasMessageStartingWith("memory limit is out of range");
    assertThat(parse("-m", "100m").config().memoryLimitBytes()).as("memcached's atoi reads 100m as 100")
        .isEqualTo(100 * MIB);
    assertThat(parse("-m", "100M").config().memoryLimitBytes()).isEqualTo(100 * MIB);
    for (String bad : List.of("1g", "2048k", "abc", "m", "-5", "1.5")) {
      assertThatThrownBy(() -> parse("-m", bad)).as(bad)
          .hasMessage("memory limit must be a number of megabytes (-m " + bad + ")");
    }
  }

  @Test
  void unknownFlagsAreRefusedWithTheirName() {
    assertThatThrownBy(() -> parse("-s")).isInstanceOf(ConfigException.class).hasMessageContaining("'-s'");
    assertThatThrownBy(() -> parse("--unix-socket")).hasMessageContaining("'--unix-socket'");
  }

  @Test
  void memoryFileIsMemcachedsDashE() {
    assertThat(parse("-e", "/dev/shm/cache").config().memoryFile()).isEqualTo(java.nio.file.Path.of("/dev/shm/cache"));
    assertThat(parse().config().memoryFile()).isNull();
    assertThatThrownBy(() -> parse("-e", " ")).hasMessage("memory file name is empty (-e)");
  }

  @Test
  void listenBacklogIsSet() {
    assertThat(parse().config().compat().backlog()).isEqualTo(1024);
    assertThat(parse("-b", "64").config().compat().backlog()).isEqualTo(64);
    assertThat(parse("--listen-backlog", "4096").config().compat().backlog()).isEqualTo(4096);
    assertThat(parse("-b", "64").warnings()).isEmpty();
    assertThatThrownBy(() -> parse("-b", "0")).hasMessage("listen backlog must be at least 1 (-b 0)");
    assertThatThrownBy(() -> parse("-b", "x")).hasMessage("listen backlog must be a number (-b x)");
  }

  @Test
  void disableCasTurnsCasOff() {
    assertThat(parse().config().compat().casEnabled()).isTrue();
    assertThat(parse("-C").config().compat().casEnabled()).isFalse();
    assertThat(parse("--disable-cas").config().compat().casEnabled()).isFalse();
    assertThat(parse("-C").warnings()).isEmpty();
  }

  @Test
  void prefixDelimiterTurnsStatsDetailOn() {
    ServerConfig.Compat plain = parse().config().compat();
    assertThat(plain.prefixDelimiter()).isEqualTo(':');
    assertThat(plain.detailEnabled()).isFalse();
    ServeCommand.Settings s = parse("-D", "/");
    assertThat(s.config().compat().prefixDelimiter()).isEqualTo('/');
    assertThat(s.config().compat().detailEnabled()).as("memcached's -D also turns detail on").isTrue();
    assertThat(s.warnings()).isEmpty();
    ServeCommand.Settings longer = parse("-D", "#x");
    assertThat(longer.config().compat().prefixDelimiter()).isEqualTo('#');
    assertThat(longer.warnings()).singleElement().asString().contains("only the first character, '#'");
    assertThatThrownBy(() -> parse("-D", "")).hasMessage("no delimiter specified (-D)");
    assertThatThrownBy(() -> parse("-D", "\u00e9")).hasMessageContaining("one ASCII character");
  }
}
