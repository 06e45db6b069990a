package io.safecached.cli;

import io.safecached.config.Cidr;
import io.safecached.config.ConfigException;
import io.safecached.config.ServerConfig;
import io.safecached.security.tls.TlsSettings;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * {@code safecached serve}: memcached's flags, with the same meaning, turned into a validated
 * {@link ServerConfig}, then handed to a {@link Runner} that runs the server.
 *
 * <p>Every value is taken as a string and parsed here (see {@link Values}, {@link ListenAddresses},
 * {@link ExtendedOptions}) so that each error is one line naming the setting and the flag as typed. Flags that
 * mean nothing on the JVM are accepted with one warning each, so existing service files keep working; nothing
 * is ignored silently. {@link #parse} is the same path without a server, for tests.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
    sortOptions = false, usageHelpAutoWidth = false,
    synopsisHeading = "Usage: ", descriptionHeading = "%n", optionListHeading = "%nOptions:%n",
    description = {
        "Runs the cache server; takes memcached's flags, with the same meaning.",
        "By default it listens on 127.0.0.1 and ::1 only, port 11211, with no UDP and the 'shutdown'",
        "command disabled."})
final class ServeCommand implements Callable<Integer> {
  /** What runs the server once the flags are valid; returns the exit code. */
  @FunctionalInterface
  interface Runner {
    int run(ServerConfig config, PrintWriter err);

    /** Runs with the process settings too (user, pid file, log file); those without them ignore them. */
    default int run(Settings settings, PrintWriter err) {
      return run(settings.config(), err);
    }
  }

  /**
   * The outcome of parsing {@code serve}'s flags: the config, the warnings for ignored flags, in order, and what
   * concerns the process rather than the server: {@code -u} (null when not given), {@code -P} and
   * {@code --log-file} (null when not given).
   */
  record Settings(ServerConfig config, List<String> warnings, String user, Path pidFile, Path logFile) {
    Settings {
      warnings = List.copyOf(warnings);
    }

    Settings(ServerConfig config, List<String> warnings) {
      this(config, warnings, null, null, null);
    }
  }

  private static final long MIB = 1024L * 1024;

  private final Runner runner;
  private final ListenAddresses addresses;
  private CommandSpec spec;
  /** The warnings about lines of the {@code --config} file that were skipped. */
  private List<String> fileWarnings = List.of();

  @Option(names = {"-p", "--port"}, paramLabel = "<num>",
      description = "TCP port to listen on (default: 11211; 0 picks any free port)")
  String port;

  @Option(names = {"-l", "--listen"}, paramLabel = "<addr>",
      description = "addresses to listen on: comma list of host, host:port or [v6]:port (default: 127.0.0.1,::1)")
  List<String> listen = new ArrayList<>();

  @Option(names = {"-U", "--udp-port"}, paramLabel = "<num>",
      description = "UDP port (default: 0, off); see the --udp-* flags for what untrusted sources get")
  String udpPort;

  @Option(names = "--udp-allow", paramLabel = "<cidr>",
      description = "sources that get full UDP replies: comma list of address blocks (default: 127.0.0.1/32,::1/128)")
  List<String> udpAllow = new ArrayList<>();

  @Option(names = "--udp-max-amplification", paramLabel = "<ratio>",
      description = "most reply bytes an untrusted UDP source gets per byte it sent (default: 1.0)")
  String udpMaxAmplification;

  @Option(names = "--udp-writes",
      description = "let untrusted UDP sources run storage and admin commands (default: refused)")
  boolean udpWrites;

  @Option(names = {"-B", "--protocol"}, paramLabel = "<proto>",
      description = "protocols on TCP: auto (binary if the first byte is 0x80, else text), ascii or binary "
          + "(default: auto)")
  String protocol;

  @Option(names = {"-m", "--memory-limit"}, paramLabel = "<num>",
      description = "item memory in megabytes (default: 64; an m suffix is allowed)")
  String memoryLimit;

  @Option(names = {"-e", "--memory-file"}, paramLabel = "<file>",
      description = "keep the items' memory in this file, for a warm restart after a clean stop (memcached's -e)")
  String memoryFile;

  @Option(names = {"-c", "--conn-limit"}, paramLabel = "<num>",
      description = "max simultaneous connections (default: 1024)")
  String connLimit;

  @Option(names = {"-t", "--threads"}, paramLabel = "<num>",
      description = "number of network threads (default: 4)")
  String threads;

