package dev.toxserver.keys;

import java.util.Arrays;
import org.zeromq.ZMQ;

/**
 * A CURVE key pair (raw 32-byte keys).
 *
 * @param publicKey what others authorise or verify this side by
 * @param secretKey never leaves its 0600 file and this process
 */
public record KeyPair(byte[] publicKey, byte[] secretKey) {
  public KeyPair {
    publicKey = publicKey.clone();
    secretKey = secretKey.clone();
  }

  /** A new random key pair. */
  public static KeyPair generate() {
    ZMQ.Curve.KeyPair k = ZMQ.Curve.generateKeyPair();
    return new KeyPair(ZMQ.Curve.z85Decode(k.publicKey), ZMQ.Curve.z85Decode(k.secretKey));
  }

  /** The public key as Z85 text, as the files and the logs show it. */
  public String publicZ85() {
    return ZMQ.Curve.z85Encode(publicKey);
  }

  /** Whether the public key belongs to the secret one (a tampered file breaks this). */
  public boolean consistent() {
    byte[] derived = new byte[32];
    com.neilalexander.jnacl.crypto.curve25519.crypto_scalarmult_base(derived, secretKey);
    return Arrays.equals(derived, publicKey);
  }

  @Override
  public String toString() {
    return "KeyPair[" + publicZ85() + "]"; // never the secret key
  }
}
