package io.safecached.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The user file: load errors, reload keeping the old users on a bad file, the watcher, the permission warning. */
class AuthFileTest {
  @TempDir
  Path dir;
  private Path file;
  private final Logs logs = new Logs();

  @BeforeEach
  void setUp() {
    file = dir.resolve("users");
    logs.attach();
  }

  @AfterEach
  void tearDown() {
    logs.detach();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private void write(String content) throws IOException {
    Files.writeString(file, content, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
  }

  private String problem() {
    return "auth file " + file;
  }

  @Test
  void loadsTheUsers() throws Exception {
    write("# cache users\nalice:s3cret\nbob:" + PasswordHash.hash("pw".toCharArray(), PasswordHash.MIN_ITERATIONS) + "\n");
    try (AuthFile auth = AuthFile.load(file)) {
      assertThat(auth.path()).isEqualTo(file);
      assertThat(auth.current().size()).isEqualTo(2);
      assertThat(auth.current().verify("alice", utf8("s3cret"))).isTrue();
      assertThat(auth.current().verify("bob", utf8("pw"))).isTrue();
    }
    assertThat(logs.at(Level.WARNING)).isEmpty();
    assertThat(logs.at(Level.INFO)).containsExactly(problem() + ": 2 users");
  }

  @Test
  void aByteOrderMarkAndCrlfLineEndsAreTolerated() throws Exception {
    Files.write(file, utf8("\uFEFFalice:s3cret\r\nbob:pw\r\n"));
    try (AuthFile auth = AuthFile.load(file)) {
      assertThat(auth.current().verify("alice", utf8("s3cret"))).isTrue();
      assertThat(auth.current().verify("bob", utf8("pw"))).isTrue();
    }
  }

  @Test
  void aMissingFileIsAnError() {
    assertThatThrownBy(() -> AuthFile.load(file)).isInstanceOf(AuthFileException.class)
        .hasMessage(problem() + ": no such file");
  }

  @Test
  void aDirectoryIsAnError() {
    assertThatThrownBy(() -> AuthFile.load(dir)).hasMessage("auth file " + dir + ": not a regular file");
  }

  @Test
  void aFileWithoutUsersIsAnError() throws Exception {
    write("");
    assertThatThrownBy(() -> AuthFile.load(file)).hasMessageStartingWith(problem() + ": no users");
    write("# only a comment\n\n");
    assertThatThrownBy(() -> AuthFile.load(file)).hasMessageStartingWith(problem() + ": no users");
  }

  @Test
  void aBadLineIsAnErrorNamingTheLine() throws Exception {
    write("alice:s3cret\nbob\n");
    assertThatThrownBy(() -> AuthFile.load(file))
        .hasMessage(problem() + " line 2: no ':' between user and password");
  }

  @Test
  void bytesThatAreNotUtf8AreAnError() throws Exception {
    Files.write(file, new byte[] {'a', ':', 'b', '\n', 'c', ':', (byte) 0xff, '\n'});
    assertThatThrownBy(() -> AuthFile.load(file)).hasMessage(problem() + " line 2: not UTF-8 text");
  }

  @Test
  void aFileTooLargeIsAnError() throws Exception {
    byte[] big = new byte[AuthFile.MAX_BYTES + 1];
    java.util.Arrays.fill(big, (byte) '#');
    Files.write(file, big);
    assertThatThrownBy(() -> AuthFile.load(file)).hasMessage(problem() + ": larger than 1048576 bytes");
  }

  @Test
  void anUnreadableFileIsAnError() throws Exception {
    assumeThat(System.getProperty("user.name")).as("root reads any file").isNotEqualTo("root");
    write("alice:s3cret\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("---------"));
    assertThatThrownBy(() -> AuthFile.load(file)).hasMessage(problem() + ": permission denied");
  }

  @Test
  void aFileOthersCanReadIsWarnedAboutOnceAtLoad() throws Exception {
    write("alice:s3cret\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    try (AuthFile auth = AuthFile.load(file)) {
      assertThat(logs.at(Level.WARNING)).containsExactly(problem()
          + " can be read or written by group or others (rw-r--r--); 'chmod 600 " + file
          + "' keeps its passwords private");
      Files.writeString(file, "alice:new\n");
      assertThat(auth.reload()).isTrue();
      assertThat(logs.at(Level.WARNING)).as("not again on reload").hasSize(1);
    }
    logs.clear();
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw----"));
    AuthFile.load(file).close();
    assertThat(logs.at(Level.WARNING)).singleElement().asString().contains("(rw-rw----)");
    logs.clear();
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
    AuthFile.load(file).close();
    assertThat(logs.at(Level.WARNING)).isEmpty();
  }

  @Test
  void reloadKeepsTheOldUsersOnABadFileAndPicksUpAGoodChange() throws Exception {
    write("alice:s3cret\n");
    try (AuthFile auth = AuthFile.load(file)) {
      Credentials first = auth.current();
      logs.clear();

      write("alice:s3cret\nbroken line\n");
      assertThat(auth.reload()).isFalse();
      assertThat(auth.current()).isSameAs(first);
      assertThat(logs.at(Level.WARNING)).containsExactly(problem()
          + " line 2: no ':' between user and password; keeping the 1 user loaded before");

      Files.delete(file);
      assertThat(auth.reload()).isFalse();
      assertThat(auth.current()).isSameAs(first);
      assertThat(logs.at(Level.WARNING)).last().isEqualTo(problem() + ": no such file; keeping the 1 user loaded before");

      write("# emptied\n");
      assertThat(auth.reload()).isFalse();
      assertThat(auth.current().verify("alice", utf8("s3cret"))).isTrue();

      write("bob:pw\ncarol:pw2\n");
      assertThat(auth.reload()).isTrue();
      assertThat(auth.current().verify("alice", utf8("s3cret"))).isFalse();
      assertThat(auth.current().verify("bob", utf8("pw"))).isTrue();
      assertThat(auth.current().verify("carol", utf8("pw2"))).isTrue();
      assertThat(logs.at(Level.INFO)).containsExactly(problem() + " reloaded: 2 users");
      assertThat(logs.at(Level.WARNING)).hasSize(3);
    }
  }

  @Test
  void pollReloadsOnlyWhenTheFileChanged() throws Exception {
    write("alice:aaaa\n");
    FileTime mtime = Files.getLastModifiedTime(file);
    try (AuthFile auth = AuthFile.load(file)) {
      Credentials first = auth.current();
      auth.poll();
      assertThat(auth.current()).as("unchanged").isSameAs(first);

      // same size and modification time, other content: only the content hash tells
      write("alice:bbbb\n");
      Files.setLastModifiedTime(file, mtime);
      auth.poll();
      assertThat(auth.current().verify("alice", utf8("bbbb"))).isTrue();
      Credentials second = auth.current();
      auth.poll();
      assertThat(auth.current()).isSameAs(second);
    }
  }

  @Test
  void pollReportsABadVersionOnceAndRecoversWhenItIsFixed() throws Exception {
    write("alice:aaaa\n");
    try (AuthFile auth = AuthFile.load(file)) {
      logs.clear();
      write("alice:aaaa\nalice:bbbb\n");
      for (int i = 0; i < 3; i++) {
        auth.poll();
      }
      assertThat(logs.at(Level.WARNING)).singleElement().asString()
          .contains("user 'alice' is listed twice").endsWith("; keeping the 1 user loaded before");
      Files.delete(file);
      auth.poll();
      auth.poll();
      assertThat(logs.at(Level.WARNING)).hasSize(2).last().asString().contains(": no such file;");
      assertThat(auth.current().verify("alice", utf8("aaaa"))).isTrue();

      write("alice:cccc\n");
      auth.poll();
      assertThat(auth.current().verify("alice", utf8("cccc"))).isTrue();
      assertThat(logs.at(Level.INFO)).containsExactly(problem() + " reloaded: 1 user");
    }
  }

  @Test
  void watchPicksUpAChangeAndCloseStopsIt() throws Exception {
    write("alice:aaaa\n");
    ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
    scheduler.setRemoveOnCancelPolicy(true);
    AuthFile auth = AuthFile.load(file);
    try {
      auth.watch(scheduler, Duration.ofMillis(10));
      assertThat(scheduler.getQueue()).hasSize(1);
      write("alice:bbbb\n");
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (!auth.current().verify("alice", utf8("bbbb")) && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(auth.current().verify("alice", utf8("bbbb"))).isTrue();
      auth.watch(scheduler, Duration.ofMillis(10));
      assertThat(scheduler.getQueue()).as("a second watch replaces the first").hasSize(1);
      auth.close();
      assertThat(scheduler.getQueue()).isEmpty();
      assertThatThrownBy(() -> auth.watch(scheduler, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    } finally {
      auth.close();
      scheduler.shutdownNow();
    }
  }

  /** Collects the records of the {@code io.safecached.security} logger. */
  static final class Logs extends Handler {
    private final Logger logger = Logger.getLogger(AuthFile.LOGGER);
    private final List<LogRecord> records = new ArrayList<>();
    private boolean parents;

    /** Collects the records instead of letting them reach the console. */
    void attach() {
      parents = logger.getUseParentHandlers();
      logger.setUseParentHandlers(false);
      logger.addHandler(this);
    }

    void detach() {
      logger.removeHandler(this);
      logger.setUseParentHandlers(parents);
    }

    synchronized List<String> at(Level level) {
      return records.stream().filter(r -> r.getLevel().equals(level)).map(LogRecord::getMessage).toList();
    }

    synchronized void clear() {
      records.clear();
    }

    @Override
    public synchronized void publish(LogRecord record) {
      records.add(record);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }
}
