package io.safecached.differential;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The operations of the differential fuzzer: seeded random text, meta and binary requests over a small key
 * space, written as differential script lines (see {@link Script}) with the keys left as placeholders.
 *
 * <p>{@code {K:a}} is key {@code a}, {@code {B:a}} its base64 form (for meta's {@code b} flag); a run renders them
 * with a prefix of its own so that runs replaying on the same servers never see each other's items, and a
 * reproducer is printed with no prefix. CAS values come from earlier replies through {@code {cas:KEY}}. Values are
 * lowercase letters and digits only; TTLs are 0, -1 (expired at once) or at least 1,000 seconds, so no reply
 * depends on when it is sent (apart from the TTL left, which {@link DifferentialFuzzer} rounds). Requests that meet
 * a known difference (docs/compatibility.md) end a sequence early, so those are drawn rarely: the meta E flag,
 * md with C (which sends C0 while no CAS of the key was seen), me, and -1 TTLs for mg.
 */
final class FuzzOps {
  private FuzzOps() {}

  /** One request (one script step): script lines with key placeholders; {@code verb} names it in reports. */
  record Op(String verb, String lines) {
    /** The script lines with keys rendered under {@code prefix}. */
    String render(String prefix) {
      return FuzzOps.render(lines, prefix);
    }
  }

  private static final Pattern KEY = Pattern.compile("\\{([KB]):([a-z0-9]+)}");

  /** {@code text} with {@code {K:x}} replaced by prefix+x and {@code {B:x}} by the base64 of prefix+x. */
  static String render(String text, String prefix) {
    Matcher m = KEY.matcher(text);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String key = prefix + m.group(2);
      String r = m.group(1).equals("K") ? key
          : Base64.getEncoder().encodeToString(key.getBytes(StandardCharsets.US_ASCII));
      m.appendReplacement(sb, Matcher.quoteReplacement(r));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  private static final String[] KEYS = {"a", "b", "c", "h5"};
  /** The key names of the key space (before a prefix). */
  static List<String> keys() {
    return List.of(KEYS);
  }

  private static final String[] VALUES = {"1", "5", "42", "0", "x", "abc", "18446744073709551615",
      "18446744073709551614", "007", "12345678901234567890", "9", "z9"};
  private static final String[] FLAGS = {"0", "0", "1", "123", "4294967295"};
  private static final String[] TTLS = {"0", "0", "0", "-1", "1000", "100000"};
  /**
   * mg's T and N: -1 rarely, as 1.6.18 prints the TTL left of an item already expired as an unsigned underflow
   * (a known difference that ends the sequence).
   */
  private static final String[] META_TTLS = {"0", "0", "1000", "1000", "100000", "100000", "0", "1000", "100000",
      "-1"};
  private static final String[] DELTAS = {"1", "1", "5", "0", "18446744073709551615", "abc", "-1"};

  /** A sequence of {@code n} text and meta requests drawn from {@code random}. */
  static List<Op> textSequence(Random random, int n) {
    List<Op> ops = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      ops.add(textOp(random));
    }
    return ops;
  }

  /** A sequence of {@code n} binary requests drawn from {@code random}. */
  static List<Op> binarySequence(Random random, int n) {
    List<Op> ops = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      ops.add(binaryOp(random));
    }
    return ops;
  }

  private static String pick(Random r, String[] a) {
    return a[r.nextInt(a.length)];
  }

  private static String key(Random r) {
    return "{K:" + pick(r, KEYS) + "}";
  }

  /** A data block line: the value followed by CRLF ({@code \r\n\c} for an empty one, as blank lines are skipped). */
  private static String data(String value) {
    return value.isEmpty() ? "\\r\\n\\c" : value;
  }

  private static String value(Random r) {
    int k = r.nextInt(20);
    if (k == 0) {
      return "";
    }
    if (k == 1) {
      StringBuilder sb = new StringBuilder();
      int len = 1 + r.nextInt(40);
      for (int i = 0; i < len; i++) {
        sb.append((char) ('a' + r.nextInt(26)));
      }
      return sb.toString();
    }
    return pick(r, VALUES);
  }

  private static String cas(Random r, String key) {
    return switch (r.nextInt(6)) {
      case 0 -> "0";
      case 1 -> "999999";
      default -> "{cas:" + key + "}";
    };
  }

  /** A meta C token's value: as {@link #cas} without 0, which md reads otherwise than 1.6.18 (a known difference). */
  private static String metaCas(Random r, String key) {
    return r.nextInt(6) == 0 ? "999999" : "{cas:" + key + "}";
  }

  static Op textOp(Random r) {
    int k = r.nextInt(100);
    if (k < 14) {
      return storage(r);
    }
    if (k < 22) {
      return retrieval(r);
    }
    if (k < 28) {
      String verb = r.nextBoolean() ? "incr" : "decr";
      return new Op(verb, verb + " " + key(r) + " " + pick(r, DELTAS) + (r.nextInt(8) == 0 ? " noreply" : ""));
    }
    if (k < 32) {
      return new Op("delete", "delete " + key(r) + (r.nextInt(10) == 0 ? " 0" : "")
          + (r.nextInt(8) == 0 ? " noreply" : ""));
    }
    if (k < 35) {
      return new Op("touch", "touch " + key(r) + " " + pick(r, TTLS) + (r.nextInt(8) == 0 ? " noreply" : ""));
    }
    if (k < 36) {
      return new Op("flush_all", "flush_all" + (r.nextInt(4) == 0 ? " noreply" : ""));
    }
    if (k < 56) {
      return metaGet(r);
    }
    if (k < 72) {
      return metaSet(r);
    }
    if (k < 80) {
      return metaDelete(r);
    }
    if (k < 96) {
      return metaArithmetic(r);
    }
    if (k < 99 || r.nextInt(10) > 0) {
      return new Op("mn", "mn");
    }
    // rare: 1.6.18 prints the TTL left negated (a known difference), so me ends any sequence with a TTL
    return new Op("me", "me " + key(r));
  }

  private static Op storage(Random r) {
    String[] verbs = {"set", "set", "add", "replace", "append", "prepend", "cas"};
    String verb = pick(r, verbs);
    String keyName = pick(r, KEYS);
    String key = "{K:" + keyName + "}";
    String v = value(r);
    StringBuilder sb = new StringBuilder(verb).append(' ').append(key).append(' ').append(pick(r, FLAGS))
        .append(' ').append(pick(r, TTLS)).append(' ').append(v.length());
    if (verb.equals("cas")) {
      sb.append(' ').append(cas(r, key));
    }
    if (r.nextInt(8) == 0) {
      sb.append(" noreply");
    }
    return new Op(verb, sb + "\n" + data(v));
  }

  private static Op retrieval(Random r) {
    String[] verbs = {"get", "gets", "gat", "gats"};
    String verb = pick(r, verbs);
    StringBuilder sb = new StringBuilder(verb);
    if (verb.startsWith("gat")) {
      sb.append(' ').append(pick(r, TTLS));
    }
    int n = 1 + r.nextInt(3);
    for (int i = 0; i < n; i++) {
      sb.append(' ').append(key(r));
    }
    return new Op(verb, sb.toString());
  }

  /** The key token of a meta request, and the b flag when it is base64. */
  private record MetaKey(String token, String keyRef, boolean base64) {}

  private static MetaKey metaKey(Random r) {
    String name = pick(r, KEYS);
    if (r.nextInt(6) == 0) {
      // the reply's k flag echoes the base64 form, and a {cas:...} reference uses that
      return new MetaKey("{B:" + name + "}", "{B:" + name + "}", true);
    }
    return new MetaKey("{K:" + name + "}", "{K:" + name + "}", false);
  }

  private static String opaque(Random r) {
    return r.nextInt(40) == 0 ? "O" + "o".repeat(32 + r.nextInt(3)) : "O" + r.nextInt(1000);
  }

  /**
   * Adds the flags, shuffled (meta flags act in the order given), and the request line. A {@code c} flag brings
   * {@code k} along, so that the CAS it returns is remembered for the key ({@code {cas:KEY}}; see Normaliser).
   */
  private static Op meta(String verb, Random r, MetaKey key, String extra, List<String> flags) {
    if (key.base64()) {
      flags.add("b");
    }
    if (flags.contains("c") && !flags.contains("k")) {
      flags.add("k");
    }
    Collections.shuffle(flags, r);
    StringBuilder sb = new StringBuilder(verb).append(' ').append(key.token());
    if (extra != null) {
      sb.append(' ').append(extra);
    }
    for (String f : flags) {
      sb.append(' ').append(f);
    }
    return new Op(verb, sb.toString());
  }

  private static void maybe(Random r, List<String> flags, int oneIn, String flag) {
    if (r.nextInt(oneIn) == 0) {
      flags.add(flag);
    }
  }

  private static Op metaGet(Random r) {
    MetaKey key = metaKey(r);
    List<String> f = new ArrayList<>();
    maybe(r, f, 2, "v");
    maybe(r, f, 3, "k");
    maybe(r, f, 3, "c");
    maybe(r, f, 4, "f");
    maybe(r, f, 4, "t");
    maybe(r, f, 5, "s");
    maybe(r, f, 4, "h");
    maybe(r, f, 6, "l");
    maybe(r, f, 6, "q");
    maybe(r, f, 5, opaque(r));
    maybe(r, f, 6, "N" + pick(r, META_TTLS));
    maybe(r, f, 6, "T" + pick(r, META_TTLS));
    maybe(r, f, 8, "R" + pick(r, new String[] {"30", "2000", "100001"}));
    maybe(r, f, 12, "u");
    maybe(r, f, 2000, "E" + r.nextInt(100000));
    return meta("mg", r, key, null, f);
  }

  private static Op metaSet(Random r) {
    MetaKey key = metaKey(r);
    String v = value(r);
    List<String> f = new ArrayList<>();
    maybe(r, f, 3, "T" + pick(r, TTLS));
    maybe(r, f, 4, "F" + pick(r, FLAGS));
    maybe(r, f, 5, "C" + cas(r, key.keyRef()));
    maybe(r, f, 12, "I");
    maybe(r, f, 3, "M" + pick(r, new String[] {"S", "E", "A", "P", "R", "s", "e", "a", "p", "r"}));
    maybe(r, f, 6, "q");
    maybe(r, f, 3, "k");
    maybe(r, f, 3, "c");
    maybe(r, f, 5, opaque(r));
    maybe(r, f, 2000, "E" + r.nextInt(100000));
    Op line = meta("ms", r, key, Integer.toString(v.length()), f);
    return new Op("ms", line.lines() + "\n" + data(v));
  }

  private static Op metaDelete(Random r) {
    MetaKey key = metaKey(r);
    List<String> f = new ArrayList<>();
    maybe(r, f, 12, "C" + metaCas(r, key.keyRef()));
    maybe(r, f, 6, "I");
    maybe(r, f, 8, "T" + pick(r, new String[] {"1000", "100000"}));
    maybe(r, f, 6, "q");
    maybe(r, f, 3, "k");
    maybe(r, f, 5, opaque(r));
    return meta("md", r, key, null, f);
  }

  private static Op metaArithmetic(Random r) {
    MetaKey key = metaKey(r);
    List<String> f = new ArrayList<>();
    maybe(r, f, 3, "N" + pick(r, new String[] {"0", "1000", "100000"}));
    maybe(r, f, 3, "J" + pick(r, new String[] {"0", "10", "18446744073709551615"}));
    maybe(r, f, 2, "D" + pick(r, new String[] {"1", "5", "18446744073709551615", "0"}));
    maybe(r, f, 6, "T" + pick(r, new String[] {"0", "1000", "100000"}));
    maybe(r, f, 3, "M" + pick(r, new String[] {"I", "D", "+", "-", "i", "d"}));
    maybe(r, f, 8, "q");
    maybe(r, f, 4, "t");
    maybe(r, f, 3, "c");
    maybe(r, f, 2, "v");
    maybe(r, f, 4, "k");
    maybe(r, f, 5, opaque(r));
    maybe(r, f, 5, "C" + cas(r, key.keyRef()));
    if (f.contains("q") && f.stream().anyMatch(x -> x.startsWith("N"))) {
      f.remove("q"); // a quiet ma that creates the item is a known difference; spend the requests elsewhere
    }
    return meta("ma", r, key, null, f);
  }

  // ------------------------------------------------------------------------------------------------ binary

  static Op binaryOp(Random r) {
    String key = key(r);
    String opaque = " opaque=" + r.nextInt(100);
    int k = r.nextInt(100);
    if (k < 30) {
      String[] verbs = {"set", "set", "add", "replace", "append", "prepend", "setq", "addq", "replaceq",
          "appendq", "prependq"};
      String verb = pick(r, verbs);
      String v = value(r);
      StringBuilder sb = new StringBuilder(verb).append(" key=").append(key);
      if (!v.isEmpty()) {
        sb.append(" value=").append(v);
      }
      if (!verb.startsWith("append") && !verb.startsWith("prepend")) {
        sb.append(" flags=").append(pick(r, FLAGS)).append(" exp=").append(pick(r, new String[] {"0", "1000"}));
      }
      if (r.nextInt(4) == 0) {
        sb.append(" cas=").append(cas(r, key));
      }
      return new Op(verb, sb + opaque);
    }
    if (k < 55) {
      String verb = pick(r, new String[] {"get", "getk", "getq", "getkq"});
      return new Op(verb, verb + " key=" + key + opaque);
    }
    if (k < 75) {
      String verb = pick(r, new String[] {"incr", "decr", "incrq", "decrq"});
      StringBuilder sb = new StringBuilder(verb).append(" key=").append(key)
          .append(" delta=").append(pick(r, new String[] {"1", "5", "0", "18446744073709551615"}))
          .append(" initial=").append(pick(r, new String[] {"0", "10", "18446744073709551615"}))
          .append(" exp=").append(pick(r, new String[] {"0", "1000", "0xffffffff"}));
      if (r.nextInt(4) == 0) {
        sb.append(" cas=").append(cas(r, key));
      }
      return new Op(verb, sb + opaque);
    }
    if (k < 85) {
      String verb = pick(r, new String[] {"delete", "deleteq"});
      return new Op(verb, verb + " key=" + key + (r.nextInt(4) == 0 ? " cas=" + cas(r, key) : "") + opaque);
    }
    if (k < 95) {
      String verb = pick(r, new String[] {"touch", "gat", "gatq", "gatk", "gatkq"});
      return new Op(verb, verb + " key=" + key + " exp=" + pick(r, new String[] {"0", "1000"}) + opaque);
    }
    if (k < 97) {
      String verb = pick(r, new String[] {"flush", "flushq"});
      return new Op(verb, verb + opaque);
    }
    return new Op("noop", "noop" + opaque);
  }
}