  @Option(names = {"-I", "--max-item-size"}, paramLabel = "<size>",
      description = "largest item: bytes, or with a k or m suffix (default: 1m, min: 1k, max: 1024m)")
  String maxItemSize;

  @Option(names = {"-v", "--verbose"},
      description = "log more: -v adds debug lines, -vv everything (repeatable)")
  boolean[] verbose = new boolean[0];

  @Option(names = {"-A", "--enable-shutdown"},
      description = "enable the 'shutdown' command (off: any client could stop the server)")
  boolean enableShutdown;

  @Option(names = {"-F", "--disable-flush-all"},
      description = "refuse the 'flush_all' command")
  boolean disableFlushAll;

  @Option(names = {"-b", "--listen-backlog"}, paramLabel = "<num>",
      description = "listen backlog: connections the kernel queues before accept (default: 1024)")
  String backlog;

  @Option(names = {"-C", "--disable-cas"},
      description = "no CAS values: gets and meta show cas 0, cas commands fail (as memcached's -C)")
  boolean disableCas;

  @Option(names = {"-D"}, paramLabel = "<char>",
      description = "key prefix delimiter of 'stats detail' (default: ':'); also turns those counters on")
  String prefixDelimiter;

  @Option(names = {"-o", "--extended"}, paramLabel = "<key=value,...>",
      description = "extended options, comma separated, repeatable: see the list below")
  List<String> extended = new ArrayList<>();

  @Option(names = "--allow-unauthenticated-network",
      description = "allow listening on non-loopback addresses without authentication")
  boolean allowUnauthenticatedNetwork;

  @Option(names = {"-Y", "--auth-file"}, paramLabel = "<file>",
      description = "users file (user:password or user:<hash from 'safecached passwd'); every connection must "
          + "log in, on every protocol")
  String authFile;

  @Option(names = {"-S", "--enable-sasl"},
      description = "memcached's SASL flag: with -Y, binary clients log in with SASL PLAIN (always offered with -Y)")
  boolean enableSasl;

  @Option(names = {"-Z", "--enable-ssl"},
      description = "TLS on every TCP listener but notls: ones; see -o ssl_* below")
  boolean enableSsl;

  @Option(names = "--allow", paramLabel = "<cidr>",
      description = "only these sources may connect (comma separated, repeatable); others are closed at accept")
  List<String> allow = new ArrayList<>();

  @Option(names = "--admin-users", paramLabel = "<user>",
      description = "only these users may run flush_all, shutdown, cache_memlimit, verbosity, stats reset, "
          + "stats conns and stats detail (comma separated; default: every user)")
  List<String> adminUsers = new ArrayList<>();

  @Option(names = {"-u", "--user"}, paramLabel = "<user>",
      description = "as root: serve as this user (bin/safecached switches with setpriv); -u root runs as root. "
          + "Without it, root is refused")
  String user;

  @Option(names = {"-P", "--pidfile"}, paramLabel = "<file>",
      description = "write the process id here once listening; removed on a clean stop")
  String pidFile;

  @Option(names = "--config", paramLabel = "<file>",
      description = "read flags from a file in Debian's memcached.conf format (one flag per line, # comments, "
          + "'logfile <file>'); flags on the command line win")
  String configFile;

  @Option(names = "--log-file", paramLabel = "<file>",
      description = "log to this file instead of stderr (appended; reopened on SIGHUP)")
  String logFile;

  @Option(names = {"-d", "--daemon"},
      description = "refused: safecached stays in the foreground; run it under systemd or another service "
          + "manager (a --config file's -d line is skipped)")
  boolean daemon;

  @Option(names = "--metrics", paramLabel = "<host:port>",
      description = "serve Prometheus metrics at http://<host:port>/metrics (off by default; a non-loopback "
          + "address needs -Y, and scrapers then log in with HTTP basic auth; https with -Z)")
  String metrics;

  @ArgGroup(validate = false, exclusive = false,
      heading = "%nAccepted for compatibility with memcached's service files, ignored with a warning:%n")
  Ignored ignored = new Ignored();

  ServeCommand(Runner runner, ListenAddresses addresses) {
    this.runner = runner;
    this.addresses = addresses;
  }

  @Spec
  void spec(CommandSpec spec) {
    this.spec = spec;
    spec.usageMessage().footer(footer());
  }

