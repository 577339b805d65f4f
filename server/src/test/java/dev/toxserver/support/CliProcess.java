package dev.toxserver.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code tox-server} as a real process: the CLI's main class in a JVM of its own, on the test class
 * path, with the environment the test gives it.
 */
public final class CliProcess implements AutoCloseable {
  public final Process process;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private final List<Thread> pumps = new ArrayList<>();

  private CliProcess(Process process) {
    this.process = process;
    pumps.add(pump(process.getInputStream(), out, "cli-stdout"));
    pumps.add(pump(process.getErrorStream(), err, "cli-stderr"));
  }

  /**
   * Starts {@code tox-server ARGS} in {@code workdir} with {@code env} added to this JVM's
   * environment.
   */
  public static CliProcess start(Path workdir, Map<String, String> env, String... args)
      throws IOException {
    return startMain("dev.toxserver.servercli.ToxServerCli", workdir, env, args);
  }

  /** Starts {@code mainClass ARGS} (e.g. the bridge's) the same way, stdin from /dev/null. */
  public static CliProcess startMain(
      String mainClass, Path workdir, Map<String, String> env, String... args) throws IOException {
    return startMain(mainClass, workdir, env, false, args);
  }

  /**
   * Starts {@code mainClass ARGS}; with {@code stdinPipe} the test types into {@link #stdin()},
   * otherwise stdin is /dev/null.
   */
  public static CliProcess startMain(
      String mainClass, Path workdir, Map<String, String> env, boolean stdinPipe, String... args)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(mainClass);
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(workdir.toFile());
    pb.environment().remove("TOX_SERVER_PORT");
    pb.environment().remove("TOX_SERVER_HOST");
    pb.environment().remove("TOX_SERVER_COMMAND");
    pb.environment().putAll(env);
    if (!stdinPipe) {
      pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    }
    return new CliProcess(pb.start());
  }

  public static CliProcess start(Path workdir, String... args) throws IOException {
    return start(workdir, Map.of(), args);
  }

  private Thread pump(InputStream in, ByteArrayOutputStream sink, String name) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[8192];
              try {
                for (int n; (n = in.read(buf)) >= 0; ) {
                  synchronized (this) {
                    sink.write(buf, 0, n);
                    notifyAll();
                  }
                }
              } catch (IOException e) {
                // process gone
              }
            },
            name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  public synchronized String stdout() {
    return out.toString(StandardCharsets.UTF_8);
  }

  public synchronized byte[] stdoutBytes() {
    return out.toByteArray();
  }

  /** What the process reads as stdin (only when started with a stdin pipe). */
  public java.io.OutputStream stdin() {
    return process.getOutputStream();
  }

  public synchronized byte[] stderrBytes() {
    return err.toByteArray();
  }

  public synchronized String stderr() {
    return err.toString(StandardCharsets.UTF_8);
  }

  public synchronized void awaitStdout(String text, Duration timeout) throws InterruptedException {
    awaitText(true, text, timeout);
  }

  public synchronized void awaitStderr(String text, Duration timeout) throws InterruptedException {
    awaitText(false, text, timeout);
  }

  /** Waits until {@code text} occurs {@code count} times on stderr. */
  public synchronized void awaitStderr(String text, int count, Duration timeout)
      throws InterruptedException {
    awaitText(false, text, count, timeout);
  }

  /** How often {@code text} occurs on stderr so far. */
  public synchronized int countStderr(String text) {
    return occurrences(stderr(), text);
  }

  private static int occurrences(String haystack, String needle) {
    int n = 0;
    for (int at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + 1)) {
      n++;
    }
    return n;
  }

  private void awaitText(boolean stdout, String text, Duration timeout)
      throws InterruptedException {
    awaitText(stdout, text, 1, timeout);
  }

  private void awaitText(boolean stdout, String text, int count, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (occurrences(stdout ? stdout() : stderr(), text) < count) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError(
            "Timed out waiting for "
                + count
                + "× '"
                + text
                + "'\nstdout: "
                + stdout()
                + "\nstderr: "
                + stderr());
      }
      wait(Math.max(1, left / 1_000_000));
    }
  }

  /** Waits for the exit (and for its output to be read); returns the exit code. */
  public int waitFor(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(
          "Process still running after "
              + timeout
              + "\nstdout: "
              + stdout()
              + "\nstderr: "
              + stderr());
    }
    for (Thread t : pumps) {
      t.join(5000); // its output read to the end
    }
    return process.exitValue();
  }

  /** Sends a signal (e.g. "INT", "TERM") to the process. */
  public void signal(String name) throws IOException, InterruptedException {
    new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
        .inheritIO()
        .start()
        .waitFor();
  }

  /** A TCP port nothing listens on right now. */
  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }
}
