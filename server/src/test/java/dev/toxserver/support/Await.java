package dev.toxserver.support;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waits for a condition that no event announces (a process dying, a file appearing), with a
 * deadline.
 */
public final class Await {
  private Await() {}

  public static void until(BooleanSupplier condition, Duration timeout, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "Timed out after " + timeout.toMillis() + " ms waiting for " + what);
      }
      Thread.sleep(10);
    }
  }

  /** Whether a process with this pid is running (not gone, not a zombie). */
  public static boolean running(long pid) {
    return ProcessHandle.of(pid).map(dev.toxserver.process.ProcessTree::isRunning).orElse(false);
  }
}
