package dev.toxserver.bench.server;

import dev.toxserver.client.ToxServerClient;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** One client of the load scenario: its own connection and thread, one RUN. */
record LoadClient(List<String> args, HashingListener received, CompletableFuture<Integer> done) {
  static LoadClient start(String endpoint, List<String> args) {
    LoadClient c = new LoadClient(args, new HashingListener(0), new CompletableFuture<>());
    Thread t =
        new Thread(
            () -> {
              try (ToxServerClient client = new ToxServerClient(endpoint)) {
                c.done()
                    .complete(
                        client.run(args, ServerBenchmark.RUN_TIMEOUT, c.received()).returncode());
              } catch (Throwable e) {
                c.done().completeExceptionally(e);
              }
            },
            "load-client");
    t.setDaemon(true);
    t.start();
    return c;
  }

  void await() throws Exception {
    done.get(ServerBenchmark.RUN_TIMEOUT.toSeconds() * 2, TimeUnit.SECONDS);
  }

  int returncode() {
    return done.getNow(-1);
  }
}
