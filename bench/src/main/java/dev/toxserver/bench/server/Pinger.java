package dev.toxserver.bench.server;

import dev.toxserver.client.ToxServerClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** PINGs every 10 ms on a connection of its own, timing each reply, until stopped. */
final class Pinger {
  private final String endpoint;
  private final List<Long> nanos = new ArrayList<>();
  private final CompletableFuture<Void> finished = new CompletableFuture<>();
  private volatile boolean stopped;

  Pinger(String endpoint) {
    this.endpoint = endpoint;
  }

  void start() {
    Thread thread =
        new Thread(
            () -> {
              try (ToxServerClient client = new ToxServerClient(endpoint)) {
                while (!stopped) {
                  long t0 = System.nanoTime();
                  client.ping(Duration.ofSeconds(10));
                  long t = System.nanoTime() - t0;
                  synchronized (nanos) {
                    nanos.add(t);
                  }
                  Thread.sleep(10); // the pace of the pings
                }
                finished.complete(null);
              } catch (Throwable e) {
                finished.completeExceptionally(e);
              }
            },
            "load-pinger");
    thread.setDaemon(true);
    thread.start();
  }

  /** Stops it; the latencies measured. A PING that went unanswered fails the benchmark. */
  List<Long> stop() throws Exception {
    stopped = true;
    finished.get(30, TimeUnit.SECONDS);
    synchronized (nanos) {
      return new ArrayList<>(nanos);
    }
  }
}
