package io.safecached.differential;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The differences from memcached 1.6.18 the differential fuzzer may meet, read from the one place they are
 * listed: the table between {@value #BEGIN} and {@value #END} in docs/compatibility.md. Each row is
 * {@code | name | request (regex) | replies (regex) | reason |}; a divergence is known when the request that
 * diverged (script notation, keys without prefix) contains a match of the request pattern and its kind
 * ({@code verb: memcached's tokens | safecached's tokens}) a match of the replies pattern. Inside a pattern
 * {@code \|} is the regex alternation (a bare bar would end the cell) and {@code [|]} a literal bar.
 */
final class KnownDifferences {
  static final String BEGIN = "<!-- fuzz-known: begin -->";
  static final String END = "<!-- fuzz-known: end -->";

  /** One row of the table. */
  record Known(String name, Pattern request, Pattern replies, String reason) {
    boolean matches(DifferentialFuzzer.Divergence d) {
      return request.matcher(d.sent()).find() && replies.matcher(d.kind()).find();
    }
  }

  private KnownDifferences() {}

  /** docs/compatibility.md, found from the working directory (the project root under Maven) or its parents. */
  static Path document() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      Path p = dir.resolve("docs").resolve("compatibility.md");
      if (Files.isRegularFile(p)) {
        return p;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException("docs/compatibility.md not found above " + Path.of("").toAbsolutePath());
  }

  /** The rows of the table in {@code markdown}. */
  static List<Known> parse(String markdown) {
    int from = markdown.indexOf(BEGIN);
    int to = markdown.indexOf(END);
    if (from < 0 || to < from) {
      throw new IllegalArgumentException("no " + BEGIN + " ... " + END + " table");
    }
    List<Known> out = new ArrayList<>();
    for (String line : markdown.substring(from + BEGIN.length(), to).split("\n")) {
      String l = line.strip();
      if (!l.startsWith("|") || l.startsWith("|---") || l.startsWith("| name ")) {
        continue;
      }
      List<String> cells = cells(l);
      if (cells.size() != 4 || cells.get(0).isEmpty() || cells.get(3).isEmpty()) {
        throw new IllegalArgumentException("a known difference needs name, request, replies and reason: " + l);
      }
      out.add(new Known(cells.get(0), Pattern.compile(code(cells.get(1))), Pattern.compile(code(cells.get(2))),
          cells.get(3)));
    }
    return out;
  }

  static List<Known> load() throws IOException {
    return parse(Files.readString(document(), StandardCharsets.UTF_8));
  }

  /** The cells of a table row; {@code \|} is a bar inside a cell. */
  private static List<String> cells(String row) {
    List<String> cells = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    for (int i = 1; i < row.length(); i++) {
      char c = row.charAt(i);
      if (c == '\\' && i + 1 < row.length() && row.charAt(i + 1) == '|') {
        cell.append('|');
        i++;
      } else if (c == '|') {
        cells.add(cell.toString().strip());
        cell.setLength(0);
      } else {
        cell.append(c);
      }
    }
    return cells;
  }

  /** A pattern cell without its backquotes. */
  private static String code(String cell) {
    return cell.length() >= 2 && cell.startsWith("`") && cell.endsWith("`") ? cell.substring(1, cell.length() - 1)
        : cell;
  }
}
