package io.safecached.cli;

import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a bash script in fresh network and PID namespaces ({@code unshare --net --pid}) where only the loopback
 * interface exists and is up: an audit that misreads its input gets "network unreachable" instead of reaching a
 * real host, every port is free, and every process the script starts dies with it. Tests that need it are
 * skipped, with the reason, where {@code unshare} is missing or not permitted (it needs root).
 */
final class Netns {
  /** Exit code, stdout and stderr of one script. */
  record Result(int code, String out, String err) {}

  private Netns() {}

  /** Skips the calling test unless network namespaces can be created here. */
  static void assumeAvailable() {
    String why = unavailable();
    assumeThat(why).as("network namespace for audit probes: " + why).isNull();
  }

  private static String unavailable() {
    try {
      Process p = new ProcessBuilder("unshare", "--net", "--pid", "--fork", "--kill-child", "--mount-proc", "--",
          "ip", "link", "set", "lo", "up").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return "unshare did not finish";
      }
      return p.exitValue() == 0 ? null : "unshare --net failed (needs root): " + out.strip();
    } catch (IOException e) {
      return "unshare or ip not installed (util-linux, iproute2): " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  /** Runs {@code script} (bash, after {@code ip link set lo up}) in {@code dir}, killed after {@code timeout}. */
  static Result run(Path dir, String script, Duration timeout) throws IOException, InterruptedException {
    Path file = dir.resolve("netns-script.sh");
    Files.writeString(file, "set -euo pipefail\nip link set lo up\n" + script);
    Path out = dir.resolve("netns-stdout.txt");
    Path err = dir.resolve("netns-stderr.txt");
    Process p = new ProcessBuilder(List.of("unshare", "--net", "--pid", "--fork", "--kill-child", "--mount-proc",
        "--", "bash", file.toString())).directory(dir.toFile()).redirectOutput(out.toFile())
        .redirectError(err.toFile()).start();
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new IllegalStateException("netns script still running after " + timeout + ": " + Files.readString(err));
    }
    return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
  }
}
