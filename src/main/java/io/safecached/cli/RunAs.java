package io.safecached.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * memcached's rule for root, decided before the server starts: as root, {@code serve} refuses to run without
 * {@code -u USER}; {@code -u root} is the explicit opt-in. The JVM cannot change its own user, so switching is
 * done before it starts: {@code bin/safecached} re-executes itself through {@code setpriv} when run as root
 * with {@code -u USER}, and the JVM then runs as that user. A JVM still running as root with another
 * {@code -u} was started some other way and refuses, saying how to start it. As in memcached, {@code -u} means
 * nothing to a process that is not root; it is ignored then, with a warning when it names another user.
 */
final class RunAs {
  /** What to do: refuse start-up with a message (exit 64), or go on, with a warning when there is one. */
  record Decision(String refusal, String warning) {
    static final Decision GO = new Decision(null, null);

    boolean refused() {
      return refusal != null;
    }
  }

  private RunAs() {}

  /**
   * The decision for a process running as {@code currentUser} ({@code root} true when its real or effective
   * user id is 0) asked to run as {@code requested} (null when {@code -u} was not given).
   */
  static Decision decide(boolean root, String currentUser, String requested) {
    if (requested != null && requested.isBlank()) {
      return new Decision("user name is empty (-u)", null);
    }
    if (root) {
      if (requested == null) {
        return new Decision("can't run as root without the -u switch: give -u <user> to serve as that user "
            + "(bin/safecached switches to it with setpriv), or -u root to run as root anyway", null);
      }
      if (requested.equals("root")) {
        return Decision.GO;
      }
      return new Decision("cannot switch to user '" + requested + "' from inside the JVM: start safecached "
          + "with bin/safecached (it switches with setpriv before the JVM starts) or as that user, e.g. "
          + "setpriv --reuid=" + requested + " --regid=$(id -g " + requested + ") --init-groups java -jar safecached.jar "
          + "serve ...", null);
    }
    if (requested != null && !requested.equals(currentUser)) {
      return new Decision(null, "-u " + requested + " has no effect: running as '" + currentUser
          + "', not as root; only root can switch users");
    }
    return Decision.GO;
  }

  /** {@link #decide} for this process. */
  static Decision decide(String requested) {
    return decide(isRoot(), System.getProperty("user.name", "?"), requested);
  }

  /** Whether this process runs as root: real or effective user id 0 (from /proc, else the user name). */
  static boolean isRoot() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          String[] ids = line.substring(4).strip().split("\\s+");
          return ids[0].equals("0") || (ids.length > 1 && ids[1].equals("0"));
        }
      }
    } catch (IOException | RuntimeException e) {
      // no /proc (not Linux): fall back on the name
    }
    return "root".equals(System.getProperty("user.name"));
  }
}
