package dev.toxserver.server;

import dev.toxserver.process.ProcessTree;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;

/**
 * The mark a server puts on every process it starts: a random token (256 bits from SecureRandom,
 * drawn once per server start) in the run's environment as {@value #VARIABLE}, which the whole tree
 * inherits. Only its SHA-256 is written down (in the {@link RunRecord}); the token itself is in the
 * environment of the run's processes, which Linux lets only their owner (and root) read. A process
 * carries it only if it was started from one of that server's runs: so the sweep signals nothing
 * that does not carry it, whatever a record says.
 */
final class RunToken {
  /** The variable that carries the token. */
  static final String VARIABLE = "TOX_SERVER_RUN_TOKEN";

  private static final SecureRandom RANDOM = new SecureRandom();

  private final String token;

  private RunToken(String token) {
    this.token = token;
  }

  /** A new, unguessable token. */
  static RunToken random() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return new RunToken(HexFormat.of().formatHex(b));
  }

  /** What every run gets in its environment. */
  Map<String, String> environment() {
    return Map.of(VARIABLE, token);
  }

  /** The SHA-256 of the token, in hex: what a record holds. */
  String sha256Hex() {
    return HexFormat.of().formatHex(sha256(token.getBytes(StandardCharsets.US_ASCII)));
  }

  /** Whether {@code pid} was started with the token whose SHA-256 is {@code sha256Hex}. */
  static boolean carriedBy(long pid, String sha256Hex) {
    return ProcessTree.environmentValue(pid, VARIABLE)
        .map(
            t ->
                MessageDigest.isEqual(
                    sha256(t.getBytes(StandardCharsets.UTF_8)), HexFormat.of().parseHex(sha256Hex)))
        .orElse(false);
  }

  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java has SHA-256", e);
    }
  }
}
