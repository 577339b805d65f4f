package dev.toxserver.protocol;

/**
 * A message that does not follow the protocol. When {@link #route()} is known the sender can be
 * told with an ERR reply carrying {@link #getMessage()}; otherwise the message can only be dropped.
 */
public final class ProtocolException extends Exception {
  private final transient Route route;

  /** A bad message whose sender is known and can get an ERR reply. */
  public ProtocolException(Route route, String message) {
    super(message);
    this.route = route;
  }

  /** A message so malformed that nobody can be answered. */
  public static ProtocolException unanswerable(String message) {
    return new ProtocolException(null, message);
  }

  /** The sender to answer, or null when the message can only be dropped. */
  public Route route() {
    return route;
  }

  /** Whether the sender can be answered with an ERR. */
  public boolean answerable() {
    return route != null;
  }
}
