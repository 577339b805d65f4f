package dev.toxserver.server;

import dev.toxserver.transport.Wakeup;
import java.nio.channels.SelectableChannel;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * What other threads hand the loop thread: tasks to run there, and wake-ups when a run's output is
 * waiting. They never touch the socket themselves (see {@link Wakeup}).
 */
final class LoopInbox implements AutoCloseable {
  private final Wakeup wakeup = new Wakeup();
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();

  /** Any thread: has the loop thread run {@code task} on its next pass. */
  void post(Runnable task) {
    tasks.add(task);
    wakeup.wake();
  }

  /** Any thread: makes the loop's poll return, e.g. for output a run has queued. */
  void wake() {
    wakeup.wake();
  }

  /** The channel the loop polls next to its socket. */
  SelectableChannel channel() {
    return wakeup.channel();
  }

  /** Loop thread: consumes the wake-ups, before it looks at what was handed over. */
  void clearWakeups() {
    wakeup.clear();
  }

  /** Loop thread: runs the posted tasks. */
  void runPosted() {
    for (Runnable r; (r = tasks.poll()) != null; ) {
      r.run();
    }
  }

  @Override
  public void close() {
    wakeup.close();
  }
}
