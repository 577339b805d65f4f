package dev.toxserver.bench;

import dev.toxserver.client.ServerUnreachableException;
import dev.toxserver.client.ToxServerClient;
import dev.toxserver.support.Await;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A tox-server started as users start it, through {@code server/bin/tox-server} (its JVM options
 * and class-data archive included) on a free loopback port, logging to a file. The launcher execs
 * the JVM, so this process is the server: its memory can be read from /proc.
 */
public final class ServerProcess implements AutoCloseable {
  private final String name;
  private final Process process;
  private final int port;
  private final LogFile log;
  private final long startedNanos = System.nanoTime();
  private long readyNanos;

  private ServerProcess(String name, Process process, int port, LogFile log) {
    this.name = name;
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /**
   * {@code tox-server -p PORT serve --no-tee --command COMMAND} in {@code dir}, with extra JVM
   * options; returns once it answers PING. {@code name} names its log file in {@code dir}.
   */
  public static ServerProcess start(
      Checkout checkout, String name, List<String> command, Path dir, List<String> jvmOptions)
      throws IOException, InterruptedException {
    IOException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      ServerProcess s = launch(checkout, name, command, dir, jvmOptions);
      try {
        s.awaitReady(Duration.ofSeconds(30));
        return s;
      } catch (IOException | AssertionError e) {
        s.close();
        if (!s.logTail(20).contains("already in use")) {
          throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
        // The free port we picked was taken before the server bound it: pick another.
        last = new IOException(e.getMessage(), e);
      }
    }
    throw last;
  }

  private static ServerProcess launch(
      Checkout checkout, String name, List<String> command, Path dir, List<String> jvmOptions)
      throws IOException {
    int port = freePort();
    List<String> argv =
        List.of(
            checkout.serverLauncher().toString(),
            "-p",
            Integer.toString(port),
            "serve",
            "--no-tee",
            "--command",
            shellQuote(command));
    Path log = dir.resolve(name + "-" + port + ".log");
    ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(argv));
    pb.environment().put("TOX_SERVER_JAR", checkout.serverJar().toString());
    pb.environment().put("TOX_SERVER_JAVA_OPTS", String.join(" ", jvmOptions));
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    Process p =
        pb.directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    return new ServerProcess(name, p, port, new LogFile(log));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Words quoted so that the server's --command splitting gives them back unchanged. */
  private static String shellQuote(List<String> words) {
    return words.stream()
        .map(w -> "'" + w.replace("'", "'\\''") + "'")
        .collect(Collectors.joining(" "));
  }

  /** Pings until the server answers; IOException when it exits or answers wrongly. */
  private void awaitReady(Duration timeout) throws IOException, InterruptedException {
    readyNanos =
        Await.value(
            () -> {
              if (!process.isAlive()) {
                throw new IOException(
                    "the "
                        + name
                        + " server exited with status "
                        + process.exitValue()
                        + ":\n"
                        + logTail(20));
              }
              try (ToxServerClient client = new ToxServerClient(endpoint())) {
                client.ping(Duration.ofMillis(250));
                return Optional.of(System.nanoTime());
              } catch (ServerUnreachableException e) {
                return Optional.empty(); // not listening yet
              } catch (Exception e) {
                throw new IOException("the " + name + " server answered PING with " + e, e);
              }
            },
            timeout,
            () -> "the " + name + " server to answer PING");
  }

  public String name() {
    return name;
  }

  public long pid() {
    return process.pid();
  }

  public int port() {
    return port;
  }

  public String endpoint() {
    return "tcp://127.0.0.1:" + port;
  }

  /** From the start to the first PING answered. */
  public long startupMillis() {
    return TimeUnit.NANOSECONDS.toMillis(readyNanos - startedNanos);
  }

  /** A {@code kB} field of /proc/PID/status (VmRSS, VmHWM), in bytes; -1 when unreadable. */
  public long status(String field) {
    long kib = Processes.statusKib(pid(), field);
    return kib < 0 ? -1 : kib * 1024;
  }

  /** The last lines of its log. */
  public String logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(log.path());
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
    try {
      Processes.terminate(process, Duration.ofSeconds(10));
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
