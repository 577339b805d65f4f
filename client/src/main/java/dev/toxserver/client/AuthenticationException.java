package dev.toxserver.client;

import java.time.Duration;

/**
 * The connection failed in its handshake: the server rejected this client's key, wants CURVE from a
 * client that has no server key, or does not speak CURVE while this client does. Retrying does not
 * help; the message says what does. A kind of {@link ServerUnreachableException}, so that code that
 * reports an unreachable server reports this too, with its own message.
 */
public final class AuthenticationException extends ServerUnreachableException {
  /** What went wrong, for callers that word it themselves. */
  public enum Kind {
    /** The server's ZAP handler refused this client's public key (status 400). */
    KEY_REJECTED,
    /** A plaintext client met a server that requires CURVE. */
    SERVER_REQUIRES_AUTH,
    /** A CURVE client met a server without CURVE (or not a ZeroMQ server at all). */
    SERVER_WITHOUT_AUTH,
    /** CURVE on both sides, but the server could not be verified: a stale server key. */
    WRONG_SERVER_KEY
  }

  private final Kind kind;

  public AuthenticationException(Kind kind, String message, String endpoint, Duration timeout) {
    super(message, endpoint, timeout);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
