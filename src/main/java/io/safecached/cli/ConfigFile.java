package io.safecached.cli;

import io.safecached.config.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A {@code --config} file in Debian's memcached.conf format, read as Debian's start-memcached reads it: a
 * {@code #} starts a comment, blank lines are skipped, each other line holds flags as on the command line
 * ({@code -m 64}, {@code -l 127.0.0.1}), split on white space. {@code logfile FILE} becomes {@code --log-file
 * FILE}; {@code -d} and {@code -h} lines are skipped with one warning (start-memcached drops them too: the
 * service manager keeps the process in the background); any other line not starting with {@code -} is skipped
 * with one warning. So an existing /etc/memcached.conf works unchanged.
 */
final class ConfigFile {
  /** One line that holds flags: its number in the file and its words. */
  record Line(int number, List<String> words) {
    Line {
      words = List.copyOf(words);
    }
  }

  private final Path path;
  private final List<Line> lines;
  private final List<String> warnings;

  private ConfigFile(Path path, List<Line> lines, List<String> warnings) {
    this.path = path;
    this.lines = List.copyOf(lines);
    this.warnings = List.copyOf(warnings);
  }

  /** Reads {@code path}; throws {@link ConfigException} (one line naming the file) when it cannot be read. */
  static ConfigFile read(Path path) {
    List<String> text;
    try {
      text = Files.readAllLines(path, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException("cannot read the config file " + path + " (--config): " + Main.oneLine(
          e instanceof java.nio.file.NoSuchFileException ? "no such file" : String.valueOf(e.getMessage())));
    }
    return parse(path, text);
  }

  /** The lines of {@code text} (the file {@code path}) that hold flags, and the warnings for the others. */
  static ConfigFile parse(Path path, List<String> text) {
    List<Line> out = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    Set<String> warned = new LinkedHashSet<>();
    for (int i = 0; i < text.size(); i++) {
      String line = text.get(i);
      int hash = line.indexOf('#');
      String content = (hash < 0 ? line : line.substring(0, hash)).strip();
      if (content.isEmpty()) {
        continue;
      }
      List<String> words = List.of(content.split("\\s+"));
      String first = words.get(0);
      String where = path + " line " + (i + 1);
      if (first.equals("logfile") || first.equals("-logfile")) {
        if (words.size() != 2) {
          throw new ConfigException(where + ": logfile needs one file name (logfile /var/log/memcached.log)");
        }
        out.add(new Line(i + 1, List.of("--log-file", words.get(1))));
      } else if (first.equals("-d") || first.equals("--daemon") || first.equals("-h")) {
        if (warned.add(first)) {
          warnings.add("ignoring " + first + " in " + where + ": " + (first.equals("-h")
              ? "help is not printed from a config file"
              : "safecached stays in the foreground, as the service manager expects (Debian's "
                  + "start-memcached skips this line too)"));
        }
      } else if (!first.startsWith("-")) {
        if (warned.add(first)) {
          warnings.add("ignoring " + where + " ('" + content + "'): not a flag; lines hold flags such as "
              + "'-m 64', or 'logfile <file>'");
        }
      } else {
        out.add(new Line(i + 1, words));
      }
    }
    return new ConfigFile(path, out, warnings);
  }

  /** The file's name, as given. */
  Path path() {
    return path;
  }

  /** The lines that hold flags, in order. */
  List<Line> lines() {
    return lines;
  }

  /** One warning per kind of line skipped, in order. */
  List<String> warnings() {
    return warnings;
  }
}
