package dev.toxserver.rpc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The editor's side of {@code bridge stdio}, for the bridge's tests and the stdio benchmark (which
 * use it from the bridge's test-jar): every notification the bridge sends, in order, with when it
 * arrived, and waits for them. Output is also counted per stream; with {@link #keepOutput(boolean)
 * keepOutput(false)} it is only counted, for runs that write more text than a heap should hold.
 */
public final class EditorRecorder implements BridgeApi.Editor {
  /** A notification, when it arrived ({@link System#nanoTime()}) and its place among all. */
  public record Timed<T>(T value, long nanos, long seq) {}

  private final Consumer<BridgeApi.Log> logs;
  private final List<Timed<Object>> received = new ArrayList<>();
  private final Map<String, Long> outputChars = new HashMap<>();
  private final Map<String, List<Long>> outputTimes = new HashMap<>();
  private long seq;
  private boolean keepOutput = true;

  /** A recorder that keeps everything. */
  public EditorRecorder() {
    this(log -> {});
  }

  /** A recorder that also hands every {@code log} notification to {@code logs} as it arrives. */
  public EditorRecorder(Consumer<BridgeApi.Log> logs) {
    this.logs = logs;
  }

  private synchronized void add(Object o) {
    received.add(new Timed<>(o, System.nanoTime(), seq++));
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
  public synchronized void output(BridgeApi.Output p) {
    long now = System.nanoTime();
    outputChars.merge(p.stream, (long) p.text.length(), Long::sum);
    outputTimes.computeIfAbsent(p.stream, s -> new ArrayList<>()).add(now);
    if (keepOutput) {
      received.add(new Timed<>(p, now, seq));
      notifyAll();
    }
    seq++;
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
    logs.accept(p);
  }

  /** Whether output notifications are kept (the default) or only counted from now on. */
  public synchronized void keepOutput(boolean keep) {
    keepOutput = keep;
  }

  /** Forgets the output received so far: the kept notifications and the counts. */
  public synchronized void resetOutput() {
    received.removeIf(t -> t.value() instanceof BridgeApi.Output);
    outputChars.clear();
    outputTimes.clear();
  }

  /** Every notification kept, in order. */
  public synchronized List<Object> all() {
    List<Object> out = new ArrayList<>();
    for (Timed<Object> t : received) {
      out.add(t.value());
    }
    return out;
  }

  /** Notifications of one type, in order. */
  public synchronized <T> List<T> of(Class<T> type) {
    List<T> out = new ArrayList<>();
    for (Timed<Object> t : received) {
      if (type.isInstance(t.value())) {
        out.add(type.cast(t.value()));
      }
    }
    return out;
  }

  /** How many notifications of one type have arrived. */
  public synchronized int count(Class<?> type) {
    return of(type).size();
  }

  /** The text of a run's stream, all kept output notifications joined. */
  public synchronized String text(int runId, String stream) {
    StringBuilder sb = new StringBuilder();
    for (BridgeApi.Output o : of(BridgeApi.Output.class)) {
      if (o.runId == runId && o.stream.equals(stream)) {
        sb.append(o.text);
      }
    }
    return sb.toString();
  }

  /** Characters of output received on these streams since the last reset, kept or not. */
  public synchronized long chars(String... streams) {
    long n = 0;
    for (String s : streams) {
      n += outputChars.getOrDefault(s, 0L);
    }
    return n;
  }

  /** When each output notification of {@code stream} arrived since the last reset, in order. */
  public synchronized List<Long> outputTimes(String stream) {
    return new ArrayList<>(outputTimes.getOrDefault(stream, List.of()));
  }

  /** Waits for the {@code n}-th notification of {@code type} that matches; returns it. */
  public <T> T await(Class<T> type, Predicate<T> matching, int n, Duration timeout)
      throws InterruptedException {
    return awaitTimed(type, matching, n, timeout).value();
  }

  public <T> T await(Class<T> type, Predicate<T> matching, Duration timeout)
      throws InterruptedException {
    return await(type, matching, 1, timeout);
  }

  /** Waits for the {@code n}-th notification of {@code type} that matches; returns it timed. */
  @SuppressWarnings("unchecked")
  public synchronized <T> Timed<T> awaitTimed(
      Class<T> type, Predicate<T> matching, int n, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      int seen = 0;
      for (Timed<Object> t : received) {
        if (type.isInstance(t.value()) && matching.test(type.cast(t.value())) && ++seen == n) {
          return (Timed<T>) (Timed<?>) t;
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

  /** Waits until every run queued so far has finished. */
  public synchronized void awaitIdle(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (count(BridgeApi.RunQueued.class) != count(BridgeApi.RunFinished.class)) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("Timed out waiting for the runs to finish; got " + describe());
      }
      wait(Math.max(1, left / 1_000_000));
    }
  }

  private String describe() {
    StringBuilder sb = new StringBuilder();
    for (Timed<Object> t : received) {
      sb.append("\n  ").append(t.value().getClass().getSimpleName()).append(' ');
      sb.append(new com.google.gson.Gson().toJson(t.value()));
    }
    return sb.toString();
  }
}
