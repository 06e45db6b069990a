package io.safecached.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * memcached's {@code -P FILE}: the process id and a newline, written once the server listens (under a temporary
 * name, then renamed, so that a reader never sees it half written) and removed when the server stops cleanly.
 * As in memcached, a pid file that cannot be written is a warning, not a reason to stop, and a file that names
 * a process still running is overwritten with a warning.
 */
final class PidFile implements AutoCloseable {
  private final Path path;
  private final long pid;
  private boolean removed;

  private PidFile(Path path, long pid) {
    this.path = path;
    this.pid = pid;
  }

  /** Writes {@code pid} to {@code path}; throws with a one-line reason when it cannot. */
  static PidFile write(Path path, long pid, java.util.function.Consumer<String> warn) throws IOException {
    try {
      String old = Files.readString(path, StandardCharsets.US_ASCII).strip();
      long running = Long.parseLong(old);
      if (running != pid && ProcessHandle.of(running).map(ProcessHandle::isAlive).orElse(false)) {
        warn.accept("the pid file " + path + " named a running process (" + running + "); overwriting it");
      }
    } catch (IOException | NumberFormatException e) {
      // no old file, or nothing usable in it
    }
    Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
    Files.writeString(tmp, pid + "\n", StandardCharsets.US_ASCII);
    Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return new PidFile(path, pid);
  }

  /** Removes the file if it still holds this process's id (another instance may have taken it over). */
  @Override
  public synchronized void close() {
    if (removed) {
      return;
    }
    removed = true;
    try {
      if (Files.readString(path, StandardCharsets.US_ASCII).strip().equals(Long.toString(pid))) {
        Files.delete(path);
      }
    } catch (IOException e) {
      // already gone, or never ours to remove
    }
  }
}
