package dev.toxserver.support;

import dev.toxserver.client.FinishedRun;
import dev.toxserver.client.ToxServerClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A client running one RUN on a thread of its own (the socket's owner), so a test can do other
 * things meanwhile and then wait for the result with a deadline.
 */
public final class AsyncClient {
  public final Recorder recorder;
  public final CompletableFuture<FinishedRun> result = new CompletableFuture<>();
  private final CompletableFuture<ToxServerClient> client = new CompletableFuture<>();

  private AsyncClient(Recorder recorder) {
    this.recorder = recorder;
  }

  /** Starts {@code RUN args} with protocol {@code version} and heartbeat timeout (null: none). */
  public static AsyncClient run(
      String endpoint, int version, List<String> args, Duration timeout, Recorder recorder) {
    AsyncClient a = new AsyncClient(recorder);
    Thread t =
        new Thread(
            () -> {
              try (ToxServerClient c = new ToxServerClient(endpoint, version)) {
                a.client.complete(c);
                a.result.complete(c.run(args, timeout, recorder));
              } catch (Throwable e) {
                a.client.completeExceptionally(e);
                a.result.completeExceptionally(e);
              }
            },
            "test-client");
    t.setDaemon(true);
    t.start();
    return a;
  }

  public static AsyncClient run(String endpoint, List<String> args) {
    return run(endpoint, dev.toxserver.protocol.Protocol.VERSION, args, null, new Recorder());
  }

  /** Sends INTERRUPT for this client's run. */
  public void interrupt() throws Exception {
    client.get(10, TimeUnit.SECONDS).interrupt();
  }

  /** The run's result, or the client's exception, within {@code timeout}. */
  public FinishedRun await(Duration timeout) throws Exception {
    try {
      return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof Exception ex) {
        throw ex;
      }
      throw e;
    }
  }
}
