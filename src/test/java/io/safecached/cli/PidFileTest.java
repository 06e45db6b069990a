package io.safecached.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code -P FILE}: written whole, removed on close only while it is still ours. */
class PidFileTest {
  @TempDir
  Path dir;

  @Test
  void writesThePidAndANewlineAndRemovesItOnClose() throws Exception {
    Path file = dir.resolve("sc.pid");
    List<String> warnings = new ArrayList<>();
    PidFile pid = PidFile.write(file, 4242, warnings::add);
    assertThat(Files.readString(file)).isEqualTo("4242\n");
    assertThat(dir.resolve("sc.pid.tmp")).doesNotExist();
    assertThat(warnings).isEmpty();
    pid.close();
    assertThat(file).doesNotExist();
    pid.close(); // twice is harmless
  }

  @Test
  @SuppressWarnings("try") // the resource is the file written, removed on close
  void aFileNamingARunningProcessIsOverwrittenWithAWarning() throws Exception {
    Path file = dir.resolve("sc.pid");
    long me = ProcessHandle.current().pid();
    Files.writeString(file, me + "\n");
    List<String> warnings = new ArrayList<>();
    try (PidFile pid = PidFile.write(file, me + 1_000_000, warnings::add)) {
      assertThat(Files.readString(file)).isEqualTo((me + 1_000_000) + "\n");
      assertThat(warnings).singleElement().asString().contains("named a running process (" + me + ")");
    }
  }

  @Test
  void aFileTakenOverByAnotherProcessIsLeftAlone() throws Exception {
    Path file = dir.resolve("sc.pid");
    PidFile pid = PidFile.write(file, 4242, w -> { });
    Files.writeString(file, "4343\n");
    pid.close();
    assertThat(Files.readString(file)).isEqualTo("4343\n");
  }
}
