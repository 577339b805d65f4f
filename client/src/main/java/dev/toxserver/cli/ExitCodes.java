package dev.toxserver.cli;

import dev.toxserver.client.AuthenticationException;
import dev.toxserver.client.ServerErrorException;
import dev.toxserver.client.ServerUnreachableException;
import dev.toxserver.keys.KeyFileException;
import java.io.IOException;

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

  /**
   * The exit code for a command that failed with {@code failure}: the one mapping from what went
   * wrong to how the process ends, for every command of both programs.
   *
   * <ul>
   *   <li>{@link UsageError}: {@link #USAGE};
   *   <li>{@link AuthenticationException} (the server refused our key, or CURVE on one side only),
   *       {@link KeyFileException} (a key file missing or broken): {@link #AUTH};
   *   <li>{@link ServerUnreachableException}, and {@link IllegalArgumentException} (jeromq's answer
   *       to an endpoint it cannot use): {@link #UNREACHABLE};
   *   <li>{@link ServerErrorException} (the server answered with an error), {@link
   *       StartUpException}, {@link IOException}: {@link #ERROR};
   *   <li>anything else is a bug: {@link #INTERNAL}.
   * </ul>
   */
  public static int of(Throwable failure) {
    if (failure instanceof UsageError) {
      return USAGE;
    }
    if (failure instanceof AuthenticationException || failure instanceof KeyFileException) {
      return AUTH;
    }
    if (failure instanceof ServerUnreachableException
        || failure instanceof IllegalArgumentException) {
      return UNREACHABLE;
    }
    if (failure instanceof ServerErrorException
        || failure instanceof StartUpException
        || failure instanceof IOException) {
      return ERROR;
    }
    return INTERNAL;
  }
}
