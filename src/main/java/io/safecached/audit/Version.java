package io.safecached.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A memcached version as reported by {@code version} or {@code stats}: dotted numbers, then an optional
 * pre-release tag ({@code 1.4.5-rc1}, {@code 1.5.0-beta}) that sorts before the release, then anything else
 * (distribution revisions such as {@code -1+deb12u1}, {@code -2ubuntu1}, or {@code -safecached-0.1.0}),
 * which is kept for display but ignored when comparing.
 */
public final class Version implements Comparable<Version> {
  private static final List<String> PRE_RELEASE = List.of("alpha", "beta", "pre", "rc");

  private final String text;
  private final int[] numbers;
  private final String preTag;
  private final int preNumber;

  private Version(String text, int[] numbers, String preTag, int preNumber) {
    this.text = text;
    this.numbers = numbers;
    this.preTag = preTag;
    this.preNumber = preNumber;
  }

  /** Parses a version string, or returns empty when it does not start with a number. */
  public static Optional<Version> parse(String raw) {
    if (raw == null) {
      return Optional.empty();
    }
    String s = raw.trim();
    int i = 0;
    List<Integer> nums = new ArrayList<>();
    while (i < s.length() && Character.isDigit(s.charAt(i))) {
      int start = i;
      while (i < s.length() && Character.isDigit(s.charAt(i))) {
        i++;
      }
      if (i - start > 9) {
        return Optional.empty();
      }
      nums.add(Integer.parseInt(s.substring(start, i)));
      if (i + 1 < s.length() && s.charAt(i) == '.' && Character.isDigit(s.charAt(i + 1))) {
        i++;
      } else {
        break;
      }
    }
    if (nums.isEmpty()) {
      return Optional.empty();
    }
    String rest = s.substring(i).toLowerCase(Locale.ROOT);
    String tag = null;
    int tagNumber = 0;
    String r = rest.startsWith("-") || rest.startsWith("_") || rest.startsWith("~") ? rest.substring(1) : rest;
    for (String p : PRE_RELEASE) {
      if (r.startsWith(p)) {
        int j = p.length();
        while (j < r.length() && (r.charAt(j) == '.' || r.charAt(j) == '-')) {
          j++;
        }
        int k = j;
        while (k < r.length() && Character.isDigit(r.charAt(k)) && k - j < 9) {
          k++;
        }
        tag = p;
        tagNumber = k > j ? Integer.parseInt(r.substring(j, k)) : 0;
        break;
      }
    }
    int[] arr = nums.stream().mapToInt(Integer::intValue).toArray();
    return Optional.of(new Version(s, arr, tag, tagNumber));
  }

  /** Parses a version that must be valid (for data files and tests). */
  public static Version of(String s) {
    return parse(s).orElseThrow(() -> new IllegalArgumentException("not a version: '" + s + "'"));
  }

  /** The text it was parsed from. */
  public String text() {
    return text;
  }

  /** True for {@code -rc}, {@code -beta} and similar builds. */
  public boolean preRelease() {
    return preTag != null;
  }

  @Override
  public int compareTo(Version o) {
    int n = Math.max(numbers.length, o.numbers.length);
    for (int i = 0; i < n; i++) {
      int a = i < numbers.length ? numbers[i] : 0;
      int b = i < o.numbers.length ? o.numbers[i] : 0;
      if (a != b) {
        return Integer.compare(a, b);
      }
    }
    if (preTag == null || o.preTag == null) {
      return preTag == null ? (o.preTag == null ? 0 : 1) : -1;
    }
    int t = Integer.compare(PRE_RELEASE.indexOf(preTag), PRE_RELEASE.indexOf(o.preTag));
    return t != 0 ? t : Integer.compare(preNumber, o.preNumber);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Version v && compareTo(v) == 0;
  }

  @Override
  public int hashCode() {
    int h = preTag == null ? 0 : preTag.hashCode() * 31 + preNumber;
    int last = numbers.length;
    while (last > 0 && numbers[last - 1] == 0) {
      last--;
    }
    for (int i = 0; i < last; i++) {
      h = h * 31 + numbers[i];
    }
    return h;
  }

  @Override
  public String toString() {
    return text;
  }
}
