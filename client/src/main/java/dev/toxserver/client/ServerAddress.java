package dev.toxserver.client;

/**
 * Where a client connects and how: the one value every client of the bridge and the CLI is built
 * from, so that plaintext or CURVE is decided in one place.
 *
 * @param endpoint e.g. {@code tcp://localhost:9876}
 * @param curve the keys for an authenticated connection, or null for plaintext (protocol v1 as the
 *     original tool speaks it)
 */
public record ServerAddress(String endpoint, CurveKeys curve) {
  /** {@code tcp://HOST:PORT}, an IPv6 literal in brackets. */
  public static String endpoint(String host, int port) {
    return "tcp://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  /** A plaintext connection to {@code endpoint}. */
  public static ServerAddress plain(String endpoint) {
    return new ServerAddress(endpoint, null);
  }

  /** Whether connections are authenticated and encrypted. */
  public boolean authenticated() {
    return curve != null;
  }

  /** A new client for this address (the caller's thread owns its socket). */
  public ToxServerClient connect() {
    return new ToxServerClient(this);
  }
}
