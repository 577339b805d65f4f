package dev.toxserver.client;

/** The server answered a request with ERR; the message is the server's. */
public final class ServerErrorException extends Exception {
  public ServerErrorException(String message) {
    super(message);
  }
}
