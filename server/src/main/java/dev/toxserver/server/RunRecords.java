package dev.toxserver.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toxserver.keys.StateDir;
import dev.toxserver.process.ProcessTree;
import dev.toxserver.protocol.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The runs a server has started and whose process trees may still be alive, one small JSON file
 * each in {@code <workdir>/.tox-server/runs/}, so that a server killed with SIGKILL (which cannot
 * end its runs) leaves its successor a list of what to end.
 *
 * <p>A record is named {@code <pid>.json} after the run's command, which leads a session of its own
 * (runs start through {@code setsid}), and holds:
 *
 * <pre>{@code
 * {"pid": 4242, "start": 1234567,            // the leader, and field 22 of /proc/4242/stat
 *  "server_pid": 4200, "server_start": 1234000, "boot_id": "…", "pid_ns": "pid:[4026531836]",
 *  "argv": ["/usr/bin/tox", "-e", "py"]}
 * }</pre>
 *
 * <p>It is written when the run starts and removed when the run's whole tree is gone. A starting
 * server {@link #sweep sweeps} the records before it serves: see there for the rules.
 */
final class RunRecords {
  private static final Logger LOG = Logger.getLogger("tox-server");

  /** The folder's name inside {@link StateDir}. */
  static final String FOLDER = "runs";

  private static final String SUFFIX = ".json";

  private final Path dir;
  private final long serverPid = ProcessHandle.current().pid();
  private final long serverStart = ProcessTree.startTime(serverPid).orElse(-1);
  private final String bootId = bootId();
  private final String pidNamespace = pidNamespace();

  private RunRecords(Path dir) {
    this.dir = dir;
  }

  /** The records of {@code workdir}, the folder created if missing. */
  static RunRecords open(Path workdir) throws IOException {
    Path dir = StateDir.open(workdir).resolve(FOLDER);
    Files.createDirectories(dir);
    return new RunRecords(dir);
  }

  Path dir() {
    return dir;
  }

  /** One record: a run's session leader, the server that started it, and what it ran. */
  record RunRecord(
      long pid,
      long start,
      long serverPid,
      long serverStart,
      String bootId,
      String pidNamespace,
      List<String> argv,
      Path file) {}

  /**
   * Records a run that has just started. A record that cannot be written costs only the clean-up
   * after a crash, so it is logged, not thrown.
   */
  void add(long pid, List<String> argv) {
    ObjectNode o = Json.NODES.objectNode();
    o.put("pid", pid);
    // A leader that has already exited has no start time: the sweep then goes by session alone.
    o.put("start", ProcessTree.startTime(pid).orElse(-1));
    o.put("server_pid", serverPid);
    o.put("server_start", serverStart);
    if (bootId != null) {
      o.put("boot_id", bootId);
    }
    if (pidNamespace != null) {
      o.put("pid_ns", pidNamespace);
    }
    ArrayNode a = o.putArray("argv");
    argv.forEach(a::add);
    Path file = dir.resolve(pid + SUFFIX);
    Path tmp = dir.resolve("." + pid + SUFFIX + ".tmp");
    try {
      // Written aside and renamed, so that a crash mid-write leaves no half record.
      Files.writeString(tmp, Json.toText(o) + "\n", StandardCharsets.UTF_8);
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      LOG.warning(
          "Cannot record run pid "
              + pid
              + " in "
              + dir
              + " ("
              + e.getMessage()
              + "): if this server is killed, the next one cannot end that run's processes.");
    }
  }

  /** Forgets a run whose tree is gone. */
  void remove(long pid) {
    try {
      Files.deleteIfExists(dir.resolve(pid + SUFFIX));
    } catch (IOException e) {
      LOG.log(Level.FINE, "cannot remove the record of run pid " + pid, e);
    }
  }

  /** What {@link #sweep} did. */
  record Sweep(List<RunRecord> ended, List<Long> pids, List<RunRecord> leftAlone) {}

  /**
   * Ends what is left of the runs of servers that are gone, before this one serves.
   *
   * <ul>
   *   <li>A record whose server still runs (same pid, same start time: another server on this
   *       workdir, on another port, or another server in this JVM) is left alone.
   *   <li>Otherwise the run's processes are those whose session id is the recorded pid, and the
   *       leader itself if it still runs with the recorded start time. (A pid cannot be handed out
   *       again while a session of that id has members, so a leader with another start time means
   *       the session is empty.) They get SIGTERM, and SIGKILL after {@code grace}.
   *   <li>The record is then deleted, as are records that are unreadable or from before a reboot.
   * </ul>
   */
  Sweep sweep(Duration grace) {
    List<RunRecord> ended = new ArrayList<>();
    List<RunRecord> leftAlone = new ArrayList<>();
    Set<ProcessHandle> targets = new LinkedHashSet<>();
    List<Path> done = new ArrayList<>();
    for (Path file : files()) {
      RunRecord run = read(file);
      if (run == null) {
        LOG.warning("Removing an unreadable run record " + file);
        done.add(file);
        continue;
      }
      if (run.bootId() != null && bootId != null && !run.bootId().equals(bootId)) {
        done.add(file); // from before a reboot: nothing of it runs
        continue;
      }
      if (run.pidNamespace() != null
          && pidNamespace != null
          && !run.pidNamespace().equals(pidNamespace)) {
        // From another pid namespace — a container that has since been restarted, say: its pids
        // name other processes here, which must not be touched.
        done.add(file);
        continue;
      }
      if (serverRuns(run)) {
        leftAlone.add(run);
        continue;
      }
      List<ProcessHandle> left = processesOf(run);
      if (!left.isEmpty()) {
        ended.add(run);
        targets.addAll(left);
      }
      done.add(file);
    }
    List<Long> pids = targets.stream().map(ProcessHandle::pid).toList();
    for (RunRecord run : ended) {
      LOG.warning(
          "Ending what is left of a run of tox-server pid "
              + run.serverPid()
              + ", which is gone (killed?): session "
              + run.pid()
              + ", "
              + String.join(" ", run.argv()));
    }
    if (!targets.isEmpty()) {
      LOG.warning("SIGTERM to the leftover processes " + pids);
      terminate(targets, grace);
    }
    for (RunRecord run : leftAlone) {
      LOG.info(
          "Leaving run pid "
              + run.pid()
              + " alone: its tox-server (pid "
              + run.serverPid()
              + ") still runs on this working directory");
    }
    for (Path f : done) {
      try {
        Files.deleteIfExists(f);
      } catch (IOException e) {
        LOG.warning("Cannot remove the run record " + f + ": " + e.getMessage());
      }
    }
    return new Sweep(List.copyOf(ended), pids, List.copyOf(leftAlone));
  }

  /** Whether the server that wrote the record is still running (this JVM included). */
  private static boolean serverRuns(RunRecord run) {
    OptionalLong now = ProcessTree.startTime(run.serverPid());
    return now.isPresent() && now.getAsLong() == run.serverStart();
  }

  private static List<ProcessHandle> processesOf(RunRecord run) {
    OptionalLong leaderStart = ProcessTree.startTime(run.pid());
    if (leaderStart.isPresent() && run.start() >= 0 && leaderStart.getAsLong() != run.start()) {
      return List.of(); // the pid belongs to a newer process: the run's session is empty
    }
    Set<ProcessHandle> all = new LinkedHashSet<>(ProcessTree.session(run.pid()));
    if (leaderStart.isPresent() && run.start() >= 0) {
      ProcessHandle.of(run.pid()).ifPresent(all::add);
    }
    return new ArrayList<>(all);
  }

  /** SIGTERM, then SIGKILL to those still running after {@code grace}; waits (bounded) for both. */
  private static void terminate(Set<ProcessHandle> processes, Duration grace) {
    Set<ProcessHandle> all = new LinkedHashSet<>(processes);
    ProcessTree.signal(new ArrayList<>(all), false);
    long deadline = System.nanoTime() + grace.toNanos();
    while (System.nanoTime() < deadline) {
      all.removeIf(p -> !ProcessTree.isRunning(p));
      if (all.isEmpty()) {
        return;
      }
      sleep(5);
    }
    all.removeIf(p -> !ProcessTree.isRunning(p));
    if (all.isEmpty()) {
      return;
    }
    LOG.warning("Still running after " + grace.toMillis() + " ms, SIGKILL to " + pidsOf(all) + "");
    ProcessTree.signal(new ArrayList<>(all), true);
    long killDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    while (!all.isEmpty() && System.nanoTime() < killDeadline) {
      sleep(5);
      all.removeIf(p -> !ProcessTree.isRunning(p));
    }
  }

  private static List<Long> pidsOf(Set<ProcessHandle> ps) {
    return ps.stream().map(ProcessHandle::pid).toList();
  }

  private List<Path> files() {
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
      ds.forEach(files::add);
    } catch (IOException e) {
      LOG.warning("Cannot read the run records in " + dir + ": " + e.getMessage());
    }
    return files;
  }

  /** The record in {@code file}, or null when it is not one. */
  static RunRecord read(Path file) {
    try {
      JsonNode o = Json.read(Files.readAllBytes(file));
      if (!o.path("pid").canConvertToLong() || !o.path("server_pid").canConvertToLong()) {
        return null;
      }
      List<String> argv = new ArrayList<>();
      o.path("argv").forEach(a -> argv.add(a.asText()));
      JsonNode boot = o.get("boot_id");
      JsonNode ns = o.get("pid_ns");
      return new RunRecord(
          o.path("pid").asLong(),
          o.path("start").asLong(-1),
          o.path("server_pid").asLong(),
          o.path("server_start").asLong(-1),
          boot != null && boot.isTextual() ? boot.asText() : null,
          ns != null && ns.isTextual() ? ns.asText() : null,
          List.copyOf(argv),
          file);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** This boot's id, which tells records written before a reboot; null where Linux has none. */
  private static String bootId() {
    try {
      return Objects.requireNonNull(
              Files.readString(Path.of("/proc/sys/kernel/random/boot_id"), StandardCharsets.UTF_8))
          .trim();
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** This process's pid namespace ("pid:[4026531836]"), which a restarted container changes. */
  private static String pidNamespace() {
    try {
      return Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString();
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
