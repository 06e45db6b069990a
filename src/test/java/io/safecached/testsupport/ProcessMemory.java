package io.safecached.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A process's memory as Linux reports it in /proc/&lt;pid&gt;/status. */
public final class ProcessMemory {
  private ProcessMemory() {
  }

  /** Resident set size now, in kB (VmRSS). */
  public static long rssKb(long pid) throws IOException {
    return field(pid, "VmRSS:");
  }

  /** The highest resident set size so far, in kB (VmHWM). */
  public static long peakKb(long pid) throws IOException {
    return field(pid, "VmHWM:");
  }

  private static long field(long pid, String name) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith(name)) {
        return Long.parseLong(line.substring(name.length()).trim().split("\\s+")[0]);
      }
    }
    throw new IOException(name + " not in /proc/" + pid + "/status");
  }
}
