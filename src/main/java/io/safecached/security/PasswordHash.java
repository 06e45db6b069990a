package io.safecached.security;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Salted password hashes for the user file: PBKDF2-HMAC-SHA256 in the modular crypt form
 * {@code $pbkdf2-sha256$<iterations>$<salt>$<hash>}, the form Python's passlib writes.
 *
 * <p>Design notes. The salt and hash are base64 without padding, with {@code .} in place of {@code +}
 * (passlib's "ab64"); reading also accepts {@code +} and padding. The password is hashed as its UTF-8 bytes.
 * New hashes use {@value #ITERATIONS} iterations, a 16-byte salt from {@link SecureRandom} and a 32-byte hash;
 * existing hashes keep whatever count, salt and hash length they were made with, within the bounds below, so
 * the count can be raised later without invalidating the file. The bounds keep a hand-edited line from making
 * every login cost seconds. Comparison is {@link MessageDigest#isEqual}, whose time does not depend on where
 * the hashes differ.
 */
public final class PasswordHash {
  /** The scheme prefix of our hashed passwords. */
  public static final String PREFIX = "$pbkdf2-sha256$";
  /**
   * Iterations for new hashes. About 40 ms per verification on the 2-core build machine (see
   * docs/authentication.md); OWASP's 2023 figure for PBKDF2-HMAC-SHA256 is 600,000, which
   * {@code safecached passwd --iterations} can choose at four times the cost per login.
   */
  public static final int ITERATIONS = 150_000;
  /** Fewest iterations a hash in the user file may have. */
  public static final int MIN_ITERATIONS = 1_000;
  /** Most iterations a hash in the user file may have (about a second per login). */
  public static final int MAX_ITERATIONS = 5_000_000;
  static final int SALT_BYTES = 16;
  static final int HASH_BYTES = 32;
  private static final int MIN_SALT_BYTES = 8;
  private static final int MAX_SALT_BYTES = 64;
  private static final int MIN_HASH_BYTES = 16;
  private static final int MAX_HASH_BYTES = 64;
  private static final String ALGORITHM = "PBKDF2WithHmacSHA256";
  private static final Pattern FORM = Pattern.compile(
      "\\$pbkdf2-sha256\\$([0-9]{1,10})\\$([A-Za-z0-9./+]+={0,2})\\$([A-Za-z0-9./+]+={0,2})");
  /** A {@code $scheme$} start: what a password hash of some other scheme looks like. */
  private static final Pattern SCHEME = Pattern.compile("\\$([A-Za-z0-9-]{1,32})\\$.*", Pattern.DOTALL);
  private static final SecureRandom RANDOM = new SecureRandom();

  private PasswordHash() {}

  /** A new hash of {@code password} with {@value #ITERATIONS} iterations and a random salt. */
  public static String hash(char[] password) {
    return hash(password, ITERATIONS);
  }

  /**
   * A new hash of {@code password} with {@code iterations} (between {@value #MIN_ITERATIONS} and
   * {@value #MAX_ITERATIONS}) and a random 16-byte salt. The caller may clear {@code password} afterwards.
   */
  public static String hash(char[] password, int iterations) {
    Objects.requireNonNull(password, "password");
    if (password.length == 0) {
      throw new IllegalArgumentException("empty password");
    }
    if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
      throw new IllegalArgumentException(
          "iterations must be between " + MIN_ITERATIONS + " and " + MAX_ITERATIONS + " (" + iterations + ")");
    }
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    byte[] hash = derive(password, salt, iterations, HASH_BYTES);
    return PREFIX + iterations + "$" + ab64(salt) + "$" + ab64(hash);
  }

  /**
   * True when {@code password} (bytes as the client sent them) matches {@code encoded}; throws
   * {@link IllegalArgumentException} naming the problem when {@code encoded} is not a valid hash.
   */
  public static boolean matches(String encoded, byte[] password) {
    return parse(encoded).matches(password);
  }

  /** True when {@code password} is written in our hashed form (it may still be malformed). */
  static boolean isHashed(String password) {
    return password.startsWith(PREFIX);
  }

  /** The scheme name when {@code password} looks like a hash of another scheme ({@code $2b$...}), else null. */
  static String foreignScheme(String password) {
    if (isHashed(password)) {
      return null;
    }
    Matcher m = SCHEME.matcher(password);
    return m.matches() ? m.group(1) : null;
  }

  /** Reads {@code encoded}, or throws {@link IllegalArgumentException} saying what is wrong with it. */
  static Hashed parse(String encoded) {
    Objects.requireNonNull(encoded, "encoded");
    if (!isHashed(encoded)) {
      throw new IllegalArgumentException("does not start with " + PREFIX);
    }
    Matcher m = FORM.matcher(encoded);
    if (!m.matches()) {
      throw new IllegalArgumentException("is not " + PREFIX + "<iterations>$<salt>$<hash>");
    }
    long iterations = Long.parseLong(m.group(1));
    if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
      throw new IllegalArgumentException(
          "has " + iterations + " iterations; allowed are " + MIN_ITERATIONS + " to " + MAX_ITERATIONS);
    }
    byte[] salt = unab64(m.group(2), "salt");
    byte[] hash = unab64(m.group(3), "hash");
    if (salt.length < MIN_SALT_BYTES || salt.length > MAX_SALT_BYTES) {
      throw new IllegalArgumentException("has a salt of " + salt.length + " bytes; allowed are "
          + MIN_SALT_BYTES + " to " + MAX_SALT_BYTES);
    }
    if (hash.length < MIN_HASH_BYTES || hash.length > MAX_HASH_BYTES) {
      throw new IllegalArgumentException("has a hash of " + hash.length + " bytes; allowed are "
          + MIN_HASH_BYTES + " to " + MAX_HASH_BYTES);
    }
    return new Hashed((int) iterations, salt, hash);
  }

  /** A parsed hash: verifies passwords against it. */
  static final class Hashed {
    private final int iterations;
    private final byte[] salt;
    private final byte[] hash;

    Hashed(int iterations, byte[] salt, byte[] hash) {
      this.iterations = iterations;
      this.salt = salt.clone();
      this.hash = hash.clone();
    }

    int iterations() {
      return iterations;
    }

    /**
     * True when {@code password} hashes to this hash. Bytes that are not UTF-8 cannot match (every hash is of
     * UTF-8 text) but still cost one derivation, so the time does not tell them apart.
     */
    boolean matches(byte[] password) {
      char[] chars = utf8(password);
      boolean decoded = chars != null;
      if (!decoded) {
        chars = new char[] {'?'};
      }
      byte[] candidate = derive(chars, salt, iterations, hash.length);
      Arrays.fill(chars, '\0');
      boolean equal = MessageDigest.isEqual(candidate, hash);
      Arrays.fill(candidate, (byte) 0);
      return equal & decoded;
    }
  }

  private static byte[] derive(char[] password, byte[] salt, int iterations, int bytes) {
    PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, bytes * 8);
    try {
      return SecretKeyFactory.getInstance(ALGORITHM).generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(ALGORITHM + " is not available in this JDK", e);
    } finally {
      spec.clearPassword();
    }
  }

  /** {@code bytes} decoded as UTF-8, or null when they are not UTF-8. */
  private static char[] utf8(byte[] bytes) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    try {
      CharBuffer chars = decoder.decode(ByteBuffer.wrap(bytes));
      char[] out = new char[chars.remaining()];
      chars.get(out);
      if (chars.hasArray()) {
        Arrays.fill(chars.array(), '\0');
      }
      return out;
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  /** passlib's adapted base64: standard alphabet with {@code .} for {@code +}, no padding. */
  static String ab64(byte[] bytes) {
    return Base64.getEncoder().withoutPadding().encodeToString(bytes).replace('+', '.');
  }

  private static byte[] unab64(String text, String what) {
    try {
      return Base64.getDecoder().decode(text.replace('.', '+'));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("has a " + what + " that is not base64", e);
    }
  }
}
