package dev.toxserver.client;

/**
 * The keys a client needs for an authenticated, encrypted (ZeroMQ CURVE) connection: the server's
 * public key, which it verifies the server by, and its own key pair, which the server checks
 * against its authorised keys. Keys are the raw 32 bytes (the files hold them as Z85 text).
 *
 * @param serverPublicKey the server's public key
 * @param clientPublicKey this client's public key
 * @param clientSecretKey this client's secret key
 * @param serverKeySource where the server's key came from (a file name, for messages)
 * @param clientKeySource where this client's key pair came from (a file name, for messages)
 */
public record CurveKeys(
    byte[] serverPublicKey,
    byte[] clientPublicKey,
    byte[] clientSecretKey,
    String serverKeySource,
    String clientKeySource) {

  /** Size of every CURVE key in bytes. */
  public static final int KEY_BYTES = 32;

  public CurveKeys {
    for (byte[] k : new byte[][] {serverPublicKey, clientPublicKey, clientSecretKey}) {
      if (k == null || k.length != KEY_BYTES) {
        throw new IllegalArgumentException("A CURVE key has " + KEY_BYTES + " bytes");
      }
    }
    serverPublicKey = serverPublicKey.clone();
    clientPublicKey = clientPublicKey.clone();
    clientSecretKey = clientSecretKey.clone();
  }

  @Override
  public String toString() {
    // Never the secret key: this ends up in logs.
    return "CurveKeys[server key from "
        + serverKeySource
        + ", client key from "
        + clientKeySource
        + "]";
  }
}
