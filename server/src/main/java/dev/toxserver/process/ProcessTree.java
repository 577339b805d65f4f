package dev.toxserver.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The processes a run started: the command, everything below it, and (when the command leads its
 * own session, as runs started through {@code setsid} do) every process in that session — which
 * also catches daemonised grandchildren that were re-parented away from the tree.
 */
public final class ProcessTree {
  private static final Path PROC = Path.of("/proc");

  private ProcessTree() {}

  /** Live members of the tree rooted at {@code root}, the root first if it is alive. */
  public static List<ProcessHandle> members(ProcessHandle root) {
    Map<Long, ProcessHandle> found = new LinkedHashMap<>();
    if (root.isAlive()) {
      found.put(root.pid(), root);
    }
    root.descendants().forEach(p -> found.put(p.pid(), p));
    for (long pid : sessionMembers(root.pid())) {
      ProcessHandle.of(pid).ifPresent(p -> found.putIfAbsent(pid, p));
    }
    found.values().removeIf(p -> !isRunning(p));
    return new ArrayList<>(found.values());
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
    try {
      String stat =
          Files.readString(
              PROC.resolve(Long.toString(p.pid())).resolve("stat"), StandardCharsets.US_ASCII);
      char state = stat.charAt(stat.lastIndexOf(')') + 2);
      return state != 'Z' && state != 'X';
    } catch (IOException | RuntimeException e) {
      return p.isAlive();
    }
  }

  /**
   * Pids whose session id is {@code sid}. Empty when /proc is missing or when {@code sid} is not a
   * session of its own (a command not started through setsid shares the server's session, which
   * must never be swept).
   */
  static List<Long> sessionMembers(long sid) {
    List<Long> pids = new ArrayList<>();
    if (!Files.isDirectory(PROC) || sid == ProcessHandle.current().pid()) {
      return pids;
    }
    Optional<Long> ownSession = sessionOf(ProcessHandle.current().pid());
    if (ownSession.isPresent() && ownSession.get() == sid) {
      return pids;
    }
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(PROC)) {
      for (Path p : dir) {
        String name = p.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        long pid = Long.parseLong(name);
        if (sessionOf(pid).filter(s -> s == sid).isPresent()) {
          pids.add(pid);
        }
      }
    } catch (IOException e) {
      // /proc unreadable: fall back to the descendants the JDK knows.
    }
    return pids;
  }

  /** The session id of {@code pid}, from /proc/PID/stat. */
  static Optional<Long> sessionOf(long pid) {
    try {
      String stat =
          Files.readString(
              PROC.resolve(Long.toString(pid)).resolve("stat"), StandardCharsets.US_ASCII);
      // "pid (comm) state ppid pgrp session ..."; comm may hold spaces and parentheses.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Optional.of(Long.parseLong(f[3]));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
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
