package dev.toxserver.bench.server;

import static dev.toxserver.bench.Arguments.require;

import dev.toxserver.bench.Arguments;
import java.util.List;
import java.util.Set;

/** The server benchmark's settings, from its command line. */
record ServerBenchSettings(
    boolean quick,
    int warmupRuns,
    int timedRuns,
    int throughputRepeats,
    int cancelRuns,
    int payloadMiB,
    long slowClientPauseMicros,
    List<String> serverJvmOptions,
    boolean loadOnly,
    int clients,
    int loadRounds) {

  static final String USAGE =
      """
      Usage: server/bin/benchmark [--quick] [--load-only] [--clients N] [--payload-mib N]
                                  [--server-jvm-option OPT]...

      Starts real tox-server processes (server/target/tox-server.jar) on 127.0.0.1 and measures:
        1. RUN round trip of a command that exits at once (true): p50, p99
        2. output throughput of 'cat FILE' (N MiB of random bytes, default 100) to a v2 client
           (raw frames) and a v1 client (base85), against the same bytes piped locally
        3. cancel latency: INTERRUPT until the RUN reply, and that the whole tree is gone
        4. server RSS when idle, and at its peak while streaming to a slow client
        5. load: N clients (default 50) at once, each running a command that prints 1 MiB of its
           own; every client's bytes checked with SHA-256, the runs' order against the order of
           the requests, and PING latency on another connection all the while (target p99 50 ms)

        --quick                  fewer iterations: a smoke check in about half a minute
        --load-only              only the load scenario (5)
        --clients N              clients in the load scenario (default 50)
        --payload-mib N          size of the throughput file (default 100)
        --server-jvm-option OPT  extra JVM option for the server processes (repeatable)
      """;

  /** The settings, or the program exits: with 0 after --help, with 2 on a bad command line. */
  static ServerBenchSettings readOrExit(String[] args) {
    return Arguments.readOrExit(
        "benchmark",
        USAGE,
        args,
        Set.of("--quick", "--load-only"),
        Set.of("--payload-mib", "--server-jvm-option", "--clients"),
        ServerBenchSettings::of);
  }

  private static ServerBenchSettings of(Arguments a) {
    boolean quick = a.flag("--quick");
    int payload = a.intNumber("--payload-mib", 100);
    int clients = a.intNumber("--clients", 50);
    require(payload >= 1, "--payload-mib must be at least 1");
    require(clients >= 1, "--clients must be at least 1");
    List<String> jvm = a.values("--server-jvm-option");
    boolean loadOnly = a.flag("--load-only");
    return quick
        ? new ServerBenchSettings(true, 10, 50, 1, 5, payload, 2000, jvm, loadOnly, clients, 1)
        : new ServerBenchSettings(false, 50, 250, 3, 20, payload, 2000, jvm, loadOnly, clients, 3);
  }

  long payloadBytes() {
    return payloadMiB * (1L << 20);
  }
}
