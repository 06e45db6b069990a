package io.safecached.audit.probe;

import io.netty.channel.ConnectTimeoutException;
import io.safecached.audit.Connect;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.util.Locale;

/** Maps a failed connection attempt to a {@link Connect} outcome. */
final class ConnectFailure {
  private ConnectFailure() {}

  static Connect classify(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c && !(c instanceof ConnectException)) {
      c = c.getCause();
    }
    String msg = String.valueOf(c.getMessage()).toLowerCase(Locale.ROOT);
    if (c instanceof ConnectTimeoutException || msg.contains("timed out")) {
      return Connect.NO_ANSWER;
    }
    if (c instanceof PortUnreachableException || msg.contains("refused")) {
      return Connect.CLOSED;
    }
    if (c instanceof NoRouteToHostException || msg.contains("unreachable") || msg.contains("no route")) {
      return Connect.UNREACHABLE;
    }
    if (c instanceof ConnectException) {
      return Connect.CLOSED;
    }
    return Connect.UNREACHABLE;
  }

  static String describe(Throwable t) {
    String m = t.getMessage();
    return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }
}
