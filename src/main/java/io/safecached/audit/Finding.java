package io.safecached.audit;

/**
 * One finding on one target: its type (stable id), the severity for the target's scope, a detail line with
 * the evidence, and the remedy (the type's, or a more specific one).
 */
public record Finding(FindingType type, Severity severity, String detail, String remedy) {
  /** The stable id. */
  public String id() {
    return type.id();
  }
}