  @Override
  public Integer call() {
    Settings settings;
    try {
      settings = withConfigFile(spec.commandLine().getParseResult()).settings();
    } catch (ConfigException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    PrintWriter err = spec.commandLine().getErr();
    for (String w : settings.warnings()) {
      err.println("safecached: warning: " + w);
    }
    err.flush();
    return runner.run(settings, err);
  }

  /**
   * This command with the flags of its {@code --config} file added under those given on the command line
   * ({@code commandLine}): a flag given on both keeps the command line's value, as with memcached's getopt where
   * the last one wins; {@code -o} options add up (a key given on both keeps the command line's value). Itself when
   * there is no config file. Throws {@link ConfigException} naming the file and line of a bad flag.
   */
  ServeCommand withConfigFile(ParseResult commandLine) {
    if (configFile == null) {
      return this;
    }
    if (configFile.isBlank()) {
      throw new ConfigException("config file name is empty (--config)");
    }
    ConfigFile file = ConfigFile.read(Path.of(configFile));
    List<String> args = new ArrayList<>();
    for (ConfigFile.Line line : file.lines()) {
      ServeCommand probe = new ServeCommand(runner, addresses);
      ParseResult parsed;
      try {
        parsed = Main.configure(new CommandLine(probe)).parseArgs(line.words().toArray(new String[0]));
      } catch (ParameterException e) {
        throw new ConfigException(file.path() + " line " + line.number() + ": " + Main.oneLine(e.getMessage()));
      }
      Set<OptionSpec> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
      for (OptionSpec o : parsed.matchedOptions()) {
        if (!seen.add(o)) {
          continue;
        }
        String name = o.longestName();
        if (name.equals("--config")) {
          throw new ConfigException(file.path() + " line " + line.number() + ": a config file cannot name "
              + "another one (--config)");
        }
        if (name.equals("--extended") || !commandLine.hasMatchedOption(name)) {
          args.addAll(words(o));
        }
      }
    }
    args.addAll(commandLine.expandedArgs());
    ServeCommand merged = new ServeCommand(runner, addresses);
    CommandLine cl = Main.configure(new CommandLine(merged));
    try {
      cl.parseArgs(args.toArray(new String[0]));
    } catch (ParameterException e) {
      throw new ConfigException(Main.oneLine(e.getMessage()));
    }
    merged.configFile = null;
    merged.fileWarnings = file.warnings();
    return merged;
  }

  /** The option {@code o} as parsed from one config line, back as command-line words in long form. */
  private static List<String> words(OptionSpec o) {
    List<String> out = new ArrayList<>();
    String name = o.longestName();
    if (o.arity().max() == 0) {
      Object value = o.getValue();
      int times = value instanceof boolean[] flags ? flags.length : Boolean.TRUE.equals(value) ? 1 : 0;
      for (int i = 0; i < times; i++) {
        out.add(name);
      }
    } else {
      for (String v : o.originalStringValues()) {
        out.add(name + "=" + v);
      }
    }
    return out;
  }

  /**
   * The pure part of {@code serve}: {@code args} (the flags after {@code serve}) to a validated config and its
   * warnings. Throws {@link ConfigException} with the one-line message the command line would print.
   */
  static Settings parse(ListenAddresses.HostResolver resolver, String... args) {
    ServeCommand cmd = new ServeCommand((c, e) -> {
      throw new IllegalStateException("parse() never runs a server");
    }, new ListenAddresses(resolver, ListenAddresses.DEFAULT_LOOKUP_TIMEOUT));
    CommandLine cl = Main.configure(new CommandLine(cmd));
    ParseResult parsed;
    try {
      parsed = cl.parseArgs(args);
    } catch (ParameterException e) {
      throw new ConfigException(Main.oneLine(e.getMessage()));
    }
    return cmd.withConfigFile(parsed).settings();
  }

  /** Builds the config from the parsed flags; throws {@link ConfigException} for the first problem found. */
  Settings settings() {
    if (daemon) {
      throw new ConfigException("-d (--daemon) is not supported: safecached stays in the foreground; run it under "
          + "systemd (the package's safecached.service) or another service manager, which keeps it in the "
          + "background (a --config file's -d line is skipped, as Debian's start-memcached does)");
    }
    List<String> warnings = new ArrayList<>(fileWarnings);
    ServerConfig.Builder b = ServerConfig.builder();
    ListenAddresses.Parsed parsedListen = null;
    if (!listen.isEmpty()) {
      parsedListen = addresses.parseAll(listen);
      b.listen(parsedListen.addresses());
    }
    if (port != null) {
      b.port(Values.integer("port", "-p", port));
    }
    if (udpPort != null) {
      b.udpPort(Values.integer("UDP port", "-U", udpPort));
    }
    ServerConfig.UdpPolicy udp = ServerConfig.UdpPolicy.DEFAULT.withWrites(udpWrites);
    if (!udpAllow.isEmpty()) {
      List<Cidr> blocks = new ArrayList<>();
      for (String item : items(udpAllow)) {
        blocks.add(Cidr.parse(item));
      }
      udp = udp.withAllow(blocks);
    }
    if (udpMaxAmplification != null) {
      try {
        udp = udp.withMaxAmplification(Double.parseDouble(udpMaxAmplification.strip()));
      } catch (NumberFormatException e) {
        throw new ConfigException("UDP amplification bound must be a number (--udp-max-amplification "
            + udpMaxAmplification + ")");
      }
    }
    b.udp(udp);
    if (protocol != null) {
      b.protocol(protocol(protocol));
    }
    if (memoryLimit != null) {
      // memcached reads -m with atoi, so "-m 100m" in a service file means 100 MB there too
      String digits = memoryLimit.strip().replaceFirst("(?<=\\d)[mM]$", "");
      if (!digits.matches("\\d+")) {
        throw new ConfigException("memory limit must be a number of megabytes (-m " + memoryLimit + ")");
      }
      long mb = Values.number("memory limit", "-m", digits);
      if (mb > Long.MAX_VALUE / MIB) {
        throw new ConfigException("memory limit is out of range (-m " + memoryLimit + ")");
      }
      b.memoryLimitBytes(mb * MIB);
    }
    if (memoryFile != null) {
      if (memoryFile.isBlank()) {
        throw new ConfigException("memory file name is empty (-e)");
      }
      b.memoryFile(Path.of(memoryFile));
    }
    if (connLimit != null) {
      b.maxConnections(Values.integer("connection limit", "-c", connLimit));
    }
    if (threads != null) {
      b.threads(Values.integer("threads", "-t", threads));
    }
    if (maxItemSize != null) {
      long size = Values.size("item size limit", "-I", maxItemSize);
      if (size < ServerConfig.MIN_ITEM_SIZE) {
        throw new ConfigException("item size limit must be at least 1k (-I " + maxItemSize + ")");
      }
      if (size > ServerConfig.MAX_ITEM_SIZE) {
        throw new ConfigException("item size limit cannot be more than 1024m (-I " + maxItemSize + ")");
      }
      b.maxItemSize((int) size);
    }
    b.verbosity(verbose.length);
    if (backlog != null) {
      b.backlog(Values.integer("listen backlog", "-b", backlog));
    }
    b.casEnabled(!disableCas);
    if (prefixDelimiter != null) {
      b.prefixDelimiter(delimiter(prefixDelimiter, warnings));
    }
    b.shutdownEnabled(enableShutdown);
    b.flushAllDisabled(disableFlushAll);
    b.allowUnauthenticatedNetwork(allowUnauthenticatedNetwork);
    if (ignored != null) {
      ignored.warnings(warnings);
    }
    Map<String, String> ssl = ExtendedOptions.apply(extended, b, udp, warnings);
    b.access(access());
    if (enableSsl) {
      b.tls(tls(ssl, parsedListen == null ? Set.of() : parsedListen.plaintext()));
    } else if (!ssl.isEmpty()) {
      warnings.add("ignoring -o " + String.join(",", ssl.keySet()) + ": TLS is off without -Z");
    }
    if (metrics != null) {
      b.metrics(metricsAddress(metrics));
    }
    return new Settings(b.build(), warnings, user, path("pid file", "-P", pidFile),
        path("log file", "--log-file", logFile));
  }

  private static Path path(String what, String flag, String value) {
    if (value == null) {
      return null;
    }
    if (value.isBlank()) {
      throw new ConfigException(what + " name is empty (" + flag + ")");
    }
    return Path.of(value);
  }

  /** {@code --metrics host:port} ({@code [v6]:port} for IPv6; port 0 picks a free one). */
  private InetSocketAddress metricsAddress(String value) {
    String v = value.strip();
    int colon = v.lastIndexOf(':');
    String host = colon < 0 ? "" : v.substring(0, colon);
    String port = colon < 0 ? "" : v.substring(colon + 1);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      host = ""; // a bare IPv6 literal: the port cannot be told apart
    }
    if (host.isEmpty() || !port.matches("\\d{1,5}") || Integer.parseInt(port) > 65535) {
      throw new ConfigException("metrics address must be <host>:<port> ([<IPv6>]:<port> for IPv6), port 0 to "
          + "65535 (--metrics " + value + ")");
    }
    List<InetSocketAddress> resolved;
    try {
      resolved = addresses.parse(List.of(host.contains(":") ? "[" + host + "]" : host));
    } catch (ConfigException e) {
      throw new ConfigException(e.getMessage().replace(" (-l)", "") + " (--metrics " + value + ")");
    }
    return new InetSocketAddress(resolved.get(0).getAddress(), Integer.parseInt(port));
  }

