package dev.toxserver.support;

import dev.toxserver.client.ClientListener;
import dev.toxserver.protocol.Stream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.BooleanSupplier;

/** Records what a client hears, and lets a test wait for it with a deadline. */
public final class Recorder implements ClientListener {
  private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
  private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
  private final List<String> heartbeats = new ArrayList<>();
  private final MessageDigest stdoutSha = sha256();
  private final MessageDigest stderrSha = sha256();
  private long stdoutCount;
  private long stderrCount;
  private final boolean keep;

  /** Keeps all bytes. */
  public Recorder() {
    this(true);
  }

  /** {@code keep=false} only hashes and counts, for large outputs. */
  public Recorder(boolean keep) {
    this.keep = keep;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public synchronized void output(Stream stream, byte[] data, int offset, int length) {
    if (stream == Stream.STDOUT) {
      stdoutSha.update(data, offset, length);
      stdoutCount += length;
      if (keep) stdout.write(data, offset, length);
    } else {
      stderrSha.update(data, offset, length);
      stderrCount += length;
      if (keep) stderr.write(data, offset, length);
    }
    notifyAll();
  }

  @Override
  public synchronized void heartbeat(String state) {
    heartbeats.add(state);
    notifyAll();
  }

  public synchronized String stdout() {
    return stdout.toString(StandardCharsets.UTF_8);
  }

  public synchronized String stderr() {
    return stderr.toString(StandardCharsets.UTF_8);
  }

  public synchronized byte[] stdoutBytes() {
    return stdout.toByteArray();
  }

  public synchronized byte[] stderrBytes() {
    return stderr.toByteArray();
  }

  public synchronized long stdoutCount() {
    return stdoutCount;
  }

  public synchronized long stderrCount() {
    return stderrCount;
  }

  /** SHA-256 of everything received on the stream, as hex. Call once, at the end. */
  public synchronized String sha256(Stream s) {
    return HexFormat.of().formatHex((s == Stream.STDOUT ? stdoutSha : stderrSha).digest());
  }

  public synchronized List<String> heartbeats() {
    return new ArrayList<>(heartbeats);
  }

  /** Waits until stdout contains {@code text}. */
  public void awaitStdout(String text, Duration timeout) throws InterruptedException {
    await(
        () -> stdout().contains(text),
        timeout,
        "stdout to contain '" + text + "' (got: " + stdout() + ")");
  }

  /** Waits until a heartbeat with {@code state} has arrived. */
  public void awaitHeartbeat(String state, Duration timeout) throws InterruptedException {
    await(
        () -> heartbeats.contains(state),
        timeout,
        "a " + state + " heartbeat (got " + heartbeats() + ")");
  }

  private synchronized void await(BooleanSupplier condition, Duration timeout, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("Timed out waiting for " + what);
      }
      wait(Math.max(1, left / 1_000_000));
    }
  }
}
