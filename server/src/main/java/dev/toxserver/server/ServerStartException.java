package dev.toxserver.server;

/** The server cannot start; the message says why and what to do. */
public final class ServerStartException extends Exception {
  public ServerStartException(String message) {
    super(message);
  }

  public ServerStartException(String message, Throwable cause) {
    super(message, cause);
  }
}
