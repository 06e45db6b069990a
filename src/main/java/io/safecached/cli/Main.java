package io.safecached.cli;

/** Entry point of the safecached command line. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(0);
  }
}
