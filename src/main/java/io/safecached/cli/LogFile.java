package io.safecached.cli;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The log file of {@code --log-file} (Debian's {@code logfile} line): appended to, and reopened on SIGHUP so
 * that logrotate can move it away and signal the server, which then writes to a new file of the same name.
 */
final class LogFile extends Writer {
  private final Path path;
  private Writer out;

  private LogFile(Path path, Writer out) {
    this.path = path;
    this.out = out;
  }

  /** Opens {@code path} for appending, creating it if needed. */
  static LogFile open(Path path) throws IOException {
    return new LogFile(path, writer(path));
  }

  private static Writer writer(Path path) throws IOException {
    return Files.newBufferedWriter(path, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
        StandardOpenOption.APPEND, StandardOpenOption.WRITE);
  }

  /** The file's name, as given. */
  Path path() {
    return path;
  }

  /** Opens the file by its name again and writes there from now on; on failure the old file stays in use. */
  void reopen() throws IOException {
    Writer next = writer(path);
    Writer old;
    synchronized (lock) {
      old = out;
      out = next;
    }
    old.close();
  }

  @Override
  public void write(char[] buf, int off, int len) throws IOException {
    synchronized (lock) {
      out.write(buf, off, len);
    }
  }

  @Override
  public void flush() throws IOException {
    synchronized (lock) {
      out.flush();
    }
  }

  @Override
  public void close() throws IOException {
    synchronized (lock) {
      out.close();
    }
  }
}
