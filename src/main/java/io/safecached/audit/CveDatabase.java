package io.safecached.audit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The known memcached CVEs, loaded from {@code memcached-cves.csv} next to this class, and the lookup of the
 * rows whose affected range contains a version. A version that names safecached is never matched: these are
 * memcached's flaws, not ours.
 */
public final class CveDatabase {
  /** The resource holding the bundled data. */
  public static final String RESOURCE = "memcached-cves.csv";
  private static final List<String> HEADER = List.of("cve", "affected", "fixed", "feature", "summary", "source");

  private final List<Cve> entries;

  private CveDatabase(List<Cve> entries) {
    this.entries = List.copyOf(entries);
  }

  /** The data bundled with safecached. */
  public static CveDatabase bundled() {
    InputStream in = CveDatabase.class.getResourceAsStream(RESOURCE);
    if (in == null) {
      throw new IllegalStateException("missing resource " + RESOURCE);
    }
    try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
      return read(r);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads the CSV layout ({@code #} comment lines, one header line, one row per CVE). */
  public static CveDatabase read(Reader reader) throws IOException {
    BufferedReader r = new BufferedReader(reader);
    List<Cve> out = new ArrayList<>();
    boolean header = false;
    String line;
    int n = 0;
    while ((line = r.readLine()) != null) {
      n++;
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      List<String> f = Csv.split(line);
      if (!header) {
        if (!f.equals(HEADER)) {
          throw new IOException("line " + n + ": expected header " + HEADER);
        }
        header = true;
        continue;
      }
      if (f.size() != HEADER.size()) {
        throw new IOException("line " + n + ": expected " + HEADER.size() + " fields, got " + f.size());
      }
      try {
        out.add(new Cve(f.get(0), VersionRange.parse(f.get(1)), f.get(2), f.get(3), f.get(4), f.get(5)));
      } catch (IllegalArgumentException e) {
        throw new IOException("line " + n + ": " + e.getMessage(), e);
      }
    }
    return new CveDatabase(out);
  }

  /** Every row, in file order. */
  public List<Cve> entries() {
    return entries;
  }

  /** True when a reported version string is safecached's (it carries the word {@code safecached}). */
  public static boolean isSafecached(String versionText) {
    return versionText != null && versionText.toLowerCase(Locale.ROOT).contains("safecached");
  }

  /** The rows whose affected range contains the reported version; none for safecached or an unparsable one. */
  public List<Cve> inAffectedRange(String versionText) {
    if (isSafecached(versionText)) {
      return List.of();
    }
    Optional<Version> v = Version.parse(versionText);
    if (v.isEmpty()) {
      return List.of();
    }
    return entries.stream().filter(c -> c.affected().contains(v.get())).toList();
  }

  /** The highest "fixed" release among {@code cves}, or empty when none names one. */
  public static Optional<Version> highestFix(List<Cve> cves) {
    return cves.stream().map(Cve::fixed).filter(s -> !s.isBlank()).map(Version::of)
        .max(Version::compareTo);
  }
}
