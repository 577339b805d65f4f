package dev.toxserver.devcontainer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Real processes for the dev-container tests: output to files (a server the scripts leave running
 * in the background must not hold a pipe of ours), and the processes left in a directory.
 */
final class Shell {
  private Shell() {}

  record CommandResult(int code, String out, String err) {
    String all() {
      return out + err;
    }
  }

  /** A started process whose output goes to files in {@code dir}. */
  record Started(Process process, Path out, Path err) {
    CommandResult await(Duration timeout) throws Exception {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        throw new AssertionError("still running after " + timeout + ": " + process.info());
      }
      try {
        return new CommandResult(
            process.exitValue(),
            Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    }
  }

  static Started start(List<String> command, Path dir, Map<String, String> env) throws IOException {
    Path out = Files.createTempFile("devcontainer-test", ".out");
    Path err = Files.createTempFile("devcontainer-test", ".err");
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    // The machine's own settings must not leak into what the test says.
    for (String name : List.copyOf(pb.environment().keySet())) {
      if (name.startsWith("TOX_SERVER_") || name.startsWith("BRIDGE_")) {
        pb.environment().remove(name);
      }
    }
    pb.environment().putAll(env);
    return new Started(pb.start(), out, err);
  }

  static CommandResult run(List<String> command, Path dir, Map<String, String> env)
      throws Exception {
    return start(command, dir, env).await(Duration.ofSeconds(90));
  }

  /** {@code bridge ARGS} through the committed launcher, as a user types it. */
  static CommandResult bridge(Path dir, String... args) throws Exception {
    return bridge(dir, Map.of(), args);
  }

  /** {@code bridge ARGS} with more environment (a scratch XDG_CONFIG_HOME for its keys, say). */
  static CommandResult bridge(Path dir, Map<String, String> env, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(DevcontainerFiles.BRIDGE.toString()));
    cmd.addAll(List.of(args));
    return run(cmd, dir, env);
  }

  /** Processes whose current directory is {@code dir}: the servers started there. */
  static List<ProcessHandle> runningIn(Path dir) throws IOException {
    Path real = dir.toRealPath();
    List<ProcessHandle> found = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : (Iterable<Path>) procs::iterator) {
        String name = p.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        try {
          if (Files.readSymbolicLink(p.resolve("cwd")).equals(real)) {
            ProcessHandle.of(Long.parseLong(name))
                .filter(ProcessHandle::isAlive)
                .ifPresent(found::add);
          }
        } catch (IOException | SecurityException gone) {
          // exited meanwhile, or not ours to inspect
        }
      }
    }
    return found;
  }

  /** The tox-server JVMs running in {@code dir}. */
  static List<ProcessHandle> serversIn(Path dir) throws IOException {
    return runningIn(dir).stream()
        .filter(p -> p.info().commandLine().orElse("").contains("ToxServerCli serve"))
        .toList();
  }

  /** Kills everything running in {@code dir} with its descendants, and waits until it is gone. */
  static void killAllIn(Path dir) throws Exception {
    for (ProcessHandle p : runningIn(dir)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      p.onExit().get(10, TimeUnit.SECONDS);
    }
    assertThat(runningIn(dir)).as("processes left in " + dir).isEmpty();
  }

  /** The pid in the start script's "started tox-server (pid N)". */
  static long startedPid(CommandResult r) {
    var m = java.util.regex.Pattern.compile("started tox-server \\(pid (\\d+)\\)").matcher(r.out());
    assertThat(m.find()).as("the start script says it started a server: " + r.all()).isTrue();
    return Long.parseLong(m.group(1));
  }
}
