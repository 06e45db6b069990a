package io.safecached.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Entry point of the safecached command line: {@code safecached serve|audit|passwd|version}, with memcached's
 * exit codes.
 *
 * <p>The {@code cli} package is the only place that prints to the terminal or calls {@link System#exit}.
 * Errors in flags or values are one line on stderr, {@code safecached: <what is wrong>}, and exit code
 * {@value #EX_USAGE}; no stack trace, no usage dump. Subcommands are registered in {@link #subcommands}.
 */
public final class Main {
  /** Exit code: stopped normally, or help or version printed. */
  public static final int EX_OK = 0;
  /** Exit code (sysexits EX_USAGE): an unknown flag, a bad value or a setting refused by the config. */
  public static final int EX_USAGE = 64;
  /** Exit code (sysexits EX_SOFTWARE): an unexpected internal error. */
  public static final int EX_SOFTWARE = 70;
  /**
   * Exit code: out of memory (an OutOfMemoryError); the JVM's own code for {@code -XX:+ExitOnOutOfMemoryError},
   * which bin/safecached sets, and the one {@code serve} halts with when it sees such an error itself.
   */
  public static final int EX_FATAL = 3;
  /** Exit code (sysexits EX_OSERR, as memcached): a listener could not be bound. */
  public static final int EX_OSERR = 71;

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs the command line {@code args}, printing to {@code out} and {@code err}; returns the exit code. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    return run(args, out, err,
        new ServeCommand(new Serving(), new ListenAddresses(ListenAddresses.SYSTEM,
            ListenAddresses.DEFAULT_LOOKUP_TIMEOUT)));
  }

  /** {@link #run(String[], PrintStream, PrintStream)} with the {@code serve} command given (tests swap its parts). */
  static int run(String[] args, PrintStream out, PrintStream err, ServeCommand serve) {
    PrintWriter o = new PrintWriter(out, true);
    PrintWriter e = new PrintWriter(err, true);
    try {
      CommandLine cl = new CommandLine(new Top());
      for (Object sub : subcommands(serve)) {
        cl.addSubcommand(sub);
      }
      configure(cl); // after the subcommands, so that they get the same settings
      cl.setExpandAtFiles(expandAtFiles(cl, args));
      cl.setOut(o);
      cl.setErr(e);
      return cl.execute(args);
    } finally {
      o.flush();
      e.flush();
    }
  }

  /**
   * Every subcommand of {@code safecached}, in the order help lists them. A new subcommand (such as
   * {@code audit}) is registered here and nowhere else: each is a picocli {@code @Command} object.
   */
  private static List<Object> subcommands(ServeCommand serve) {
    return List.of(
        serve,
        new AuditCommand(),
        new PasswdCommand(),
        new VersionCommand());
  }

  /** The parser settings every safecached command shares: memcached-like flag handling and one-line errors. */
  static CommandLine configure(CommandLine cl) {
    cl.setOverwrittenOptionsAllowed(true); // like getopt: a repeated flag's last value wins
    cl.setUsageHelpWidth(100);
    cl.setUsageHelpLongOptionsMaxWidth(40);
    cl.setParameterExceptionHandler(Main::usageError);
    cl.setExecutionExceptionHandler(Main::internalError);
    return cl;
  }

  /**
   * Whether picocli may expand {@code @file} arguments: it does so for the whole line before it picks the
   * subcommand, and for {@code audit} an {@code @file} (also after {@code --exclude}) is a target file that only
   * the audit's own reader may read. So expansion stays on for the other subcommands only.
   */
  static boolean expandAtFiles(CommandLine cl, String[] args) {
    return args.length > 0 && !args[0].equals("audit") && cl.getSubcommands().containsKey(args[0]);
  }

  private static int usageError(ParameterException ex, String[] args) {
    CommandLine cl = ex.getCommandLine();
    String message = oneLine(ex.getMessage());
    if (ex instanceof UnmatchedArgumentException) {
      if (cl.getParent() != null) {
        message += " ('safecached " + cl.getCommandName() + " --help' lists every flag)";
      } else if (args.length > 0 && args[0].startsWith("-")) {
        message += "; server flags go after the command: safecached serve " + String.join(" ", args);
      }
    }
    cl.getErr().println("safecached: " + message);
    cl.getErr().flush();
    return cl.getCommand() instanceof AuditCommand ? AuditCommand.EXIT_USAGE : EX_USAGE;
  }

  private static int internalError(Exception ex, CommandLine cl, ParseResult parsed) {
    String message = ex.getMessage() == null ? ex.toString() : ex.getClass().getName() + ": " + ex.getMessage();
    cl.getErr().println("safecached: internal error: " + oneLine(message));
    cl.getErr().flush();
    return EX_SOFTWARE;
  }

  /** {@code s} with line breaks and the whitespace around them folded into single spaces. */
  static String oneLine(String s) {
    return s == null ? "" : s.strip().replaceAll("\\s*[\\r\\n]+\\s*", " ");
  }

  /** safecached's version: the jar manifest's Implementation-Version, or {@code dev} outside a jar. */
  static String version() {
    String v = Main.class.getPackage().getImplementationVersion();
    return v == null || v.isBlank() ? "dev" : v;
  }

  /** Supplies {@code -V} / {@code --version}: {@code safecached <version>}. */
  public static final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"safecached " + version()};
    }
  }

  /** The top command: holds the subcommands; run bare, it says how to start the server. */
  @Command(name = "safecached", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
      synopsisHeading = "Usage: ", descriptionHeading = "%n", commandListHeading = "%nCommands:%n",
      synopsisSubcommandLabel = "COMMAND",
      description = "A memcached-compatible cache server for the JVM that is safe by default.",
      footer = "%nRun 'safecached COMMAND --help' for a command's flags. See docs/cli.md.")
  static final class Top implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
      throw new ParameterException(spec.commandLine(),
          "missing command: 'safecached serve [flags]' starts the server, 'safecached --help' lists the commands");
    }
  }
}
