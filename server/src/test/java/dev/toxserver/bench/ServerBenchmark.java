package dev.toxserver.bench;

import dev.toxserver.cli.UsageError;
import dev.toxserver.client.ClientListener;
import dev.toxserver.client.FinishedRun;
import dev.toxserver.client.ServerUnreachableException;
import dev.toxserver.client.ToxServerClient;
import dev.toxserver.protocol.Stream;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * The server benchmark: latency, throughput, cancel time and memory of a real {@code tox-server}
 * process, printed as a table of figures against their targets.
 *
 * <p>Run it with {@code server/bin/benchmark [--quick]} after {@code mvn -q package -DskipTests}.
 * Each scenario starts its own server through the launcher, as users do ({@code bin/tox-server -p
 * PORT serve --no-tee --command ...}, JVM options and start-up archive included) as a separate
 * process (the launcher execs the JVM), so its memory can be read from {@code /proc/PID/status};
 * every server is stopped at the end, also on failure. The verdicts are informational: the exit
 * status is 1 only when something broke (output lost or corrupted, a process outlived its
 * cancellation, a scenario failed), 2 on a usage error.
 *
 * <p>It lives in the test sources so that it stays out of the product jar; it is a plain program,
 * not a test, because its figures depend on the machine.
 */
public final class ServerBenchmark {
  private static final double MIB = 1024.0 * 1024.0;

  /** How long a run may stay silent before the client gives up. */
  private static final Duration RUN_TIMEOUT = Duration.ofSeconds(60);

