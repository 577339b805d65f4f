package dev.toxserver.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Waits for a condition that no event announces (a process dying, a file appearing), with a
 * deadline. The one polling loop of the tests and the benchmarks.
 */
public final class Await {
  private Await() {}

  /** How long to sleep between two looks: short beside every timeout, long beside a look. */
  private static final long POLL_MILLIS = 10;

  /**
   * A condition looked at again and again. It may throw (a file read, a server asked): that ends
   * the wait with the exception.
   */
  @FunctionalInterface
  public interface Condition<E extends Exception> {
    boolean holds() throws E;
  }

  /** A look for a value, empty while there is none yet; it may throw, which ends the wait. */
  @FunctionalInterface
  public interface Probe<T, E extends Exception> {
    Optional<T> look() throws E;
  }

  /** Waits until {@code condition} holds; an AssertionError naming {@code what} on timeout. */
  public static <E extends Exception> void until(
      Condition<E> condition, Duration timeout, String what) throws E, InterruptedException {
    until(condition, timeout, () -> what);
  }

  /** The same, with the description made at the timeout (so it can show the state then). */
  public static <E extends Exception> void until(
      Condition<E> condition, Duration timeout, Supplier<String> what)
      throws E, InterruptedException {
    value(() -> condition.holds() ? Optional.of(Boolean.TRUE) : Optional.empty(), timeout, what);
  }

  /** Waits until {@code probe} finds a value and returns it; an AssertionError on timeout. */
  public static <T, E extends Exception> T value(Probe<T, E> probe, Duration timeout, String what)
      throws E, InterruptedException {
    return value(probe, timeout, () -> what);
  }

  /** The same, with the description made at the timeout. */
  public static <T, E extends Exception> T value(
      Probe<T, E> probe, Duration timeout, Supplier<String> what) throws E, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Optional<T> found = probe.look();
      if (found.isPresent()) {
        return found.get();
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "Timed out after " + timeout.toMillis() + " ms waiting for " + what.get());
      }
      Thread.sleep(POLL_MILLIS);
    }
  }

  /**
   * The pid a test process writes to {@code file} ({@code echo $! > file}), once the whole line is
   * there: the shell creates the file before it writes to it.
   */
  public static long pidIn(Path file, Duration timeout) throws IOException, InterruptedException {
    return value(
        () -> {
          try {
            String text = Files.readString(file);
            return text.endsWith("\n")
                ? Optional.of(Long.parseLong(text.trim()))
                : Optional.<Long>empty();
          } catch (NoSuchFileException e) {
            return Optional.<Long>empty();
          }
        },
        timeout,
        "a pid in " + file);
  }

  /** Whether a process with this pid is running (not gone, not a zombie). */
  public static boolean running(long pid) {
    return ProcessHandle.of(pid).map(dev.toxserver.process.ProcessTree::isRunning).orElse(false);
  }
}
