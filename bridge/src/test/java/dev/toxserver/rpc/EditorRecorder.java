package dev.toxserver.rpc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** The editor's side in tests: every notification the bridge sends, in order, with waits. */
final class EditorRecorder implements BridgeApi.Editor {
  private final List<Object> received = new ArrayList<>();

  private synchronized void add(Object o) {
    received.add(o);
    notifyAll();
  }

  @Override
  public void runQueued(BridgeApi.RunQueued p) {
    add(p);
  }

  @Override
  public void runStarted(BridgeApi.RunStarted p) {
    add(p);
  }

  @Override
  public void output(BridgeApi.Output p) {
    add(p);
  }

  @Override
  public void runFinished(BridgeApi.RunFinished p) {
    add(p);
  }

  @Override
  public void serverStatus(BridgeApi.ServerStatus p) {
    add(p);
  }

  @Override
  public void log(BridgeApi.Log p) {
    add(p);
  }

  synchronized List<Object> all() {
    return new ArrayList<>(received);
  }

  /** Notifications of one type, in order. */
  synchronized <T> List<T> of(Class<T> type) {
    List<T> out = new ArrayList<>();
    for (Object o : received) {
      if (type.isInstance(o)) {
        out.add(type.cast(o));
      }
    }
    return out;
  }

  /** The text of a run's stream, all output notifications joined. */
  synchronized String text(int runId, String stream) {
    StringBuilder sb = new StringBuilder();
    for (BridgeApi.Output o : of(BridgeApi.Output.class)) {
      if (o.runId == runId && o.stream.equals(stream)) {
        sb.append(o.text);
      }
    }
    return sb.toString();
  }

  /** Waits for the {@code n}-th notification of {@code type} that matches; returns it. */
  synchronized <T> T await(Class<T> type, Predicate<T> matching, int n, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      int seen = 0;
      for (T t : of(type)) {
        if (matching.test(t) && ++seen == n) {
          return t;
        }
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError(
            "Timed out waiting for " + type.getSimpleName() + " #" + n + "; got " + describe());
      }
      wait(Math.max(1, left / 1_000_000));
    }
  }

  <T> T await(Class<T> type, Predicate<T> matching, Duration timeout) throws InterruptedException {
    return await(type, matching, 1, timeout);
  }

  private String describe() {
    StringBuilder sb = new StringBuilder();
    for (Object o : received) {
      sb.append("\n  ").append(o.getClass().getSimpleName()).append(' ');
      sb.append(new com.google.gson.Gson().toJson(o));
    }
    return sb.toString();
  }
}
