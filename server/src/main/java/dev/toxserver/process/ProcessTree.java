package dev.toxserver.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The processes a run started: the command, everything below it, and (when the command leads its
 * own session, as runs started through {@code setsid} do) every process in that session — which
 * also catches daemonised grandchildren that were re-parented away from the tree.
 *
 * <p>One pass over {@code /proc} answers both questions; without {@code /proc} the JDK's view of
 * the descendants is used.
 */
public final class ProcessTree {
  private static final Path PROC = Path.of("/proc");

  private ProcessTree() {}

  /**
   * One line of /proc/PID/stat, the fields we need; {@code startTime} is field 22, the start in
   * clock ticks since boot, which tells a process from a later one that got the same pid.
   */
  private record ProcStat(long pid, char state, long ppid, long session, long startTime) {
    boolean running() {
      return state != 'Z' && state != 'X';
    }
  }

  /** Live, non-zombie members of the tree rooted at {@code root}, the root first if it runs. */
  public static List<ProcessHandle> members(ProcessHandle root) {
    Map<Long, ProcStat> all = scan();
    if (all == null) {
      Set<ProcessHandle> found = new LinkedHashSet<>();
      if (root.isAlive()) {
        found.add(root);
      }
      root.descendants().forEach(found::add);
      found.removeIf(p -> !isRunning(p));
      return new ArrayList<>(found);
    }
    long rootPid = root.pid();
    // A command not started through setsid shares the server's session, which must never be swept.
    ProcStat self = all.get(ProcessHandle.current().pid());
    boolean ownSession = self == null || self.session() != rootPid;
    Map<Long, List<Long>> children = new HashMap<>();
    for (ProcStat s : all.values()) {
      children.computeIfAbsent(s.ppid(), k -> new ArrayList<>()).add(s.pid());
    }
    Set<Long> pids = new LinkedHashSet<>();
    if (all.containsKey(rootPid)) {
      pids.add(rootPid);
    }
    // Descendants by parent links (the root's, if it still exists).
    List<Long> frontier = new ArrayList<>(children.getOrDefault(rootPid, List.of()));
    while (!frontier.isEmpty()) {
      long pid = frontier.remove(frontier.size() - 1);
      if (pids.add(pid)) {
        frontier.addAll(children.getOrDefault(pid, List.of()));
      }
    }
    if (ownSession) {
      for (ProcStat s : all.values()) {
        if (s.session() == rootPid) {
          pids.add(s.pid());
        }
      }
    }
    List<ProcessHandle> result = new ArrayList<>();
    for (long pid : pids) {
      ProcStat s = all.get(pid);
      if (s != null && s.running() && pid != ProcessHandle.current().pid()) {
        ProcessHandle.of(pid).ifPresent(result::add);
      }
    }
    return result;
  }

  /**
   * The start time of a running process (field 22 of /proc/PID/stat, clock ticks since boot), or
   * empty when it is gone, a zombie, or /proc cannot be read. With the pid it names one process for
   * good: a pid reused later comes with another start time.
   */
  public static OptionalLong startTime(long pid) {
    return readStat(PROC.resolve(Long.toString(pid)).resolve("stat"))
        .filter(ProcStat::running)
        .map(s -> OptionalLong.of(s.startTime()))
        .orElse(OptionalLong.empty());
  }

  /**
   * The running processes whose session id is {@code sid}, except this JVM: what is left of a run
   * whose command led session {@code sid} (its leader may be gone; the session id stays until the
   * last member ends, and Linux does not hand out the pid again meanwhile). Empty without /proc.
   */
  public static List<ProcessHandle> session(long sid) {
    Map<Long, ProcStat> all = scan();
    if (all == null) {
      return List.of();
    }
    long self = ProcessHandle.current().pid();
    List<ProcessHandle> result = new ArrayList<>();
    for (ProcStat s : all.values()) {
      if (s.session() == sid && s.running() && s.pid() != self) {
        ProcessHandle.of(s.pid()).ifPresent(result::add);
      }
    }
    return result;
  }

  /**
   * The session id of a running process, or empty when it is gone, a zombie, or /proc cannot be
   * read.
   */
  public static OptionalLong sessionId(long pid) {
    return readStat(PROC.resolve(Long.toString(pid)).resolve("stat"))
        .filter(ProcStat::running)
        .map(s -> OptionalLong.of(s.session()))
        .orElse(OptionalLong.empty());
  }

  /**
   * The value of {@code name} in the environment a process was started with ({@code
   * /proc/PID/environ}), or empty when it has none, is gone, or its environment cannot be read —
   * Linux lets only its owner (or root) read it.
   */
  public static Optional<String> environmentValue(long pid, String name) {
    byte[] env;
    try {
      env = Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("environ"));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
    byte[] prefix = (name + "=").getBytes(StandardCharsets.UTF_8);
    int start = 0;
    for (int i = 0; i <= env.length; i++) {
      if (i == env.length || env[i] == 0) {
        if (i - start >= prefix.length
            && Arrays.equals(env, start, start + prefix.length, prefix, 0, prefix.length)) {
          return Optional.of(
              new String(
                  env, start + prefix.length, i - start - prefix.length, StandardCharsets.UTF_8));
        }
        start = i + 1;
      }
    }
    return Optional.empty();
  }

