package dev.toxserver.transport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectableChannel;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Wakes a thread blocked in a ZeroMQ poll from any other thread.
 *
 * <p>ZeroMQ sockets must stay with the one thread that owns them, so other threads never touch the
 * socket: they hand work over (a queue) and call {@link #wake()}. The owner registers {@link
 * #channel()} in its poller next to its socket and calls {@link #clear()} when it fires.
 */
public final class Wakeup implements AutoCloseable {
  private final Pipe pipe;
  private final AtomicBoolean pending = new AtomicBoolean();
  private final ByteBuffer one = ByteBuffer.allocate(1);
  private final ByteBuffer drain = ByteBuffer.allocate(64);

  public Wakeup() {
    try {
      pipe = Pipe.open();
      pipe.source().configureBlocking(false);
      pipe.sink().configureBlocking(false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a wake-up pipe", e);
    }
  }

  /** The channel to poll for readability. */
  public SelectableChannel channel() {
    return pipe.source();
  }

  /** Makes the owner's poll return soon. Cheap when a wake-up is already pending. */
  public void wake() {
    if (pending.compareAndSet(false, true)) {
      synchronized (one) {
        try {
          one.clear();
          pipe.sink().write(one);
        } catch (IOException e) {
          // The pipe is closed: the owner is shutting down and needs no wake-up.
        }
      }
    }
  }

  /**
   * Owner only: consumes pending wake-ups, after which {@link #wake()} signals again. Call it
   * before looking at the handed-over work, so that work handed over meanwhile is either seen now
   * or signalled anew.
   */
  public void clear() {
    // Drain first, then re-arm: re-arming first would let a wake() in between write a byte that
    // the drain then swallows, leaving "pending" set with nothing to read, so that every later
    // wake() is a no-op and the owner sleeps until some timeout.
    try {
      while (true) {
        drain.clear();
        if (pipe.source().read(drain) <= 0) {
          break;
        }
      }
    } catch (IOException e) {
      // Closed: nothing left to drain.
    }
    pending.set(false);
  }

  @Override
  public void close() {
    try {
      pipe.sink().close();
      pipe.source().close();
    } catch (IOException e) {
      // Closing a pipe we own: nothing to recover.
    }
  }
}
