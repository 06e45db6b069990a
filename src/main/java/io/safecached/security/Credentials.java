package io.safecached.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * An immutable table of users and their passwords, read from the lines of a user file ({@code -Y}).
 *
 * <p>Design notes. A line is memcached's {@code user:password} (everything after the first {@code :} is the
 * password, so it may itself contain {@code :}) or {@code user:$pbkdf2-sha256$...} (a {@link PasswordHash}).
 * {@link #verify} spends the same work whether or not the user exists and wherever the password differs:
 * plaintext passwords are kept only as an HMAC under a random per-table key and compared as fixed-length
 * digests with {@link MessageDigest#isEqual}; an unknown user is checked against a dummy entry of the same
 * kind. When the table holds any hashed user, every verification (unknown and plaintext users too) costs one
 * PBKDF2 derivation, so that the time does not tell which users exist. The one exception is a bounded cache of
 * successful logins of hashed users, keyed by user with the HMAC of the password that worked: a repeat login
 * with that same password skips PBKDF2. It is fast only when the password is right, which the client learns
 * from the reply anyway; a wrong password always pays the full derivation. The cache lives and dies with this
 * table, so a reloaded file never honours an old password.
 */
public final class Credentials {
  /** How many successful logins of hashed users are remembered. */
  static final int VERIFIED_CACHE_SIZE = 1024;
  private static final String HMAC = "HmacSHA256";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Map<String, Entry> users;
  private final SecretKeySpec key;
  private final Entry dummy;
  private final PasswordHash.Hashed equaliser;
  private final Map<String, byte[]> verified;

  private Credentials(Map<String, String> passwords, int cacheSize) {
    byte[] k = new byte[32];
    RANDOM.nextBytes(k);
    this.key = new SecretKeySpec(k, HMAC);
    Map<String, Entry> table = new LinkedHashMap<>();
    PasswordHash.Hashed slowest = null;
    for (Map.Entry<String, String> e : passwords.entrySet()) {
      String password = e.getValue();
      Entry entry;
      if (PasswordHash.isHashed(password)) {
        PasswordHash.Hashed h = PasswordHash.parse(password);
        entry = new Hashed(h);
        if (slowest == null || h.iterations() > slowest.iterations()) {
          slowest = h;
        }
      } else {
        entry = new Plain(hmac(password.getBytes(StandardCharsets.UTF_8)));
      }
      table.put(e.getKey(), entry);
    }
    this.users = Collections.unmodifiableMap(table);
    this.equaliser = slowest;
    if (slowest != null) {
      byte[] salt = new byte[PasswordHash.SALT_BYTES];
      RANDOM.nextBytes(salt);
      byte[] hash = new byte[PasswordHash.HASH_BYTES];
      RANDOM.nextBytes(hash);
      this.dummy = new Hashed(new PasswordHash.Hashed(slowest.iterations(), salt, hash));
    } else {
      byte[] digest = new byte[32];
      RANDOM.nextBytes(digest);
      this.dummy = new Plain(digest);
    }
    this.verified = new LinkedHashMap<>(16, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) {
        return size() > cacheSize;
      }
    };
  }

  /**
   * Reads a user table from the lines of a user file. Blank lines and lines starting with {@code #} are
   * skipped. A line without {@code :}, an empty or unusable user name, an empty password, a malformed
   * {@code $pbkdf2-sha256$} hash, a password that looks like another scheme's hash ({@code $2b$...}) and a
   * user listed twice are errors; the message is {@code <source> line <n>: <problem>} and never contains a
   * password. {@code source} names the lines, for example {@code "auth file /etc/safecached/users"}.
   */
  public static Credentials parse(List<String> lines, String source) throws AuthFileException {
    return parse(lines, source, VERIFIED_CACHE_SIZE);
  }

  /** {@link #parse(List, String)} remembering at most {@code cacheSize} successful logins (for tests). */
  static Credentials parse(List<String> lines, String source, int cacheSize) throws AuthFileException {
    Objects.requireNonNull(lines, "lines");
    Map<String, String> passwords = new LinkedHashMap<>();
    Map<String, Integer> lineOf = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      int number = i + 1;
      String line = lines.get(i);
      if (line.endsWith("\r")) {
        line = line.substring(0, line.length() - 1);
      }
      if (line.isBlank() || line.stripLeading().startsWith("#")) {
        continue;
      }
      int colon = line.indexOf(':');
      if (colon < 0) {
        throw lineError(source, number, "no ':' between user and password");
      }
      String user = line.substring(0, colon);
      String password = line.substring(colon + 1);
      Optional<String> problem = userNameProblem(user);
      if (problem.isPresent()) {
        throw lineError(source, number, problem.get());
      }
      if (password.isEmpty()) {
        throw lineError(source, number, "empty password for user '" + user + "'");
      }
      if (PasswordHash.isHashed(password)) {
        try {
          PasswordHash.parse(password);
        } catch (IllegalArgumentException e) {
          throw lineError(source, number, "the password hash of user '" + user + "' " + e.getMessage());
        }
      } else {
        String scheme = PasswordHash.foreignScheme(password);
        if (scheme != null) {
          throw lineError(source, number, "the password of user '" + user + "' looks like a $" + scheme
              + "$ hash, which safecached cannot read; 'safecached passwd " + user + "' prints a "
              + PasswordHash.PREFIX + " line");
        }
      }
      Integer earlier = lineOf.putIfAbsent(user, number);
      if (earlier != null) {
        throw lineError(source, number, "user '" + user + "' is listed twice (lines " + earlier + " and "
            + number + ")");
      }
      passwords.put(user, password);
    }
    return new Credentials(passwords, cacheSize);
  }

  /**
   * What is wrong with {@code user} as a user name, if anything: it must be non-empty and free of {@code :},
   * whitespace and control characters (the text protocol login separates user and password with a space).
   */
  public static Optional<String> userNameProblem(String user) {
    if (user == null || user.isEmpty()) {
      return Optional.of("empty user name");
    }
    if (user.indexOf(':') >= 0) {
      return Optional.of("user name '" + user + "' contains ':'");
    }
    for (int i = 0; i < user.length(); ) {
      int c = user.codePointAt(i);
      if (Character.isWhitespace(c) || Character.isSpaceChar(c) || Character.isISOControl(c)
          || c == '\uFEFF') {
        return Optional.of("user name '" + user.strip() + "' contains a space or control character");
      }
      i += Character.charCount(c);
    }
    return Optional.empty();
  }

  private static AuthFileException lineError(String source, int number, String problem) {
    return new AuthFileException(source + " line " + number + ": " + problem);
  }

  /**
   * True when {@code user} exists and {@code password} (the bytes the client sent) is theirs. The time spent
   * does not depend on whether the user exists nor on the password, except that a password that worked before
   * may be answered from the cache of successful logins (see the class notes). Thread-safe. With hashed users
   * this costs one PBKDF2 derivation (tens of milliseconds, see {@link #expensive()}).
   */
  public boolean verify(String user, byte[] password) {
    Objects.requireNonNull(password, "password");
    Entry entry = user == null ? null : users.get(user);
    boolean known = entry != null;
    byte[] digest = hmac(password);
    if (!known) {
      entry = dummy;
    }
    boolean ok;
    if (entry instanceof Hashed h) {
      if (known && cached(user, digest)) {
        return true;
      }
      ok = h.hash().matches(password) & known;
      if (ok) {
        remember(user, digest);
      }
    } else {
      ok = MessageDigest.isEqual(((Plain) entry).digest(), digest) & known;
      if (equaliser != null) {
        equaliser.matches(password); // same work as for a hashed user; the answer does not matter
      }
    }
    return ok;
  }

  /** True when {@link #verify} runs PBKDF2 (any user is hashed): call it off the network threads. */
  public boolean expensive() {
    return equaliser != null;
  }

  /** The number of users. */
  public int size() {
    return users.size();
  }

  /** True when there are no users. */
  public boolean isEmpty() {
    return users.isEmpty();
  }

  /** The user names, in file order (for checking settings such as the admin users; not for logins). */
  public Set<String> users() {
    return users.keySet();
  }

  private synchronized boolean cached(String user, byte[] digest) {
    byte[] known = verified.get(user);
    return known != null && MessageDigest.isEqual(known, digest);
  }

  private synchronized void remember(String user, byte[] digest) {
    verified.put(user, digest);
  }

  /** How many successful logins are cached (for tests). */
  synchronized int cachedLogins() {
    return verified.size();
  }

  private byte[] hmac(byte[] bytes) {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(key);
      return mac.doFinal(bytes);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(HMAC + " is not available in this JDK", e);
    }
  }

  @Override
  public String toString() {
    return "Credentials[users=" + users.size() + "]";
  }

  private sealed interface Entry permits Plain, Hashed {}

  private record Plain(byte[] digest) implements Entry {}

  private record Hashed(PasswordHash.Hashed hash) implements Entry {}
}
