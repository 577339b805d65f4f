package dev.toxserver.rpc;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.eclipse.lsp4j.jsonrpc.Launcher;

/** A real {@code bridge stdio} process, driven through lsp4j as an editor would. */
final class StdioBridge implements AutoCloseable {
  final Process process;
  final EditorRecorder editor = new EditorRecorder();
  final BridgeApi.Bridge bridge;
  private final Future<Void> listening;
  private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
  private final Thread stderrPump;

  private StdioBridge(Process process, boolean lsp) {
    this.process = process;
    this.stderrPump = pump(process.getErrorStream());
    if (lsp) {
      Launcher<BridgeApi.Bridge> launcher =
          new Launcher.Builder<BridgeApi.Bridge>()
              .setLocalService(editor)
              .setRemoteInterface(BridgeApi.Bridge.class)
              .setInput(process.getInputStream())
              .setOutput(process.getOutputStream())
              .setExecutorService(Executors.newCachedThreadPool())
              .create();
      bridge = launcher.getRemoteProxy();
      listening = launcher.startListening();
    } else {
      bridge = null;
      listening = null;
    }
  }

  /** {@code bridge stdio ARGS} in {@code dir}, with an lsp4j client on its pipes. */
  static StdioBridge start(Path dir, String... args) throws IOException {
    return new StdioBridge(command(dir, args).start(), true);
  }

  /** {@code bridge stdio ARGS} in {@code dir} with more environment (its key folder, say). */
  static StdioBridge start(Path dir, java.util.Map<String, String> env, String... args)
      throws IOException {
    ProcessBuilder pb = command(dir, args);
    pb.environment().putAll(env);
    return new StdioBridge(pb.start(), true);
  }

  /** The same, without a client: the test writes and reads the raw streams. */
  static StdioBridge startRaw(Path dir, String... args) throws IOException {
    return new StdioBridge(command(dir, args).start(), false);
  }

  private static ProcessBuilder command(Path dir, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("dev.toxserver.bridge.BridgeCli");
    cmd.add("stdio");
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
    pb.environment().remove("TOX_SERVER_PORT");
    return pb;
  }

  private Thread pump(InputStream in) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[8192];
              int n;
              try {
                while ((n = in.read(buf)) > 0) {
                  synchronized (stderr) {
                    stderr.write(buf, 0, n);
                  }
                }
              } catch (IOException e) {
                // process gone
              }
            },
            "bridge-stderr");
    t.setDaemon(true);
    t.start();
    return t;
  }

  String stderr() {
    synchronized (stderr) {
      return stderr.toString(StandardCharsets.UTF_8);
    }
  }

  /** initialize for {@code folder} and the server on {@code port}; returns the result. */
  BridgeApi.InitializeResult initialize(Path folder, int port, Boolean autoRun) throws Exception {
    return initialize(folder, port, autoRun, 100);
  }

  /** The same with {@code watch.debounceMs}. */
  BridgeApi.InitializeResult initialize(Path folder, int port, Boolean autoRun, int debounceMs)
      throws Exception {
    BridgeApi.InitializeParams p = new BridgeApi.InitializeParams();
    p.workspaceFolder = folder.toString();
    p.server = new BridgeApi.ServerOptions();
    p.server.host = "127.0.0.1";
    p.server.port = port;
    p.server.timeoutSeconds = 2.0;
    p.autoRun = autoRun;
    p.watch = new BridgeApi.WatchOptions();
    p.watch.debounceMs = debounceMs;
    return bridge.initialize(p).get(30, TimeUnit.SECONDS);
  }

  /** Waits for the process to exit; returns its code. */
  int waitFor(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("bridge stdio still running after " + timeout + "\n" + stderr());
    }
    return process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    if (listening != null) {
      listening.cancel(true);
    }
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
    stderrPump.join(2000);
  }
}
