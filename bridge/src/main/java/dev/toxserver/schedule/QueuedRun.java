package dev.toxserver.schedule;

import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * One run, from the moment it is asked for until it has ended. Its id and arguments are fixed;
 * while it waits, later requests may be merged into it (its files grow, its trigger may become
 * {@link Trigger#MANUAL}); its phase goes {@link Phase#WAITING} → {@link Phase#RUNNING} → {@link
 * Phase#ENDED}. Only the {@link RunScheduler} changes it; anyone may read it, from any thread.
 */
public final class QueuedRun {
  /** Where a run is. */
  public enum Phase {
    WAITING,
    RUNNING,
    ENDED
  }

  private final int id;
  private final List<String> args;
  private final boolean ownRun;
  private final CompletableFuture<RunOutcome> outcome = new CompletableFuture<>();

  // Guarded by this.
  private Trigger trigger;
  private final TreeSet<Path> files;
  private Phase phase = Phase.WAITING;
  private boolean cancelled;
  private String cancelReason;
  private Consumer<String> onCancel;

  /**
   * @param ownRun whether it runs on its own, never merged with another request (a manual run under
   *     {@link OnManual#QUEUE})
   */
  QueuedRun(int id, Trigger trigger, List<Path> files, List<String> args, boolean ownRun) {
    this.id = id;
    this.trigger = trigger;
    this.files = new TreeSet<>(files);
    this.args = List.copyOf(args);
    this.ownRun = ownRun;
  }

  /** Its number, from 1, unique within its scheduler. */
  public int id() {
    return id;
  }

  /** The arguments for tox. */
  public List<String> args() {
    return args;
  }

  public synchronized Trigger trigger() {
    return trigger;
  }

  /** The changed files it runs for, relative to the watched folder, sorted; empty if none. */
  public synchronized List<Path> files() {
    return List.copyOf(files);
  }

  public synchronized Phase phase() {
    return phase;
  }

  /** Whether it was cancelled (it may still be running: a run ends with the server's reply). */
  public synchronized boolean cancelled() {
    return cancelled;
  }

  /** Completes when it has ended, after the {@link RunListener} was told. */
  public CompletionStage<RunOutcome> ended() {
    return outcome.minimalCompletionStage();
  }

  /**
   * How to cancel it while it runs, for its executor: {@code hook} gets the reason (e.g. "Files
   * changed (app.py): restarting."). Called at once if it was cancelled already.
   */
  public void onCancel(Consumer<String> hook) {
    String reason;
    synchronized (this) {
      onCancel = hook;
      if (!cancelled) {
        return;
      }
      reason = cancelReason;
    }
    hook.accept(reason);
  }

  boolean ownRun() {
    return ownRun;
  }

  /** A later request joins this one. */
  synchronized void merge(Trigger later, List<Path> moreFiles) {
    files.addAll(moreFiles);
    trigger = trigger.merge(later, !files.isEmpty());
  }

  synchronized void start() {
    phase = Phase.RUNNING;
  }

  synchronized void end() {
    phase = Phase.ENDED;
  }

  /**
   * Marks it cancelled; returns what cancels it on the server, to be called outside any lock, or
   * null when nothing is to be done now (it waits, or its executor has not registered yet).
   */
  synchronized Runnable cancel(String reason) {
    cancelled = true;
    cancelReason = reason;
    Consumer<String> hook = onCancel;
    return hook == null ? null : () -> hook.accept(reason);
  }

  void complete(RunOutcome result) {
    outcome.complete(result);
  }

  @Override
  public synchronized String toString() {
    return "run " + id + " (" + trigger + " " + files + ", " + phase + ")";
  }
}
