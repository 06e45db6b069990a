package io.safecached.audit;

import java.util.ArrayList;
import java.util.List;

/**
 * A set of versions written as space-separated constraints that must all hold: {@code <1.4.17},
 * {@code >=1.6.0 <1.6.3}, {@code <=1.5.5}, {@code =1.6.9}.
 */
public final class VersionRange {
  private record Constraint(String op, Version v) {
    boolean test(Version x) {
      int c = x.compareTo(v);
      return switch (op) {
        case "<" -> c < 0;
        case "<=" -> c <= 0;
        case ">" -> c > 0;
        case ">=" -> c >= 0;
        default -> c == 0;
      };
    }
  }

  private final String text;
  private final List<Constraint> constraints;

  private VersionRange(String text, List<Constraint> constraints) {
    this.text = text;
    this.constraints = constraints;
  }

  /** Parses a range; throws IllegalArgumentException on a malformed constraint. */
  public static VersionRange parse(String text) {
    List<Constraint> cs = new ArrayList<>();
    for (String part : text.trim().split("\\s+")) {
      if (part.isEmpty()) {
        continue;
      }
      String op;
      if (part.startsWith("<=") || part.startsWith(">=")) {
        op = part.substring(0, 2);
      } else if (part.startsWith("<") || part.startsWith(">") || part.startsWith("=")) {
        op = part.substring(0, 1);
      } else {
        throw new IllegalArgumentException("version constraint needs <, <=, >, >= or =: '" + part + "'");
      }
      cs.add(new Constraint(op, Version.of(part.substring(op.length()))));
    }
    if (cs.isEmpty()) {
      throw new IllegalArgumentException("empty version range");
    }
    return new VersionRange(text.trim(), List.copyOf(cs));
  }

  /** True when {@code v} satisfies every constraint. */
  public boolean contains(Version v) {
    return constraints.stream().allMatch(c -> c.test(v));
  }

  @Override
  public String toString() {
    return text;
  }
}
