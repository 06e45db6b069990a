package io.safecached.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --log-file}: appended to, and reopened by name as logrotate expects. */
class LogFileTest {
  @TempDir
  Path dir;

  @Test
  void appendsAndReopensByNameAfterARotation() throws Exception {
    Path log = dir.resolve("sc.log");
    Files.writeString(log, "old\n");
    try (LogFile f = LogFile.open(log)) {
      f.write("one\n");
      f.flush();
      assertThat(Files.readString(log)).isEqualTo("old\none\n");
      Path rotated = dir.resolve("sc.log.1");
      Files.move(log, rotated);
      f.write("two\n");
      f.flush();
      f.reopen();
      f.write("three\n");
      f.flush();
      assertThat(Files.readString(rotated)).isEqualTo("old\none\ntwo\n");
      assertThat(Files.readString(log)).isEqualTo("three\n");
    }
  }
}
