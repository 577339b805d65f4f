package dev.toxserver.client;

import java.time.Duration;

/** No message came from the server within the timeout: it is not running, or not reachable. */
public class ServerUnreachableException extends Exception {
  private final String endpoint;
  private final Duration timeout;

  public ServerUnreachableException(String endpoint, Duration timeout, boolean midRequest) {
    super(
        (midRequest
                ? "The tox-server at " + endpoint + " stopped answering for " + seconds(timeout)
                : "No tox-server answered at " + endpoint + " within " + seconds(timeout))
            + " — is it running? Start it in the container with 'tox-server -p PORT serve', check"
            + " -h/--host and -p/--port, or wait longer with -t/--timeout.");
    this.endpoint = endpoint;
    this.timeout = timeout;
  }

  /** A failure with its own message (see {@link AuthenticationException}). */
  protected ServerUnreachableException(String message, String endpoint, Duration timeout) {
    super(message);
    this.endpoint = endpoint;
    this.timeout = timeout;
  }

  private static String seconds(Duration d) {
    double s = d.toMillis() / 1000.0;
    return (s == Math.rint(s) ? String.valueOf((long) s) : String.valueOf(s)) + " s";
  }

  /** Where the client tried to reach the server. */
  public String endpoint() {
    return endpoint;
  }

  /** How long it waited. */
  public Duration timeout() {
    return timeout;
  }
}