  /** This boot's id, which tells records written before a reboot; null where Linux has none. */
  public static String bootId() {
    try {
      return Objects.requireNonNull(
              Files.readString(Path.of("/proc/sys/kernel/random/boot_id"), StandardCharsets.UTF_8))
          .trim();
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** This process's pid namespace ("pid:[4026531836]"), which a restarted container changes. */
  public static String pidNamespace() {
    try {
      return Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString();
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * The pipes a process writes its stdout and stderr to ({@code "pipe:[INODE]"}), read from
   * /proc/PID/fd; empty when it is gone already, they are not pipes, or there is no /proc.
   */
  public static Set<String> outputPipes(long pid) {
    Set<String> pipes = new LinkedHashSet<>();
    for (int fd = 1; fd <= 2; fd++) {
      try {
        String target = Files.readSymbolicLink(PROC.resolve(pid + "/fd/" + fd)).toString();
        if (target.startsWith("pipe:")) {
          pipes.add(target);
        }
      } catch (IOException | RuntimeException e) {
        // gone, or not ours to read
      }
    }
    return pipes;
  }

  /**
   * The running processes, this JVM aside, that hold any of {@code pipes} open (as named by {@link
   * #outputPipes}): whoever could still write to them. Only processes whose /proc/PID/fd this user
   * may read are seen — this user's.
   */
  public static List<ProcessHandle> holding(Set<String> pipes) {
    List<ProcessHandle> result = new ArrayList<>();
    if (pipes.isEmpty() || !Files.isDirectory(PROC)) {
      return result;
    }
    long self = ProcessHandle.current().pid();
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(PROC)) {
      for (Path p : dir) {
        String name = p.getFileName().toString();
        if (name.isEmpty() || !Character.isDigit(name.charAt(0))) {
          continue;
        }
        long pid;
        try {
          pid = Long.parseLong(name);
        } catch (NumberFormatException e) {
          continue;
        }
        if (pid != self && holds(p.resolve("fd"), pipes)) {
          ProcessHandle.of(pid).filter(ProcessTree::isRunning).ifPresent(result::add);
        }
      }
    } catch (IOException e) {
      return result;
    }
    return result;
  }

  private static boolean holds(Path fds, Set<String> pipes) {
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(fds)) {
      for (Path fd : dir) {
        try {
          if (pipes.contains(Files.readSymbolicLink(fd).toString())) {
            return true;
          }
        } catch (IOException e) {
          // closed meanwhile
        }
      }
    } catch (IOException | RuntimeException e) {
      // gone, or another user's
    }
    return false;
  }

  /** Every process's stat, or null when /proc cannot be read. */
  private static Map<Long, ProcStat> scan() {
    if (!Files.isDirectory(PROC)) {
      return null;
    }
    Map<Long, ProcStat> all = new HashMap<>();
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(PROC)) {
      for (Path p : dir) {
        String name = p.getFileName().toString();
        if (name.isEmpty() || !Character.isDigit(name.charAt(0))) {
          continue;
        }
        readStat(p.resolve("stat")).ifPresent(s -> all.put(s.pid(), s));
      }
    } catch (IOException e) {
      return null;
    }
    return all;
  }

  /** Parses "pid (comm) state ppid pgrp session ..."; comm may hold spaces and parentheses. */
  private static Optional<ProcStat> readStat(Path file) {
    try {
      byte[] b = Files.readAllBytes(file);
      int close = b.length - 1;
      while (close > 0 && b[close] != ')') {
        close--;
      }
      int i = 0;
      long pid = 0;
      while (i < b.length && b[i] != ' ') {
        pid = pid * 10 + (b[i++] - '0');
      }
      i = close + 2;
      char state = (char) b[i];
      i += 2;
      // Fields 4 (ppid) to 22 (starttime), all integers.
      long[] f = new long[19];
      for (int k = 0; k < f.length; k++) {
        long v = 0;
        boolean neg = false;
        if (b[i] == '-') {
          neg = true;
          i++;
        }
        while (i < b.length && b[i] != ' ' && b[i] != '\n') {
          v = v * 10 + (b[i++] - '0');
        }
        f[k] = neg ? -v : v;
        i++;
      }
      return Optional.of(new ProcStat(pid, state, f[0], f[2], f[18]));
    } catch (IOException | RuntimeException e) {
      return Optional.empty(); // the process ended while we looked
    }
  }

  /**
   * Alive and not a zombie. An orphan that died stays a zombie until PID 1 reaps it, which in some
   * containers takes seconds (or never happens): it holds no pipe and runs nothing, so it counts as
   * gone.
   */
  public static boolean isRunning(ProcessHandle p) {
    if (!p.isAlive()) {
      return false;
    }
    return readStat(PROC.resolve(Long.toString(p.pid())).resolve("stat"))
        .map(ProcStat::running)
        .orElse(p.isAlive());
  }

  /** Sends SIGTERM ({@code force=false}) or SIGKILL to each process. */
  public static void signal(List<ProcessHandle> processes, boolean force) {
    for (ProcessHandle p : processes) {
      if (force) {
        p.destroyForcibly();
      } else {
        p.destroy();
      }
    }
  }
}
