package io.safecached.config;

/** A setting that cannot be used; the message is one line naming it and saying what is wrong. */
public final class ConfigException extends IllegalArgumentException {
  public ConfigException(String message) {
    super(message);
  }
}
