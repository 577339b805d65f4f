package dev.toxserver.rpc;

import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Sends the output of the run in flight as it gathers: a thread of its own flushes the run's {@link
 * OutputCoalescer} four times a period, and sleeps between runs. {@link #close} stops it.
 */
final class OutputFlusher implements AutoCloseable {
  private final Thread thread;

  // Guarded by this.
  private OutputCoalescer output;
  private boolean closed;

  OutputFlusher() {
    thread = new Thread(this::loop, "bridge-output");
    thread.setDaemon(true);
    thread.start();
  }

  /** A run starts: its output, sent by {@code send(stream, text)}, is flushed from now on. */
  synchronized OutputCoalescer begin(BiConsumer<String, String> send) {
    output = new OutputCoalescer(send);
    notifyAll();
    return output;
  }

  /** The run has ended: what is left of its output is sent now, on the caller's thread. */
  void end(OutputCoalescer out) {
    out.finish();
    synchronized (this) {
      if (output == out) {
        output = null;
      }
    }
  }

  private void loop() {
    try {
      while (true) {
        OutputCoalescer out;
        synchronized (this) {
          while (output == null && !closed) {
            wait(); // idle between runs: no wake-ups
          }
          if (closed) {
            return;
          }
          out = output;
        }
        out.flush(false);
        // A quarter period: a stream's text waits at most a little over one period.
        TimeUnit.NANOSECONDS.sleep(OutputCoalescer.PERIOD_NANOS / 4);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      notifyAll();
    }
    try {
      thread.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
