package dev.toxserver.bench.server;

import dev.toxserver.bench.Checkout;
import dev.toxserver.bench.ServerProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The servers the benchmark started: each announced as it starts, all stopped at the end (also from
 * the ^C hook, hence the locking), their logs shown when something failed.
 */
final class ServerPool {
  private final Checkout checkout;
  private final Path dir;
  private final List<String> jvmOptions;
  private final List<ServerProcess> servers = new ArrayList<>();

  ServerPool(Checkout checkout, Path dir, List<String> jvmOptions) {
    this.checkout = checkout;
    this.dir = dir;
    this.jvmOptions = jvmOptions;
  }

  /** A server whose runs run {@code command}, ready for clients. */
  ServerProcess start(String name, List<String> command) throws IOException, InterruptedException {
    ServerProcess s = ServerProcess.start(checkout, name, command, dir, jvmOptions);
    synchronized (servers) {
      servers.add(s);
    }
    System.out.printf(
        Locale.ROOT,
        "  server pid %d at %s, ready in %d ms: %s%n",
        s.pid(),
        s.endpoint(),
        s.startupMillis(),
        String.join(" ", command));
    return s;
  }

  void closeAll() {
    List<ServerProcess> all;
    synchronized (servers) {
      all = new ArrayList<>(servers);
    }
    all.forEach(ServerProcess::close);
  }

  void printLogs() {
    synchronized (servers) {
      for (ServerProcess s : servers) {
        System.err.println("--- last lines of the " + s.name() + " server's log:");
        System.err.println(s.logTail(20));
      }
    }
  }
}
