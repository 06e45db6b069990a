package io.safecached.audit;

import java.util.Locale;

/** How serious a finding is, from informational to critical; ordered so that later constants are worse. */
public enum Severity {
  INFO, LOW, MEDIUM, HIGH, CRITICAL;

  /** The lower-case name used in every report format. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** True when this severity is at least {@code other}. */
  public boolean atLeast(Severity other) {
    return compareTo(other) >= 0;
  }

  /** Parses a label case-insensitively; throws IllegalArgumentException naming the valid values. */
  public static Severity parse(String s) {
    for (Severity v : values()) {
      if (v.name().equalsIgnoreCase(s.trim())) {
        return v;
      }
    }
    throw new IllegalArgumentException("unknown severity '" + s + "' (info, low, medium, high, critical)");
  }
}
