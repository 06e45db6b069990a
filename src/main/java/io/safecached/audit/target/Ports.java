package io.safecached.audit.target;

import io.safecached.audit.UsageException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Parses {@code --ports}: a comma-separated list of ports and {@code a-b} ranges. */
public final class Ports {
  private Ports() {}

  /** The ports in the order written, duplicates removed; throws UsageException on a bad entry. */
  public static List<Integer> parse(String spec) {
    Set<Integer> out = new LinkedHashSet<>();
    for (String part : spec.split(",")) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      int dash = p.indexOf('-');
      int lo = port(dash < 0 ? p : p.substring(0, dash), spec);
      int hi = dash < 0 ? lo : port(p.substring(dash + 1), spec);
      if (hi < lo) {
        throw new UsageException("bad port range '" + p + "' in --ports " + spec);
      }
      for (int i = lo; i <= hi; i++) {
        out.add(i);
      }
    }
    if (out.isEmpty()) {
      throw new UsageException("--ports needs at least one port");
    }
    return new ArrayList<>(out);
  }

  /** One port number 1..65535 in plain decimal (no sign, no leading zeros, ASCII digits only). */
  public static int port(String s, String context) {
    int v = IpLiteral.port(s.trim());
    if (v > 0) {
      return v;
    }
    throw new UsageException("bad port '" + s.trim() + "' in " + context + " (1-65535)");
  }
}
