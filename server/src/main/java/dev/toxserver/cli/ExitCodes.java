package dev.toxserver.cli;

/** Exit codes shared by {@code tox-server} and {@code bridge}; a run exits with its command's. */
public final class ExitCodes {
  private ExitCodes() {}

  /** The server answered with an error, or the server could not start. */
  public static final int ERROR = 1;

  /** A usage error: bad options or environment. */
  public static final int USAGE = 2;

  /** No server answered within the timeout (sysexits EX_UNAVAILABLE). */
  public static final int UNREACHABLE = 69;

  /**
   * Authentication failed (sysexits EX_NOPERM): the server rejected this client's key, one side
   * uses CURVE and the other does not, or a key file is missing or broken.
   */
  public static final int AUTH = 77;

  /** A bug: an unexpected exception (sysexits EX_SOFTWARE). */
  public static final int INTERNAL = 70;

  /** Interrupted with ^C (128 + SIGINT), as shells report it. */
  public static final int INTERRUPTED = 130;
}
