package io.safecached.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code safecached version}: prints {@code safecached <version>}. */
@Command(name = "version", description = "Prints the version and exits.")
final class VersionCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().getOut().println("safecached " + Main.version());
    spec.commandLine().getOut().flush();
    return Main.EX_OK;
  }
}
