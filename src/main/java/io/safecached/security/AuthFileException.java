package io.safecached.security;

/**
 * A user file that cannot be used: missing, unreadable, without users or with a bad line. The message is one
 * line naming the file and, for a bad line, its number: {@code auth file /etc/users line 3: no ':' ...}.
 */
public final class AuthFileException extends Exception {
  private static final long serialVersionUID = 1L;

  public AuthFileException(String message) {
    super(message);
  }

  AuthFileException(String message, Throwable cause) {
    super(message, cause);
  }
}
