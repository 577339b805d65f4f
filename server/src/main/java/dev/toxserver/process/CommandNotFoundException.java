package dev.toxserver.process;

/** The command to run is not on PATH (or not an executable file). */
public final class CommandNotFoundException extends Exception {
  public CommandNotFoundException(String message) {
    super(message);
  }
}
