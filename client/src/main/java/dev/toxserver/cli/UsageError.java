package dev.toxserver.cli;

/**
 * A problem with the command line or the environment: printed with a hint to {@code --help}, exit
 * code 2.
 */
public final class UsageError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UsageError(String message) {
    super(message);
  }
}
