package io.safecached.server;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time used by this process, split into user and system time where the OS says (Linux /proc). */
final class ProcessStats {
  private static final Path PROC_STAT = Path.of("/proc/self/stat");
  /** Linux reports utime/stime in clock ticks; USER_HZ is 100 on every mainstream architecture. */
  private static final long TICKS_PER_SECOND = 100;

  private ProcessStats() {}

  /** {@code [user, system]} CPU time in microseconds. */
  static long[] cpuMicros() {
    try {
      String stat = Files.readString(PROC_STAT);
      // fields after the command name, which is in parentheses and may contain spaces
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long utime = Long.parseLong(f[11]);
      long stime = Long.parseLong(f[12]);
      return new long[] {utime * 1_000_000 / TICKS_PER_SECOND, stime * 1_000_000 / TICKS_PER_SECOND};
    } catch (IOException | RuntimeException e) {
      var os = ManagementFactory.getOperatingSystemMXBean();
      long total = os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() / 1000 : 0;
      return new long[] {Math.max(total, 0), 0};
    }
  }

  /** memcached's {@code sec.usec} format for rusage values. */
  static String secUsec(long micros) {
    return (micros / 1_000_000) + "." + String.format("%06d", micros % 1_000_000);
  }
}
