package dev.toxserver.client;

import dev.toxserver.transport.Wakeup;

/**
 * Cancels one request (INTERRUPT) from any thread: cancelled before the request is sent, the
 * INTERRUPT follows it at once; while it is in flight, the client sends INTERRUPT now; once the
 * request has ended, cancelling does nothing — it can never reach another request.
 */
public final class Cancellation {
  private volatile boolean requested;
  private volatile Wakeup inFlight; // the client's, while the request is in flight

  /** Asks for the request to be cancelled. Safe from any thread, any number of times. */
  public void cancel() {
    requested = true;
    Wakeup w = inFlight;
    if (w != null) {
      w.wake(); // a late one only wakes the owner for nothing
    }
  }

  /** Whether {@link #cancel()} was called. */
  public boolean requested() {
    return requested;
  }

  /** The client sends the request with this wake-up; null once it has ended. */
  void bind(Wakeup wakeup) {
    inFlight = wakeup;
  }
}
