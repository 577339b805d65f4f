package dev.toxserver.server;

import dev.toxserver.process.ProcessTree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The runs a server has started and whose process trees may still be alive, one small JSON file
 * each (a {@link RunRecord}), so that a server killed with SIGKILL (which cannot end its runs)
 * leaves its successor a list of what to end.
 *
 * <p>The records live outside the workspace, which the host and whatever is cloned into the project
 * can write: in {@code ${XDG_STATE_HOME:-~/.local/state}/tox-server/runs/<workdir key>/}, a {@link
 * PrivateFolder} of this user's (0700), one folder per working directory (the key is a hash of its
 * real path). Nothing there is followed through a symlink.
 *
 * <p>Each server start draws a random token (SecureRandom, 256 bits) that every run gets in its
 * environment as {@value RunToken#VARIABLE}, inherited by the whole tree; the record keeps only its
 * SHA-256. Before signalling anything the sweep reads the token back from {@code
 * /proc/PID/environ}: a process that does not carry it was not started by that server, whatever the
 * record says. A record is named {@code <pid>.json} after the run's command, which leads a session
 * of its own (runs start through {@code setsid}); it is written when the run starts and removed
 * when the run's whole tree is gone. A starting server {@link #sweep sweeps} the records before it
 * serves: see there for the rules.
 */
final class RunRecords {
  private static final Logger LOG = Logger.getLogger("tox-server");

  private static final String SUFFIX = ".json";

  /** A record is a few hundred bytes; argv may be long, but not this long. */
  private static final int MAX_RECORD_BYTES = 1 << 20;

  private final PrivateFolder folder;
  private final long serverPid = ProcessHandle.current().pid();
  private final long serverStart = ProcessTree.startTime(serverPid).orElse(-1);
  private final String bootId = ProcessTree.bootId();
  private final String pidNamespace = ProcessTree.pidNamespace();
  private final RunToken token = RunToken.random();

  private RunRecords(PrivateFolder folder) {
    this.folder = folder;
  }

  /**
   * The records of {@code workdir}, in this user's state folder ({@code XDG_STATE_HOME}, else
   * {@code ~/.local/state}), the folders created if missing.
   *
   * @throws IOException when there is no such folder, or it is unsafe (see {@link PrivateFolder})
   */
  static RunRecords open(Path workdir) throws IOException {
    return open(workdir, stateHome());
  }

  /** The records of {@code workdir} under {@code stateHome} instead of the user's. */
  static RunRecords open(Path workdir, Path stateHome) throws IOException {
    return new RunRecords(PrivateFolder.open(stateHome, "tox-server", "runs", key(workdir)));
  }

  /** Where {@link #open(Path, Path)} keeps the records of {@code workdir}. */
  static Path folder(Path workdir, Path stateHome) throws IOException {
    return stateHome.resolve("tox-server").resolve("runs").resolve(key(workdir));
  }

  private static Path stateHome() throws IOException {
    String xdg = System.getenv("XDG_STATE_HOME");
    if (xdg != null && Path.of(xdg).isAbsolute()) {
      return Path.of(xdg);
    }
    String home = System.getProperty("user.home");
    if (home == null || home.isEmpty() || home.equals("?")) {
      throw new IOException("this user has no home folder; set XDG_STATE_HOME");
    }
    return Path.of(home, ".local", "state");
  }

  /** The working directory's folder name: a hash of its real path, so each has its own. */
  private static String key(Path workdir) throws IOException {
    byte[] path = workdir.toRealPath().toString().getBytes(StandardCharsets.UTF_8);
    return HexFormat.of().formatHex(RunToken.sha256(path), 0, 16);
  }

  Path dir() {
    return folder.path();
  }

  /** What every run of this server gets in its environment. */
  Map<String, String> runEnvironment() {
    return token.environment();
  }

  /** The SHA-256 of this server's token, as its records hold it. */
  String tokenSha256() {
    return token.sha256Hex();
  }

  /**
   * Records a run that has just started. A record that cannot be written costs only the clean-up
   * after a crash, so it is logged, not thrown.
   */
  void add(long pid, List<String> argv) {
    OptionalLong start = ProcessTree.startTime(pid);
    if (start.isEmpty()) {
      // Already gone: without its start time the record could not tell it from a later process.
      LOG.fine(() -> "run pid " + pid + " ended before it was recorded");
      return;
    }
    write(
        new RunRecord(
            pid,
            start.getAsLong(),
            serverPid,
            serverStart,
            Objects.requireNonNullElse(bootId, "unknown"),
            Objects.requireNonNullElse(pidNamespace, "unknown"),
            tokenSha256(),
            List.copyOf(argv),
            null));
  }

  /** Writes {@code run} as {@code <pid>.json}; logs what went wrong. */
  private void write(RunRecord run) {
    try {
      folder.write(run.pid() + SUFFIX, run.toJson());
    } catch (IOException e) {
      LOG.warning(
          "Cannot record run pid "
              + run.pid()
              + " in "
              + dir()
              + " ("
              + e.getMessage()
              + "): if this server is killed, the next one cannot end that run's processes.");
    }
  }

  /** Forgets a run whose tree is gone. */
  void remove(long pid) {
    try {
      Files.deleteIfExists(dir().resolve(pid + SUFFIX));
    } catch (IOException e) {
      LOG.log(Level.FINE, "cannot remove the record of run pid " + pid, e);
    }
  }

  /**
   * What {@link #sweep} did: the records whose processes it ended, those processes, the records of
   * live servers it left alone, and why it refused the others.
   */
  record Sweep(
      List<RunRecord> ended, List<Long> pids, List<RunRecord> leftAlone, List<String> refusals) {}

  /**
   * Ends what is left of the runs of servers that are gone, before this one serves.
   *
   * <ul>
   *   <li>A record with a field missing or out of range, or naming pid 0 or 1, this server, its
   *       session or one of its ancestors, is refused (logged) and deleted, as is one that is not a
   *       regular file. Records from before a reboot or from another pid namespace (a container
   *       since restarted: its pids name other processes here) are deleted.
   *   <li>A record whose server still runs (same pid, same start time: another server on this
   *       workdir, or another server in this JVM) is left alone.
   *   <li>Otherwise, when the leader still runs with the recorded start time and carries the
   *       record's token, the run's processes are the leader and every process of its session (tox
   *       passes only some variables on to what it runs, so members need not carry the token: a
   *       session has only what its leader's session forked). A leader with another start time
   *       means the pid was handed out again, so the session is empty; one without the token was
   *       not started by a tox-server, and nothing is touched. With the leader gone, the members of
   *       its session that carry the token are the run's. They get SIGTERM, and SIGKILL after
   *       {@code grace}; the record is deleted.
   * </ul>
   */
  Sweep sweep(Duration grace) {
    List<RunRecord> ended = new ArrayList<>();
    List<RunRecord> leftAlone = new ArrayList<>();
    List<String> refusals = new ArrayList<>();
    Set<ProcessHandle> targets = new LinkedHashSet<>();
    List<Path> done = new ArrayList<>();
    if (bootId == null || pidNamespace == null) {
      return new Sweep(List.of(), List.of(), List.of(), List.of()); // no /proc: nothing to check
    }
    for (Path file : files()) {
      RunRecord run;
      try {
        run = read(file);
      } catch (IOException e) {
        refusals.add(refuse(file, e.getMessage()));
        done.add(file);
        continue;
      }
      if (!run.bootId().equals(bootId) || !run.pidNamespace().equals(pidNamespace)) {
        done.add(file); // from before a reboot, or another container: nothing of it runs here
        continue;
      }
      String refusal = refusal(run);
      if (refusal != null) {
        refusals.add(refuse(file, refusal));
        done.add(file);
        continue;
      }
      if (serverRuns(run)) {
        leftAlone.add(run);
        continue;
      }
      List<ProcessHandle> left = processesOf(run, refusals);
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
        Files.deleteIfExists(f); // a symlink itself, never its target
      } catch (IOException e) {
        LOG.warning("Cannot remove the run record " + f + ": " + e.getMessage());
      }
    }
    return new Sweep(List.copyOf(ended), pids, List.copyOf(leftAlone), List.copyOf(refusals));
  }

  private static String refuse(Path file, String why) {
    String line = "Refusing the run record " + file + ": " + why + "; removing it";
    LOG.warning(line);
    return line;
  }

  /** Why the record must not be acted on whatever else it says, or null. */
  private String refusal(RunRecord run) {
    long pid = run.pid();
    if (pid <= 1) {
      return "pid " + pid + " is no run's (it would name every process of session " + pid + ")";
    }
    if (pid == serverPid) {
      return "pid " + pid + " is this server";
    }
    if (ProcessTree.sessionId(serverPid).orElse(-1) == pid) {
      return "pid " + pid + " leads this server's own session (the shell it was started from?)";
    }
    Optional<ProcessHandle> p = ProcessHandle.current().parent();
    for (int depth = 0; p.isPresent() && depth < 64; depth++, p = p.get().parent()) {
      if (p.get().pid() == pid) {
        return "pid " + pid + " started this server (or one of its parents did)";
      }
    }
    return null;
  }

  /** Whether the server that wrote the record is still running (this JVM included). */
  private static boolean serverRuns(RunRecord run) {
    OptionalLong now = ProcessTree.startTime(run.serverPid());
    return now.isPresent() && now.getAsLong() == run.serverStart();
  }

  /** The run's processes still running: see {@link #sweep}. */
  private static List<ProcessHandle> processesOf(RunRecord run, List<String> refusals) {
    OptionalLong leaderStart = ProcessTree.startTime(run.pid());
    if (leaderStart.isPresent()) {
      if (leaderStart.getAsLong() != run.start()) {
        return List.of(); // the pid belongs to a newer process: the run's session is empty
      }
      if (!carriesToken(run.pid(), run)) {
        refusals.add(
            refuse(
                run.file(),
                "pid "
                    + run.pid()
                    + " does not carry the record's token in its environment, so no tox-server"
                    + " started it; leaving it alone"));
        return List.of();
      }
      Set<ProcessHandle> all = new LinkedHashSet<>(ProcessTree.session(run.pid()));
      ProcessHandle.of(run.pid()).ifPresent(all::add);
      return new ArrayList<>(all);
    }
    List<ProcessHandle> ours = new ArrayList<>();
    List<Long> strangers = new ArrayList<>();
    for (ProcessHandle p : ProcessTree.session(run.pid())) {
      if (carriesToken(p.pid(), run)) {
        ours.add(p);
      } else {
        strangers.add(p.pid());
      }
    }
    if (!strangers.isEmpty()) {
      refusals.add(
          refuse(
              run.file(),
              "the processes "
                  + strangers
                  + " of session "
                  + run.pid()
                  + " (its leader is gone) do not carry the record's token; leaving them alone"));
    }
    return ours;
  }

  private static boolean carriesToken(long pid, RunRecord run) {
    return RunToken.carriedBy(pid, run.tokenSha256());
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

  /** The record in {@code file}, read as the sweep reads it. */
  static RunRecord read(Path file) throws IOException {
    return RunRecord.parse(PrivateFolder.read(file, MAX_RECORD_BYTES), file);
  }

  private List<Path> files() {
    try {
      return folder.list(SUFFIX);
    } catch (IOException e) {
      LOG.warning("Cannot read the run records in " + dir() + ": " + e.getMessage());
      return List.of();
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