  /** The benchmark's settings, from its command line. */
  record Settings(
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

    static Settings parse(String[] args) {
      boolean quick = false;
      boolean loadOnly = false;
      int clients = 50;
      int payload = 100;
      List<String> jvm = new ArrayList<>();
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--quick" -> quick = true;
          case "--payload-mib" -> payload = Integer.parseInt(optionValue(args, ++i));
          case "--server-jvm-option" -> jvm.add(optionValue(args, ++i));
          case "--load-only" -> loadOnly = true;
          case "--clients" -> clients = Integer.parseInt(optionValue(args, ++i));
          case "-h", "--help" -> throw new UsageError(null);
          default -> throw new UsageError("unknown option " + args[i]);
        }
      }
      if (payload < 1) {
        throw new UsageError("--payload-mib must be at least 1");
      }
      if (clients < 1) {
        throw new UsageError("--clients must be at least 1");
      }
      return quick
          ? new Settings(true, 10, 50, 1, 5, payload, 2000, List.copyOf(jvm), loadOnly, clients, 1)
          : new Settings(
              false, 50, 250, 3, 20, payload, 2000, List.copyOf(jvm), loadOnly, clients, 3);
    }

    private static String optionValue(String[] args, int i) {
      if (i >= args.length) {
        throw new UsageError(args[i - 1] + " needs a value");
      }
      return args[i];
    }

    long payloadBytes() {
      return payloadMiB * (1L << 20);
    }
  }

  /** A bad command line; a null message asks for the usage text alone. */
  static final class UsageError extends RuntimeException {
    UsageError(String message) {
      super(message);
    }
  }

  /** One line of the final table. */
  record Row(String metric, String value, String target, Verdict verdict) {}

  /** How a figure compares with its target. BROKEN makes the benchmark exit non-zero. */
  enum Verdict {
    PASS,
    MISS,
    INFO,
    BROKEN
  }

  private static final String USAGE =
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

  private final Settings settings;
  private final Path jar;
  private final Path scratch;
  private final List<Row> rows = new ArrayList<>();
  private final List<ServerProcess> servers = new ArrayList<>();

  private ServerBenchmark(Settings settings, Path jar, Path scratch) {
    this.settings = settings;
    this.jar = jar;
    this.scratch = scratch;
  }

  public static void main(String[] args) {
    Settings settings;
    try {
      settings = Settings.parse(args);
    } catch (UsageError e) {
      if (e.getMessage() != null) {
        System.err.println("benchmark: " + e.getMessage());
      }
      (e.getMessage() == null ? System.out : System.err).print(USAGE);
      System.exit(e.getMessage() == null ? 0 : 2);
      return;
    } catch (NumberFormatException e) {
      System.err.println("benchmark: not a number: " + e.getMessage());
      System.exit(2);
      return;
    }
    Path jar = serverJar();
    if (!Files.isRegularFile(jar)) {
      System.err.println(
          "benchmark: " + jar + " is missing: run 'mvn -q package -DskipTests' first.");
      System.exit(2);
      return;
    }
    int status;
    Path scratch;
    try {
      scratch = Files.createTempDirectory("tox-server-bench");
    } catch (IOException e) {
      System.err.println("benchmark: cannot create a temporary directory: " + e);
      System.exit(1);
      return;
    }
    ServerBenchmark bench = new ServerBenchmark(settings, jar, scratch);
    // ^C on the benchmark must not leave servers (or their sleeping children) behind.
    Thread cleanup = new Thread(bench::cleanUp, "benchmark-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanup);
    try {
      bench.runAll();
      status = bench.rows.stream().anyMatch(r -> r.verdict() == Verdict.BROKEN) ? 1 : 0;
    } catch (Exception e) {
      System.err.println();
      System.err.println("benchmark: FAILED: " + e);
      e.printStackTrace(System.err);
      bench.printServerLogs();
      status = 1;
    }
    bench.printTable();
    bench.cleanUp();
    Runtime.getRuntime().removeShutdownHook(cleanup);
    System.exit(status);
  }

  /** The shaded jar on our class path (the script puts it there), else the usual build output. */
  private static Path serverJar() {
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (entry.endsWith("tox-server.jar")) {
        return Path.of(entry).toAbsolutePath();
      }
    }
    return Path.of("server", "target", "tox-server.jar").toAbsolutePath();
  }

  private void runAll() throws Exception {
    System.out.printf(
        Locale.ROOT,
        "tox-server benchmark: %s, %d CPUs, Java %s; server: bin/tox-server (extra JVM options: '%s') on %s%n",
        settings.quick() ? "quick" : "full",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"),
        String.join(" ", settings.serverJvmOptions()),
        jar);
    double busy = cpuBusyFraction(Duration.ofMillis(500));
    if (busy >= 0.2) {
      // On a small machine another build running alongside moves every figure.
      System.out.printf(
          Locale.ROOT,
          "WARNING: the machine is busy before we start (%.0f%% of its CPU time in use):"
              + " the figures will be noisy.%n",
          busy * 100);
    }
    if (!settings.loadOnly()) {
      roundTripAndIdleMemory();
      Payload payload = Payload.write(scratch.resolve("payload.bin"), settings.payloadBytes());
      long fastPeak = throughput(payload);
      slowClientMemory(payload, fastPeak);
      cancelLatency();
    }
    concurrentClients();
  }

  /** The share of all CPUs' time spent busy over {@code window}; 0 where /proc/stat is missing. */
  private static double cpuBusyFraction(Duration window) {
    long[] before = cpuTimes();
    sleepMillis(window.toMillis());
    long[] after = cpuTimes();
    long total = after[0] - before[0];
    return total <= 0 ? 0 : 1.0 - (double) (after[1] - before[1]) / total;
  }

  /** Total and idle (idle + iowait) jiffies of all CPUs, from the first line of /proc/stat. */
  private static long[] cpuTimes() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long total = 0;
      for (int i = 1; i < f.length; i++) {
        total += Long.parseLong(f[i]);
      }
      return new long[] {total, Long.parseLong(f[4]) + Long.parseLong(f[5])};
    } catch (IOException | RuntimeException e) {
      return new long[] {0, 0};
    }
  }

  // ---------------------------------------------------------------- 1 and 4a

  /** RUN of {@code true}: send to reply. The same server gives the idle RSS first. */
  private void roundTripAndIdleMemory() throws Exception {
    section("RUN round trip ('true') and idle memory");
    ServerProcess server = startServer("roundtrip", List.of("true"));
    long idleRss = server.status("VmRSS");
    System.out.printf(Locale.ROOT, "  idle RSS after start-up and one ping: %s%n", mb(idleRss));
    long[] nanos = new long[settings.timedRuns()];
    try (ToxServerClient client = new ToxServerClient(server.endpoint())) {
      for (int i = 0; i < settings.warmupRuns(); i++) {
        runTrue(client);
      }
      for (int i = 0; i < nanos.length; i++) {
        long t0 = System.nanoTime();
        runTrue(client);
        nanos[i] = System.nanoTime() - t0;
      }
    }
    Arrays.sort(nanos);
    double p50 = ms(percentile(nanos, 50));
    double p99 = ms(percentile(nanos, 99));
    System.out.printf(
        Locale.ROOT,
        "  %d runs after %d warm-up: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms%n",
        nanos.length,
        settings.warmupRuns(),
        p50,
        ms(percentile(nanos, 90)),
        p99,
        ms(nanos[nanos.length - 1]));
    long afterRss = server.status("VmRSS");
    rows.add(
        new Row(
            "RUN round trip p50 (" + nanos.length + " runs)",
            fmt("%.2f ms", p50),
            "<= 3 ms (Python: 4.4-4.9)",
            p50 <= 3 ? Verdict.PASS : Verdict.MISS));
    rows.add(new Row("RUN round trip p99", fmt("%.2f ms", p99), "-", Verdict.INFO));
    rows.add(
        new Row(
            "server start-up until PING answered",
            server.startupMillis() + " ms",
            "-",
            Verdict.INFO));
    rows.add(
        new Row(
            "server RSS idle (start-up + ping)",
            mb(idleRss),
            "<= 64 MiB",
            idleRss <= 64L << 20 ? Verdict.PASS : Verdict.MISS));
    rows.add(
        new Row(
            "server RSS after the round trips",
            mb(afterRss) + " (peak " + mb(server.status("VmHWM")) + ")",
            "-",
            Verdict.INFO));
    server.close();
  }

  private static void runTrue(ToxServerClient client) throws Exception {
    FinishedRun r = client.run(List.of(), RUN_TIMEOUT, ClientListener.NONE);
    if (r.returncode() != 0) {
      throw new IllegalStateException("'true' returned " + r.returncode());
    }
  }

  // ---------------------------------------------------------------- 2

  /** 'cat FILE' to a v2 and a v1 client, against the same bytes through a local pipe. */
  private long throughput(Payload payload) throws Exception {
    section("Output throughput (" + settings.payloadMiB() + " MiB of random bytes)");
    double pipe = 0;
    for (int i = 0; i < 3; i++) {
      long t0 = System.nanoTime();
      Process p =
          new ProcessBuilder(
                  "sh", "-c", "cat \"$1\" | cat > /dev/null", "sh", payload.file().toString())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (p.waitFor() != 0) {
        throw new IllegalStateException("the local pipe failed with status " + p.exitValue());
      }
      pipe = Math.max(pipe, mibPerSecond(payload.size(), System.nanoTime() - t0));
    }
    System.out.printf(
        Locale.ROOT, "  local pipe (cat | cat > /dev/null), best of 3: %.0f MiB/s%n", pipe);
    rows.add(new Row("local pipe throughput", fmt("%.0f MiB/s", pipe), "-", Verdict.INFO));

    ServerProcess server = startServer("cat", List.of("cat", payload.file().toString()));
    // A served server has run many times: one untimed stream per protocol warms up its JIT first.
    for (int version : new int[] {2, 1}) {
      try (ToxServerClient client = new ToxServerClient(server.endpoint(), version)) {
        client.run(List.of(), RUN_TIMEOUT, new Received(0));
      }
    }
    System.out.println("  (one untimed warm-up stream per protocol version)");
    for (int version : new int[] {2, 1}) {
      double best = 0;
      double worst = Double.MAX_VALUE;
      boolean allIntact = true;
      for (int i = 0; i < settings.throughputRepeats(); i++) {
        Received got;
        long elapsed;
        try (ToxServerClient client = new ToxServerClient(server.endpoint(), version)) {
          got = new Received(0);
          long t0 = System.nanoTime();
          FinishedRun r = client.run(List.of(), RUN_TIMEOUT, got);
          elapsed = System.nanoTime() - t0;
          if (r.returncode() != 0) {
            throw new IllegalStateException("cat returned " + r.returncode());
          }
        }
        double rate = mibPerSecond(got.bytes(), elapsed);
        boolean intact = payload.matches(got);
        allIntact &= intact;
        best = Math.max(best, rate);
        worst = Math.min(worst, rate);
        System.out.printf(
            Locale.ROOT,
            "  v%d client run %d: %.0f MiB/s, %d bytes in %d chunks, %s%n",
            version,
            i + 1,
            rate,
            got.bytes(),
            got.chunks(),
            intact ? "OK" : "MISMATCH (" + got.describe() + ")");
      }
      double ratio = best / pipe;
      String how = version == 2 ? "v2 client (raw frames)" : "v1 client (base85)";
      rows.add(
          new Row(
              how + " throughput",
              fmt("%.0f MiB/s = %.3fx pipe", best, ratio)
                  + (settings.throughputRepeats() > 1 ? fmt(" (worst %.0f)", worst) : ""),
              version == 2 ? ">= 0.3x pipe" : "> 15 MB/s (Python v1)",
              version == 2
                  ? (ratio >= 0.3 ? Verdict.PASS : Verdict.MISS)
                  : (best * MIB / 1e6 > 15 ? Verdict.PASS : Verdict.MISS)));
      rows.add(
          new Row(
              how + " bytes + SHA-256",
              allIntact ? "OK" : "MISMATCH",
              "exact",
              allIntact ? Verdict.PASS : Verdict.BROKEN));
    }
    long peak = server.status("VmHWM");
    rows.add(new Row("server RSS peak, fast clients (VmHWM)", mb(peak), "-", Verdict.INFO));
    server.close();
    return peak;
  }

  // ---------------------------------------------------------------- 4b

  /** A client that pauses after every chunk: the server must hold back, not buffer or drop. */
  private void slowClientMemory(Payload payload, long fastPeak) throws Exception {
    section(
        "Server memory while streaming to a slow client ("
            + settings.slowClientPauseMicros() / 1000.0
            + " ms pause per chunk)");
    ServerProcess server = startServer("slow", List.of("cat", payload.file().toString()));
    long idle = server.status("VmRSS");
    AtomicLong sampledMax = new AtomicLong(idle);
    List<Long> samples = new ArrayList<>();
    Thread sampler =
        new Thread(
            () -> {
              while (!Thread.currentThread().isInterrupted()) {
                long rss = server.status("VmRSS");
                sampledMax.accumulateAndGet(rss, Math::max);
                synchronized (samples) {
                  samples.add(rss);
                }
                try {
                  Thread.sleep(20);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "rss-sampler");
    sampler.setDaemon(true);
    Received got = new Received(settings.slowClientPauseMicros());
    long elapsed;
    sampler.start();
    try (ToxServerClient client = new ToxServerClient(server.endpoint())) {
      long t0 = System.nanoTime();
      client.run(List.of(), RUN_TIMEOUT, got);
      elapsed = System.nanoTime() - t0;
    } finally {
      sampler.interrupt();
      sampler.join();
    }
    long hwm = server.status("VmHWM");
    boolean intact = payload.matches(got);
    long median;
    synchronized (samples) {
      long[] s = samples.stream().mapToLong(Long::longValue).sorted().toArray();
      median = s.length == 0 ? idle : percentile(s, 50);
    }
    System.out.printf(
        Locale.ROOT,
        "  %d bytes in %d chunks over %.1f s (%.0f MiB/s): %s%n"
            + "  RSS before %s, median while streaming %s, sampled max %s, VmHWM %s%n",
        got.bytes(),
        got.chunks(),
        elapsed / 1e9,
        mibPerSecond(got.bytes(), elapsed),
        intact ? "OK" : "MISMATCH (" + got.describe() + ")",
        mb(idle),
        mb(median),
        mb(sampledMax.get()),
        mb(hwm));
    // The pauses alone take chunks x pause; much longer means the server stalled on its own.
    rows.add(
        new Row(
            "slow client stream time",
            fmt("%.1f s", elapsed / 1e9),
            fmt("~ %.1f s of pauses", got.chunks() * settings.slowClientPauseMicros() / 1e6),
            Verdict.INFO));
    rows.add(
        new Row(
            "slow client bytes + SHA-256",
            intact ? "OK" : "MISMATCH",
            "exact",
            intact ? Verdict.PASS : Verdict.BROKEN));
    // Bounded: a server that buffered what the slow client has not read yet would grow by up to
    // the payload; one that holds the command back needs no more than for a fast client. (The
    // peaks themselves are mostly the JVM's young generation, which fills before it is collected.)
    long slack = 32L << 20;
    rows.add(
        new Row(
            "server RSS peak, slow client (VmHWM)",
            mb(hwm) + " (+" + mb(hwm - idle) + ")",
            "<= fast peak + 32 MiB",
            hwm <= fastPeak + slack ? Verdict.PASS : Verdict.MISS));
    server.close();
  }

  // ---------------------------------------------------------------- 3

  /**
   * INTERRUPT a run whose command is a small tree of sleeping processes; time until the RUN reply,
   * then check that none of the tree is left. The sleeps carry a unique duration so they can be
   * found in /proc independently of how the server finds them.
   */
  private void cancelLatency() throws Exception {
    section("Cancel latency (INTERRUPT until the RUN reply; the whole tree gone)");
    String marker =
        String.format(Locale.ROOT, "1000.%06d", new SplittableRandom().nextInt(1_000_000));
    String script = "(sleep M & exec sleep M) & sleep M & exec sleep M".replace("M", marker);
    int treeSize = 4;
    ServerProcess server = startServer("cancel", List.of("sh", "-c", script));
    long[] nanos = new long[settings.cancelRuns()];
    int survivors = 0;
    int badReturnCodes = 0;
    try (ToxServerClient client = new ToxServerClient(server.endpoint())) {
      for (int i = 0; i < nanos.length; i++) {
        CompletableFuture<Long> interruptedAt =
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    waitForProcesses(marker, treeSize, Duration.ofSeconds(10));
                    return System.nanoTime();
                  } finally {
                    client.interrupt(); // also when the tree never came: the run must end
                  }
                });
        FinishedRun r = client.run(List.of(), RUN_TIMEOUT, ClientListener.NONE);
        long t1 = System.nanoTime();
        List<Long> left = processesWith(marker);
        nanos[i] = t1 - interruptedAt.get(10, TimeUnit.SECONDS);
        survivors += left.size();
        if (r.returncode() >= 0) {
          badReturnCodes++;
        }
        if (!left.isEmpty()) {
          System.out.println("  run " + (i + 1) + ": still running at the reply: " + left);
          killAll(left);
        }
      }
    }
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    double p50 = ms(percentile(sorted, 50));
    double p90 = ms(percentile(sorted, 90));
    System.out.printf(
        Locale.ROOT,
        "  %d runs of a %d-process tree: p50 %.1f ms, p90 %.1f ms, max %.1f ms;"
            + " processes left at the reply: %d; runs not ended by a signal: %d%n",
        nanos.length,
        treeSize,
        p50,
        p90,
        ms(sorted[sorted.length - 1]),
        survivors,
        badReturnCodes);
    rows.add(
        new Row(
            "cancel latency p50 (" + nanos.length + " runs)",
            fmt("%.1f ms", p50),
            "<= 100 ms",
            p50 <= 100 ? Verdict.PASS : Verdict.MISS));
    rows.add(new Row("cancel latency p90", fmt("%.1f ms", p90), "-", Verdict.INFO));
    rows.add(
        new Row(
            "processes left after cancel",
            Integer.toString(survivors),
            "0",
            survivors == 0 ? Verdict.PASS : Verdict.BROKEN));
    server.close();
  }

  private static void waitForProcesses(String marker, int count, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (processesWith(marker).size() < count) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "the run's " + count + " sleep processes did not appear within " + timeout);
      }
      sleepMillis(2);
    }
  }

  /** Live (not zombie) processes whose command line is {@code sleep MARKER}. */
  private static List<Long> processesWith(String marker) {
    byte[] wanted = ("sleep\0" + marker + "\0").getBytes(StandardCharsets.US_ASCII);
    List<Long> pids = new ArrayList<>();
    try (DirectoryStream<Path> proc = Files.newDirectoryStream(Path.of("/proc"))) {
      for (Path p : proc) {
        String name = p.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        try {
          byte[] cmdline = Files.readAllBytes(p.resolve("cmdline"));
          if (!Arrays.equals(cmdline, wanted)) {
            continue;
          }
          String stat = Files.readString(p.resolve("stat"), StandardCharsets.US_ASCII);
          char state = stat.charAt(stat.lastIndexOf(')') + 2);
          if (state != 'Z' && state != 'X') {
            pids.add(Long.parseLong(name));
          }
        } catch (IOException | RuntimeException e) {
          // The process ended while we looked.
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read /proc: " + e, e);
    }
    return pids;
  }

  private static void killAll(List<Long> pids) {
    pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
  }

  // ---------------------------------------------------------------- 5

  /** Bytes each load client's run prints. */
  private static final int LOAD_BYTES = 1 << 20;

  /**
   * N clients connected at once, each asking for a run that prints 1 MiB of its own ("NAME\n"
   * repeated): a first run holds the queue while the requests go out one after another (each once
   * the server has it, so their order is known), then all of them stream. Another connection PINGs
   * every 10 ms from the first connection to the last reply.
   */
  private void concurrentClients() throws Exception {
    int n = settings.clients();
    section(n + " concurrent clients, 1 MiB each; PING latency throughout");
    Path log = scratch.resolve("load-runs.log");
    Path release = scratch.resolve("load-release");
    // $1 is the client's name (or "hold"), $2 the byte count (or the file that releases the hold).
    String script =
        "printf '%s\\n' \"$1\" >> \"$0\"; if [ \"$1\" = hold ]; then"
            + " while [ ! -e \"$2\" ]; do sleep 0.01; done;"
            + " else yes \"$1\" | head -c \"$2\"; fi";
    ServerProcess server = startServer("load", List.of("sh", "-c", script, log.toString()));
    List<Long> pings = new ArrayList<>();
    long totalBytes = 0;
    long totalNanos = 0;
    int badClients = 0;
    boolean inOrder = true;
    // Round 0 warms the server's JIT up (as a served server is) and is not counted.
    for (int round = 0; round <= settings.loadRounds(); round++) {
      Files.deleteIfExists(log);
      Files.deleteIfExists(release);
      Pinger pinger = new Pinger(server.endpoint());
      pinger.start();
      List<LoadClient> clients = new ArrayList<>();
      try (ToxServerClient control = new ToxServerClient(server.endpoint())) {
        LoadClient holder =
            LoadClient.start(server.endpoint(), List.of("hold", release.toString()));
        awaitTasks(control, 1);
        for (int i = 0; i < n; i++) {
          String name = String.format(Locale.ROOT, "client-%02d", i);
          clients.add(
              LoadClient.start(server.endpoint(), List.of(name, Integer.toString(LOAD_BYTES))));
          awaitTasks(control, i + 2);
        }
        long t0 = System.nanoTime();
        Files.createFile(release);
        holder.await();
        for (LoadClient c : clients) {
          c.await();
        }
        long elapsed = System.nanoTime() - t0;
        List<Long> latencies = pinger.stop();
        if (round > 0) {
          pings.addAll(latencies);
        }
        long bytes = 0;
        int bad = 0;
        List<String> expectedLog = new ArrayList<>();
        expectedLog.add("hold");
        for (LoadClient c : clients) {
          String name = c.args().get(0);
          expectedLog.add(name);
          bytes += c.received().bytes();
          boolean ok =
              c.returncode() == 0
                  && c.received().bytes() == LOAD_BYTES
                  && c.received().stderrBytes() == 0
                  && MessageDigest.isEqual(c.received().digest(), expectedDigest(name));
          if (!ok) {
            bad++;
            System.out.println("  " + name + ": MISMATCH (" + c.received().describe() + ")");
          }
        }
        boolean ordered = Files.readAllLines(log).equals(expectedLog);
        inOrder &= ordered;
        badClients += bad;
        if (round > 0) {
          totalBytes += bytes;
          totalNanos += elapsed;
        }
        System.out.printf(
            Locale.ROOT,
            "  %s: %d clients, %.1f MiB in %.2f s = %.0f MiB/s; %d of %d intact;"
                + " runs in request order: %s%n",
            round == 0 ? "warm-up (not counted)" : "round " + round,
            n,
            bytes / MIB,
            elapsed / 1e9,
            mibPerSecond(bytes, elapsed),
            n - bad,
            n,
            ordered ? "yes" : "NO");
      } finally {
        pinger.stop();
      }
    }
    long[] sorted = pings.stream().mapToLong(Long::longValue).sorted().toArray();
    double p50 = ms(percentile(sorted, 50));
    double p99 = ms(percentile(sorted, 99));
    double max = ms(sorted[sorted.length - 1]);
    System.out.printf(
        Locale.ROOT,
        "  PING on another connection, %d answered: p50 %.2f ms, p99 %.2f ms, max %.2f ms"
            + " (target p99 <= 50 ms: %s)%n",
        sorted.length,
        p50,
        p99,
        max,
        p99 <= 50 ? "met" : "MISSED");
    int runs = n * (settings.loadRounds() + 1);
    rows.add(
        new Row(
            n + " clients x 1 MiB, throughput",
            fmt("%.0f MiB/s", mibPerSecond(totalBytes, totalNanos)),
            "-",
            Verdict.INFO));
    rows.add(
        new Row(
            n + " clients x 1 MiB, bytes + SHA-256 per client",
            (runs - badClients) + "/" + runs + " intact",
            "all",
            badClients == 0 ? Verdict.PASS : Verdict.BROKEN));
    rows.add(
        new Row(
            n + " clients, runs in request order",
            inOrder ? "yes" : "NO",
            "FIFO",
            inOrder ? Verdict.PASS : Verdict.BROKEN));
    rows.add(
        new Row(
            "PING under load p99 (" + sorted.length + " pings)",
            fmt("%.2f ms (p50 %.2f, max %.2f)", p99, p50, max),
            "<= 50 ms",
            p99 <= 50 ? Verdict.PASS : Verdict.MISS));
    server.close();
  }

  /** SHA-256 of "NAME\n" repeated to {@link #LOAD_BYTES}. */
  private static byte[] expectedDigest(String name) {
    byte[] line = (name + "\n").getBytes(StandardCharsets.US_ASCII);
    byte[] all = new byte[LOAD_BYTES];
    for (int i = 0; i < all.length; i++) {
      all[i] = line[i % line.length];
    }
    return newSha256().digest(all);
  }

  /** Waits until the server holds {@code tasks} runs (queued or running). */
  private static void awaitTasks(ToxServerClient control, int tasks) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (control.ping(RUN_TIMEOUT).path("tasks").asInt() < tasks) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the server did not queue run " + tasks + " within 30 s");
      }
      sleepMillis(1);
    }
  }

  /** One client of the load scenario: its own connection and thread, one RUN. */
  record LoadClient(List<String> args, Received received, CompletableFuture<Integer> done) {
    static LoadClient start(String endpoint, List<String> args) {
      LoadClient c = new LoadClient(args, new Received(0), new CompletableFuture<>());
      Thread t =
          new Thread(
              () -> {
                try (ToxServerClient client = new ToxServerClient(endpoint)) {
                  c.done().complete(client.run(args, RUN_TIMEOUT, c.received()).returncode());
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
      done.get(RUN_TIMEOUT.toSeconds() * 2, TimeUnit.SECONDS);
    }

    int returncode() {
      return done.getNow(-1);
    }
  }

  /** PINGs every 10 ms on a connection of its own, timing each reply, until stopped. */
  static final class Pinger {
    private final String endpoint;
    private final List<Long> nanos = new ArrayList<>();
    private final CompletableFuture<Void> finished = new CompletableFuture<>();
    private volatile boolean stopped;
    private Thread thread;

    Pinger(String endpoint) {
      this.endpoint = endpoint;
    }

    void start() {
      thread =
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
                    sleepMillis(10);
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

  // ---------------------------------------------------------------- servers

  private ServerProcess startServer(String name, List<String> command) throws Exception {
    IOException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      ServerProcess s =
          ServerProcess.start(name, jar, settings.serverJvmOptions(), command, scratch);
      synchronized (servers) {
        servers.add(s);
      }
      try {
        s.awaitReady(Duration.ofSeconds(30));
        System.out.printf(
            Locale.ROOT,
            "  server pid %d at %s, ready in %d ms: %s%n",
            s.pid(),
            s.endpoint(),
            s.startupMillis(),
            String.join(" ", command));
        return s;
      } catch (IOException e) {
        s.close();
        if (!s.logTail(20).contains("already in use")) {
          throw e;
        }
        // The free port we picked was taken before the server bound it: pick another.
        last = e;
      }
    }
    throw last;
  }

  private void cleanUp() {
    List<ServerProcess> all;
    synchronized (servers) {
      all = new ArrayList<>(servers);
    }
    all.forEach(ServerProcess::close);
    try (var files = Files.walk(scratch)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // Best effort: it is a temporary directory.
    }
  }

  private void printServerLogs() {
    synchronized (servers) {
      for (ServerProcess s : servers) {
        System.err.println("--- last lines of the " + s.name() + " server's log:");
        System.err.println(s.logTail(20));
      }
    }
  }

  /**
   * One tox-server process started like the launcher does, logging to a file in the scratch
   * directory.
   */
  static final class ServerProcess implements AutoCloseable {
    private final String name;
    private final Process process;
    private final String endpoint;
    private final Path log;
    private final long startedNanos = System.nanoTime();
    private long readyNanos;

    private ServerProcess(String name, Process process, String endpoint, Path log) {
      this.name = name;
      this.process = process;
      this.endpoint = endpoint;
      this.log = log;
    }

    static ServerProcess start(
        String name, Path jar, List<String> jvmOptions, List<String> command, Path dir)
        throws IOException {
      int port = freePort();
      // Through the launcher, as users start it: its JVM options and class-data-sharing archive.
      List<String> argv = new ArrayList<>();
      argv.add(jar.getParent().getParent().resolve("bin/tox-server").toString());
      argv.addAll(
          List.of(
              "-p", Integer.toString(port), "serve", "--no-tee", "--command", shellQuote(command)));
      Path log = dir.resolve(name + "-" + port + ".log");
      ProcessBuilder pb = new ProcessBuilder(argv);
      pb.environment().put("TOX_SERVER_JAR", jar.toString());
      pb.environment().put("TOX_SERVER_JAVA_OPTS", String.join(" ", jvmOptions));
      pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
      Process p =
          pb.directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
      return new ServerProcess(name, p, "tcp://127.0.0.1:" + port, log);
    }

    private static int freePort() throws IOException {
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
        return s.getLocalPort();
      }
    }

    /** Words quoted so that the server's --command splitting gives them back unchanged. */
    private static String shellQuote(List<String> words) {
      return words.stream()
          .map(w -> "'" + w.replace("'", "'\\''") + "'")
          .collect(Collectors.joining(" "));
    }

    /** Pings until the server answers; IOException when it exits or stays silent. */
    void awaitReady(Duration timeout) throws IOException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new IOException(
              "the "
                  + name
                  + " server exited with status "
                  + process.exitValue()
                  + ":\n"
                  + logTail(20));
        }
        try (ToxServerClient client = new ToxServerClient(endpoint)) {
          client.ping(Duration.ofMillis(250));
          readyNanos = System.nanoTime();
          return;
        } catch (ServerUnreachableException e) {
          // Not listening yet.
        } catch (Exception e) {
          throw new IOException("the " + name + " server answered PING with " + e, e);
        }
      }
      throw new IOException("the " + name + " server did not answer within " + timeout);
    }

    String name() {
      return name;
    }

    long pid() {
      return process.pid();
    }

    String endpoint() {
      return endpoint;
    }

    long startupMillis() {
      return TimeUnit.NANOSECONDS.toMillis(readyNanos - startedNanos);
    }

    /** A {@code kB} field of /proc/PID/status (VmRSS, VmHWM), in bytes; -1 when unreadable. */
    long status(String field) {
      try {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
          if (line.startsWith(field + ":")) {
            String[] f = line.substring(field.length() + 1).trim().split("\\s+");
            return Long.parseLong(f[0]) * 1024;
          }
        }
      } catch (IOException | RuntimeException e) {
        // Gone.
      }
      return -1;
    }

    String logTail(int lines) {
      try {
        List<String> all = Files.readAllLines(log);
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
      } catch (IOException e) {
        return "(no log: " + e.getMessage() + ")";
      }
    }

    /** SIGTERM (the server ends its runs and stops), SIGKILL if it takes too long. Idempotent. */
    @Override
    public void close() {
      if (!process.isAlive()) {
        return;
      }
      process.destroy();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.descendants().forEach(ProcessHandle::destroyForcibly);
          process.destroyForcibly();
          process.waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  // ---------------------------------------------------------------- payload

  /** The file the server's {@code cat} streams, and the digest every client must end up with. */
  record Payload(Path file, long size, byte[] sha256) {
    static Payload write(Path file, long size) throws IOException {
      MessageDigest sha = newSha256();
      SplittableRandom random = new SplittableRandom(0x70c5e7e7L);
      byte[] block = new byte[1 << 20];
      try (FileChannel out =
          FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        for (long left = size; left > 0; left -= block.length) {
          random.nextBytes(block);
          int n = (int) Math.min(block.length, left);
          ByteBuffer buf = ByteBuffer.wrap(block, 0, n);
          while (buf.hasRemaining()) {
            out.write(buf);
          }
          sha.update(block, 0, n);
        }
        // On disk before anything is timed, so that write-back does not compete with the runs.
        out.force(true);
      }
      return new Payload(file, size, sha.digest());
    }

    boolean matches(Received got) {
      return got.bytes() == size
          && got.stderrBytes() == 0
          && MessageDigest.isEqual(got.digest(), sha256);
    }
  }

  /** A listener that counts and hashes what it receives, optionally pausing after each chunk. */
  static final class Received implements ClientListener {
    private final long pauseMicros;
    private final MessageDigest sha = newSha256();
    private long bytes;
    private long stderrBytes;
    private long chunks;
    private byte[] digest;

    Received(long pauseMicros) {
      this.pauseMicros = pauseMicros;
    }

    @Override
    public void output(Stream stream, byte[] data, int offset, int length) {
      chunks++;
      if (stream == Stream.STDERR) {
        stderrBytes += length;
        return;
      }
      bytes += length;
      sha.update(data, offset, length);
      if (pauseMicros > 0) {
        try {
          TimeUnit.MICROSECONDS.sleep(pauseMicros);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }

    long bytes() {
      return bytes;
    }

    long stderrBytes() {
      return stderrBytes;
    }

    long chunks() {
      return chunks;
    }

    byte[] digest() {
      if (digest == null) {
        digest = sha.digest();
      }
      return digest;
    }

    String describe() {
      return bytes
          + " bytes, "
          + stderrBytes
          + " on stderr, sha256 "
          + HexFormat.of().formatHex(digest()).substring(0, 16)
          + "…";
    }
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  // ---------------------------------------------------------------- output

  private void printTable() {
    if (rows.isEmpty()) {
      return;
    }
    int w0 = "metric".length();
    int w1 = "value".length();
    int w2 = "target".length();
    for (Row r : rows) {
      w0 = Math.max(w0, r.metric().length());
      w1 = Math.max(w1, r.value().length());
      w2 = Math.max(w2, r.target().length());
    }
    String format = "%-" + w0 + "s  %-" + w1 + "s  %-" + w2 + "s  %s%n";
    System.out.println();
    System.out.printf(Locale.ROOT, format, "metric", "value", "target", "verdict");
    System.out.println("-".repeat(w0 + w1 + w2 + 6 + "verdict".length()));
    for (Row r : rows) {
      System.out.printf(Locale.ROOT, format, r.metric(), r.value(), r.target(), r.verdict());
    }
  }

  private static void section(String title) {
    System.out.println();
    System.out.println("== " + title);
  }

  private static long percentile(long[] sorted, int p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }

  private static double mibPerSecond(long bytes, long nanos) {
    return bytes / MIB / (nanos / 1e9);
  }

  private static String mb(long bytes) {
    return bytes < 0 ? "?" : fmt("%.1f MiB", bytes / MIB);
  }

  private static String fmt(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }

  private static void sleepMillis(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
