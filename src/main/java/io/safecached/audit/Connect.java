package io.safecached.audit;

import java.util.Locale;

/** How a TCP connection attempt or a UDP exchange ended. */
public enum Connect {
  /** Connected (TCP) or answered (UDP). */
  OPEN,
  /** Refused (TCP RST) or ICMP port unreachable (UDP). */
  CLOSED,
  /** No answer within the timeout: filtered, down, or (UDP) open but silent. */
  NO_ANSWER,
  /** Host or network unreachable. */
  UNREACHABLE,
  /** Not attempted. */
  NOT_PROBED;

  /** The lower-case label used in reports. */
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
