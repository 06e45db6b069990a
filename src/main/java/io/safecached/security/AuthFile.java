package io.safecached.security;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The user file ({@code -Y FILE}, {@code --auth-file FILE}): the {@link Credentials} read from it, re-read on
 * request ({@link #reload()}, for SIGHUP) and, once {@link #watch watched}, whenever its content changes.
 *
 * <p>Design notes. The file is read whole, at most {@value #MAX_BYTES} bytes, as strict UTF-8 (a leading
 * byte-order mark is dropped), so a pipe or device given by mistake cannot hang or exhaust the server. A file
 * that cannot be used at start is an {@link AuthFileException}; on a reload the old users stay in force and one
 * WARNING line says why. The watcher compares size, modification time and a SHA-256 of the content, so an edit
 * within the file system's timestamp granularity and an atomic rename (as Kubernetes does for secrets) are both
 * seen; a bad version is reported once, not on every poll. Logs go to the System.Logger
 * {@value #LOGGER}. At load a file that group or others can read or write is warned about, once.
 */
public final class AuthFile implements AutoCloseable {
  /** Largest user file read. */
  public static final int MAX_BYTES = 1 << 20;
  static final String LOGGER = "io.safecached.security";
  private static final Logger LOG = System.getLogger(LOGGER);
  private static final Set<PosixFilePermission> PRIVATE = EnumSet.of(PosixFilePermission.OWNER_READ,
      PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);

  private final Path file;
  private final String source;
  private volatile Credentials current;
  private Fingerprint seen; // guarded by this
  private ScheduledFuture<?> watcher; // guarded by this

  private AuthFile(Path file, Credentials credentials, Fingerprint seen) {
    this.file = file;
    this.source = describe(file);
    this.current = credentials;
    this.seen = seen;
  }

  /**
   * Reads the users of {@code file}; throws {@link AuthFileException} with a one-line message when it is
   * missing, unreadable, not a regular file, too large, not UTF-8, has a bad line or has no users. Logs a
   * WARNING when group or others may read or write it.
   */
  public static AuthFile load(Path file) throws AuthFileException {
    Objects.requireNonNull(file, "file");
    Snapshot snapshot = read(file);
    Credentials credentials = usable(file, snapshot);
    AuthFile authFile = new AuthFile(file, credentials, snapshot.fingerprint());
    authFile.warnIfExposed();
    LOG.log(Level.INFO, () -> authFile.source + ": " + users(credentials.size()));
    return authFile;
  }

  /** The file's path as given. */
  public Path path() {
    return file;
  }

  /** The users in force: those of the last good version of the file. */
  public Credentials current() {
    return current;
  }

  /**
   * Re-reads the file. On success the new users are in force, an INFO line gives their number and the result
   * is true; when the file cannot be used the old users stay, a WARNING line says why and the result is false.
   */
  public synchronized boolean reload() {
    Snapshot snapshot;
    try {
      snapshot = read(file);
    } catch (AuthFileException e) {
      seen = Fingerprint.unreadable(e.getMessage());
      keepOld(e);
      return false;
    }
    return apply(snapshot);
  }

  /**
   * Polls the file every {@code every} on {@code scheduler} and reloads it when its size, modification time or
   * content changed since it was last read. Replaces an earlier watch; {@link #close()} stops it (the scheduler
   * is the caller's and is not shut down).
   */
  public synchronized void watch(ScheduledExecutorService scheduler, Duration every) {
    Objects.requireNonNull(scheduler, "scheduler");
    if (every.isNegative() || every.isZero()) {
      throw new IllegalArgumentException("watch period must be positive: " + every);
    }
    stopWatching();
    long nanos = every.toNanos();
    watcher = scheduler.scheduleWithFixedDelay(this::poll, nanos, nanos, TimeUnit.NANOSECONDS);
  }

  /** Stops watching the file; the users in force stay. */
  @Override
  public synchronized void close() {
    stopWatching();
  }

  private void stopWatching() {
    if (watcher != null) {
      watcher.cancel(false);
      watcher = null;
    }
  }

  /** One poll of the watcher: reloads when the file changed. Never throws (that would end the schedule). */
  synchronized void poll() {
    try {
      Snapshot snapshot;
      try {
        snapshot = read(file);
      } catch (AuthFileException e) {
        Fingerprint now = Fingerprint.unreadable(e.getMessage());
        if (!now.equals(seen)) {
          seen = now;
          keepOld(e);
        }
        return;
      }
      if (!snapshot.fingerprint().equals(seen)) {
        apply(snapshot);
      }
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, source + ": checking for changes failed", e);
    }
  }

  private boolean apply(Snapshot snapshot) {
    seen = snapshot.fingerprint();
    Credentials credentials;
    try {
      credentials = usable(file, snapshot);
    } catch (AuthFileException e) {
      keepOld(e);
      return false;
    }
    current = credentials;
    LOG.log(Level.INFO, () -> source + " reloaded: " + users(credentials.size()));
    return true;
  }

  private void keepOld(AuthFileException e) {
    int kept = current.size();
    LOG.log(Level.WARNING, () -> e.getMessage() + "; keeping the " + users(kept) + " loaded before");
  }

  private static String users(int n) {
    return n == 1 ? "1 user" : n + " users";
  }

  private static String describe(Path file) {
    return "auth file " + file;
  }

  private void warnIfExposed() {
    Set<PosixFilePermission> permissions;
    try {
      permissions = Files.getPosixFilePermissions(file);
    } catch (UnsupportedOperationException | IOException e) {
      return; // not a POSIX file system: nothing to say
    }
    if (!PRIVATE.containsAll(permissions)) {
      LOG.log(Level.WARNING, source + " can be read or written by group or others ("
          + PosixFilePermissions.toString(permissions) + "); 'chmod 600 " + file + "' keeps its passwords private");
    }
  }

  /** The credentials of {@code snapshot}, which must have at least one user. */
  private static Credentials usable(Path file, Snapshot snapshot) throws AuthFileException {
    Credentials credentials = Credentials.parse(snapshot.lines(), describe(file));
    if (credentials.isEmpty()) {
      throw new AuthFileException(describe(file) + ": no users (lines are user:password or user:"
          + PasswordHash.PREFIX + "...)");
    }
    return credentials;
  }

  /** Reads and decodes {@code file}, or says in one line why it cannot. */
  static Snapshot read(Path file) throws AuthFileException {
    String source = describe(file);
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(file, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      throw new AuthFileException(source + ": no such file");
    } catch (AccessDeniedException e) {
      throw new AuthFileException(source + ": permission denied");
    } catch (IOException e) {
      throw new AuthFileException(source + ": cannot read it (" + e.getMessage() + ")", e);
    }
    if (!attributes.isRegularFile()) {
      throw new AuthFileException(source + ": not a regular file");
    }
    if (attributes.size() > MAX_BYTES) {
      throw new AuthFileException(source + ": larger than " + MAX_BYTES + " bytes");
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(MAX_BYTES + 1);
    } catch (AccessDeniedException e) {
      throw new AuthFileException(source + ": permission denied");
    } catch (IOException e) {
      throw new AuthFileException(source + ": cannot read it (" + e.getMessage() + ")", e);
    }
    if (bytes.length > MAX_BYTES) {
      throw new AuthFileException(source + ": larger than " + MAX_BYTES + " bytes");
    }
    Fingerprint fingerprint = new Fingerprint(bytes.length, attributes.lastModifiedTime().toMillis(),
        sha256(bytes), null);
    return new Snapshot(lines(bytes, source), fingerprint);
  }

  /** {@code bytes} split at line feeds and decoded as strict UTF-8, without a leading byte-order mark. */
  private static List<String> lines(byte[] bytes, String source) throws AuthFileException {
    int start = 0;
    if (bytes.length >= 3 && (bytes[0] & 0xff) == 0xef && (bytes[1] & 0xff) == 0xbb && (bytes[2] & 0xff) == 0xbf) {
      start = 3;
    }
    List<String> lines = new ArrayList<>();
    var decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    while (start < bytes.length) {
      int end = start;
      while (end < bytes.length && bytes[end] != '\n') {
        end++;
      }
      try {
        lines.add(decoder.decode(ByteBuffer.wrap(bytes, start, end - start)).toString());
      } catch (CharacterCodingException e) {
        throw new AuthFileException(source + " line " + (lines.size() + 1) + ": not UTF-8 text");
      }
      start = end + 1;
    }
    return lines;
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available in this JDK", e);
    }
  }

  /** The decoded lines of one read of the file and what identifies that version. */
  record Snapshot(List<String> lines, Fingerprint fingerprint) {}

  /** What identifies one version of the file: size, modification time and content hash, or why it is unreadable. */
  record Fingerprint(long size, long modifiedMillis, String sha256, String unreadable) {
    static Fingerprint unreadable(String why) {
      return new Fingerprint(-1, -1, "", why);
    }
  }
}
