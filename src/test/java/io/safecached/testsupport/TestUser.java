package io.safecached.testsupport;

import java.util.List;

/**
 * The {@code -u} flags a test adds when it starts safecached's {@code serve} in a JVM of its own or through
 * {@code Main}: like memcached, safecached refuses to run as root without {@code -u}, and tests run as root in
 * CI containers, so there they pass {@code -u root} (the explicit opt-in), as memcached's own tests do. Empty
 * for any other user.
 */
public final class TestUser {
  /** {@code -u root} when this JVM runs as root, else nothing. */
  public static final List<String> SERVE_FLAGS =
      "root".equals(System.getProperty("user.name")) ? List.of("-u", "root") : List.of();

  private TestUser() {}
}
