package io.safecached.audit;

/** Bad input from the user (a target, a port list, an option); the CLI reports it and exits with 2. */
public final class UsageException extends RuntimeException {
  public UsageException(String message) {
    super(message);
  }
}
