package dev.toxserver.cli;

/**
 * Something a command needs could not be started (e.g. the embedded server of {@code --local}, or a
 * file watcher): the message says why and what to do; exit code 1.
 */
public class StartUpException extends Exception {
  private static final long serialVersionUID = 1L;

  public StartUpException(String message) {
    super(message);
  }

  public StartUpException(String message, Throwable cause) {
    super(message, cause);
  }
}