  private ServerConfig.Access access() {
    Path file = null;
    if (authFile != null) {
      if (authFile.isBlank()) {
        throw new ConfigException("users file name is empty (-Y)");
      }
      file = Path.of(authFile);
    }
    if (enableSasl && file == null) {
      throw new ConfigException("SASL (-S) needs a users file (-Y <file>)");
    }
    List<Cidr> blocks = new ArrayList<>();
    for (String item : items(allow)) {
      blocks.add(Cidr.parse(item.strip()));
    }
    Set<String> admins = new LinkedHashSet<>();
    for (String item : items(adminUsers)) {
      admins.add(item.strip());
    }
    if (!admins.isEmpty() && file == null) {
      throw new ConfigException("--admin-users needs a users file (-Y <file>)");
    }
    return new ServerConfig.Access(file, enableSasl, blocks, admins);
  }

  /** The non-blank items of a repeatable option whose values are comma lists, in order, as given. */
  private static List<String> items(List<String> values) {
    List<String> out = new ArrayList<>();
    for (String value : values) {
      for (String item : value.split(",")) {
        if (!item.isBlank()) {
          out.add(item);
        }
      }
    }
    return out;
  }

  /** memcached's -o ssl_* options, with TLS 1.2 as the lowest version unless told otherwise. */
  private static ServerConfig.Tls tls(Map<String, String> ssl, Set<InetSocketAddress> plaintext) {
    String chain = ssl.get("ssl_chain_cert");
    String key = ssl.get("ssl_key");
    if (chain == null || key == null) {
      throw new ConfigException(
          "TLS (-Z) needs a certificate chain and a key (-o ssl_chain_cert=<file>,ssl_key=<file>)");
    }
    int verify = 0;
    if (ssl.containsKey("ssl_verify_mode")) {
      verify = (int) Values.number("ssl_verify_mode", "-o ssl_verify_mode=", ssl.get("ssl_verify_mode"));
    }
    String min;
    try {
      min = TlsSettings.parseMinVersion(ssl.get("ssl_min_version")); // memcached's numbers 2, 3 or the names
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage() + " (-o ssl_min_version=" + ssl.get("ssl_min_version") + ")");
    }
    String ca = ssl.get("ssl_ca_cert");
    return new ServerConfig.Tls(Path.of(chain), Path.of(key), ca == null ? null : Path.of(ca), verify, min,
        ssl.get("ssl_ciphers"), plaintext);
  }

  /** memcached's -D: the first character of the value, which must be one ASCII character (a key byte). */
  private static char delimiter(String value, List<String> warnings) {
    if (value.isEmpty()) {
      throw new ConfigException("no delimiter specified (-D)");
    }
    char c = value.charAt(0);
    if (c > 0x7f) {
      throw new ConfigException("the stats detail delimiter must be one ASCII character (-D " + value + ")");
    }
    if (value.length() > 1) {
      warnings.add("-D " + value + ": only the first character, '" + c + "', is the delimiter (as memcached)");
    }
    return c;
  }

  /** memcached's -B values, spelled as memcached spells them. */
  private static ServerConfig.Protocol protocol(String value) {
    return switch (value.strip()) {
      case "auto" -> ServerConfig.Protocol.AUTO;
      case "ascii" -> ServerConfig.Protocol.ASCII;
      case "binary" -> ServerConfig.Protocol.BINARY;
      default -> throw new ConfigException("binding protocol must be auto, ascii or binary (-B " + value + ")");
    };
  }

  private static String[] footer() {
    List<String> lines = new ArrayList<>();
    lines.add("%nExtended options (-o):");
    lines.add("  idle_timeout=<seconds>       close connections idle this long (default: 0, never)");
    lines.add("  multiget_line_max=<bytes>    longest get/gets line, k or m suffix allowed (default: 2m)");
    lines.add("  udp_source_pps=<n>           UDP requests per second from one untrusted source (default: 50)");
    lines.add("  udp_source_bps=<bytes>       UDP reply bytes per second to one untrusted source (default: 32k)");
    lines.add("  udp_global_pps=<n>           UDP requests per second from all untrusted sources (default: 5000)");
    lines.add("  udp_global_bps=<bytes>       UDP reply bytes per second to all untrusted sources (default: 4m)");
    lines.add("  transport=<name>             auto (io_uring, else epoll, else nio), io_uring, epoll or nio");
    lines.add("  accepted and ignored with a warning (also with a no_ prefix):");
    StringBuilder line = new StringBuilder("   ");
    for (String key : ExtendedOptions.IGNORED.keySet().stream().sorted().toList()) {
      if (line.length() + key.length() > 90) {
        lines.add(line.toString());
        line = new StringBuilder("   ");
      }
      line.append(' ').append(key);
    }
    lines.add(line.toString());
    lines.add("%nSignals: SIGHUP reloads the users file and certificates and reopens the log file; SIGUSR1 stops");
    lines.add("gracefully (exit 0); SIGTERM stops (exit 143).");
    lines.add("Exit codes: 0 stopped, 64 invalid flag or value (or root without -u), 70 internal error, 71 cannot "
        + "listen.");
    lines.add("See docs/cli.md for details.");
    return lines.toArray(new String[0]);
  }

  /** memcached's flags that mean nothing on the JVM: accepted so that service files keep working, then warned. */
  static final class Ignored {
    @Option(names = {"-k", "--lock-memory"}, description = "lock paged memory (the JVM does not)")
    boolean lockMemory;

    @Option(names = {"-r", "--enable-coredumps"}, description = "raise the core file limit (left to the OS)")
    boolean coreDumps;

    @Option(names = {"-R", "--max-reqs-per-event"}, paramLabel = "<num>",
        description = "requests per event (no such limit here)")
    String maxReqsPerEvent;

    @Option(names = {"-f", "--slab-growth-factor"}, paramLabel = "<num>",
        description = "slab growth factor (no slabs here)")
    String slabGrowthFactor;

    @Option(names = {"-n", "--slab-min-size"}, paramLabel = "<bytes>",
        description = "smallest slab chunk (no slabs here)")
    String slabMinSize;

    @Option(names = {"-L", "--enable-largepages"}, description = "use large pages (see -XX:+UseLargePages)")
    boolean largePages;

    @Option(names = {"-M", "--disable-evictions"},
        description = "error instead of evicting (not supported: evicts)")
    boolean disableEvictions;

    @Option(names = {"-X", "--disable-dumping"}, description = "disable key dumps (no key is ever dumped here)")
    boolean disableDumping;

    @Option(names = {"-W", "--disable-watch"}, description = "disable 'watch' (never served here)")
    boolean disableWatch;

    void warnings(List<String> out) {
      if (lockMemory) {
        out.add("ignoring -k (--lock-memory): the JVM does not lock its memory");
      }
      if (coreDumps) {
        out.add("ignoring -r (--enable-coredumps): the core file limit is left to the OS (ulimit -c)");
      }
      if (maxReqsPerEvent != null) {
        out.add("ignoring -R (--max-reqs-per-event) " + maxReqsPerEvent + ": safecached has no such limit");
      }
      if (slabGrowthFactor != null) {
        out.add("ignoring -f (--slab-growth-factor) " + slabGrowthFactor + ": safecached has no slabs");
      }
      if (slabMinSize != null) {
        out.add("ignoring -n (--slab-min-size) " + slabMinSize + ": safecached has no slabs");
      }
      if (largePages) {
        out.add("ignoring -L (--enable-largepages): for large pages put -XX:+UseLargePages in "
            + "SAFECACHED_JAVA_OPTS");
      }
      if (disableEvictions) {
        out.add("ignoring -M (--disable-evictions): not supported; safecached evicts items when the memory "
            + "limit (-m) is reached");
      }
      if (disableDumping) {
        out.add("ignoring -X (--disable-dumping): safecached never dumps keys (stats cachedump answers every "
            + "class as empty; lru_crawler metadump is not served)");
      }
      if (disableWatch) {
        out.add("ignoring -W (--disable-watch): safecached has no 'watch' command");
      }
    }
  }
}
