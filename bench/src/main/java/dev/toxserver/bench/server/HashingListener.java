package dev.toxserver.bench.server;

import dev.toxserver.client.ClientListener;
import dev.toxserver.protocol.Stream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

/** A listener that counts and hashes what it receives, optionally pausing after each chunk. */
final class HashingListener implements ClientListener {
  private final long pauseMicros;
  private final MessageDigest sha = sha256();
  private long bytes;
  private long stderrBytes;
  private long chunks;
  private byte[] digest;

  HashingListener(long pauseMicros) {
    this.pauseMicros = pauseMicros;
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  @Override
  public void output(Stream stream, byte[] data, int offset, int length) {
    chunks++;
    if (stream == Stream.STDERR) {
      stderrBytes += length;
      return;
    }
    bytes += length;
    sha.update(data, offset, length);
    if (pauseMicros > 0) {
      try {
        TimeUnit.MICROSECONDS.sleep(pauseMicros); // a slow client, on purpose
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  long bytes() {
    return bytes;
  }

  long stderrBytes() {
    return stderrBytes;
  }

  long chunks() {
    return chunks;
  }

  byte[] digest() {
    if (digest == null) {
      digest = sha.digest();
    }
    return digest;
  }

  String describe() {
    return bytes
        + " bytes, "
        + stderrBytes
        + " on stderr, sha256 "
        + HexFormat.of().formatHex(digest()).substring(0, 16)
        + "…";
  }
}
