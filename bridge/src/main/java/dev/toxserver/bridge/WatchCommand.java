package dev.toxserver.bridge;

import dev.toxserver.cli.CliRoot;
import dev.toxserver.cli.ConnectionOptions;
import dev.toxserver.cli.ExitCodes;
import dev.toxserver.cli.StartUpException;
import dev.toxserver.cli.TerminalRun;
import dev.toxserver.cli.UsageError;
import dev.toxserver.client.ServerAddress;
import dev.toxserver.keys.KeyFileException;
import dev.toxserver.local.LocalServer;
import dev.toxserver.schedule.OnChange;
import dev.toxserver.schedule.OnManual;
import dev.toxserver.schedule.RunListener;
import dev.toxserver.schedule.RunLoop;
import dev.toxserver.schedule.RunScheduler;
import dev.toxserver.watch.ChangeBatch;
import dev.toxserver.watch.ProjectWatcher;
import dev.toxserver.watch.WatchSettings;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

/** {@code bridge watch [PATH] [-- TOX_ARGS...]}: a run after every change, shown live. */
@Command(
    name = "watch",
    sortOptions = false,
    description = {
      "Watch PATH (default: the current directory) and run tox with TOX_ARGS on the server after"
          + " files change: changes within the debounce window make one run, saving a file"
          + " without changing its content makes none. Each run starts with a line naming the"
          + " changed files and ends with a summary line, both on stderr.",
      "Ignored: .git/ .tox/ .venv/ __pycache__/ *.pyc .pytest_cache/ .mypy_cache/"
          + " node_modules/ build/ target/, editor swap and backup files, and the patterns of"
          + " PATH/.gitignore. Ignored directories are not watched at all.",
      "Keys: Enter reruns, q quits. ^C during a run cancels it (a second ^C exits at once);"
          + " ^C between runs quits.",
      ""
    })
final class WatchCommand implements Callable<Integer> {
  /**
   * JGit, which matches the .gitignore patterns, logs a stack trace for a pattern it cannot parse;
   * git itself skips such lines silently, and so do we. Held so the setting is not collected.
   */
  private static final Logger JGIT_LOG = Logger.getLogger("org.eclipse.jgit");

  @ParentCommand CliRoot parent;

  @Mixin ConnectionOptions options;

  @Spec CommandSpec spec;

  @Option(
      names = "--debounce",
      paramLabel = "MS",
      defaultValue = "100",
      description = "Changes less than this far apart make one run (default ${DEFAULT-VALUE}).")
  long debounceMs;

  @Option(
      names = "--include",
      paramLabel = "GLOB",
      description =
          "Only changes to files matching GLOB (relative to PATH, e.g. 'src/**.py') start a run."
              + " Repeatable.")
  List<String> includes = new ArrayList<>();

  @Option(
      names = "--exclude",
      paramLabel = "GLOB",
      description = "Also ignore paths matching GLOB (e.g. 'docs/**'). Repeatable.")
  List<String> excludes = new ArrayList<>();

  @Option(
      names = "--on-change",
      paramLabel = "WHAT",
      defaultValue = "restart",
      description =
          "A change during a run: restart (cancel it, run again), queue (run once more after it)"
              + " or ignore. Default ${DEFAULT-VALUE}.")
  String onChange;

  @Option(names = "--clear", description = "Clear the screen before each run.")
  boolean clear;

  @Option(names = "--run-on-start", description = "Run once at start, before any change.")
  boolean runOnStart;

  @Option(
      names = "--poll",
      paramLabel = "MS",
      description =
          "Look for changes every MS milliseconds instead of waiting for the OS to report them:"
              + " for network and virtualised mounts where change events never arrive.")
  Long pollMs;

  @Option(
      names = "--local",
      description =
          "No container: run tox (or --command) in PATH through a server in this process.")
  boolean local;

  @Option(
      names = "--command",
      paramLabel = "CMD",
      description = "With --local: the program to run instead of tox, e.g. 'pytest -q'.")
  String command;

  @Parameters(
      paramLabel = "[PATH] [-- TOX_ARGS]",
      description =
          "The directory to watch, then, after '--', the arguments for tox (passed on as is).")
  List<String> params = new ArrayList<>();

  @Override
  public Integer call() {
    ConnectionOptions.Resolved r = ConnectionOptions.setUp(options, parent);
    if (!r.logLevel().equals(Level.FINE)) {
      JGIT_LOG.setLevel(Level.OFF);
    }
    List<String> toxArgs = toxArgs();
    int pathCount = params.size() - toxArgs.size();
    if (pathCount > 1) {
      throw new UsageError(
          "watch takes one PATH; put tox's arguments after '--' (got "
              + String.join(" ", params.subList(0, pathCount))
              + ").");
    }
    Path root = Path.of(pathCount == 1 ? params.get(0) : "").toAbsolutePath().normalize();
    if (!Files.isDirectory(root)) {
      throw new UsageError(root + " is not a directory: nothing to watch.");
    }
    OnChange mode = parseOnChange(onChange);
    if (debounceMs <= 0 || (pollMs != null && pollMs <= 0)) {
      throw new UsageError("--debounce and --poll take a positive number of ms.");
    }
    OutputStream err = new FileOutputStream(FileDescriptor.err);
    try {
      return watch(r, root, mode, toxArgs, err);
    } catch (StartUpException | KeyFileException | IOException | IllegalArgumentException e) {
      Terminal.say(err, parent.name() + ": " + e.getMessage());
      return ExitCodes.of(e);
    }
  }

  /** Connects, starts watching, and runs what the scheduler hands out until told to quit. */
  private int watch(
      ConnectionOptions.Resolved r,
      Path root,
      OnChange mode,
      List<String> toxArgs,
      OutputStream err)
      throws StartUpException, KeyFileException, IOException {
    boolean color = Terminal.colorOnStderr(parent.env());
    RunScheduler scheduler = new RunScheduler(mode, OnManual.RESTART, toxArgs, RunListener.NONE);
    AtomicInteger quitCode = new AtomicInteger(0);
    IntConsumer quit =
        code -> {
          if (code != 0) {
            quitCode.set(code);
          }
          scheduler.close("Quitting: cancelling the run in flight.");
        };
    try (LocalServer embedded = LocalServer.startIfLocal(local, command, root, r.logLevel());
        RunLoop runs = new RunLoop(scheduler, address(r, embedded, root))) {
      runs.connect(); // a host that cannot be used is an error before watching starts
      WatchSettings settings =
          new WatchSettings(
              root,
              includes,
              excludes,
              Duration.ofMillis(debounceMs),
              pollMs == null ? null : Duration.ofMillis(pollMs));
      AtomicReference<ProjectWatcher> watching = new AtomicReference<>();
      try (ProjectWatcher watcher =
          startWatcher(settings, onChanges(scheduler, watching, err, quit))) {
        watching.set(watcher);
        Keyboard keyboard =
            Keyboard.listen(
                System.in,
                new Keyboard.Keys() {
                  @Override
                  public void rerun() {
                    scheduler.manual(null);
                  }

                  @Override
                  public void quit() {
                    quit.accept(0);
                  }
                });
        TerminalRunner terminal =
            new TerminalRunner(
                new TerminalRun.Settings(parent.name(), r.clientTimeout(), true, color),
                new FileOutputStream(FileDescriptor.out),
                err,
                clear,
                () -> {
                  keyboard.restore();
                  if (embedded != null) {
                    embedded.killRunsNow();
                  }
                });
        Signal.handle(
            new Signal("INT"),
            s -> {
              if (!terminal.interrupt()) {
                quit.accept(ExitCodes.INTERRUPTED);
              }
            });
        Terminal.say(
            err,
            "Watching "
                + root
                + " ("
                + watcher.watchedDirectories()
                + (watcher.watchedDirectories() == 1 ? " directory" : " directories")
                + ") for changes; running on "
                + (local ? "a local server" : r.clientEndpoint())
                + ". Enter reruns, q quits.");
        if (runOnStart) {
          scheduler.first();
        }
        try {
          runs.run(terminal);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        keyboard.restore();
      }
    }
    return quitCode.get();
  }

  /** The watched folder's project decides about CURVE; a local server needs no keys. */
  private ServerAddress address(ConnectionOptions.Resolved r, LocalServer embedded, Path root)
      throws KeyFileException {
    return embedded != null
        ? ServerAddress.plain(embedded.endpoint())
        : r.clientSetup(parent).address(r.clientEndpoint(), root);
  }

  /** Changes become runs; a watcher that stopped for good ends the command. */
  private ProjectWatcher.Listener onChanges(
      RunScheduler scheduler,
      AtomicReference<ProjectWatcher> watching,
      OutputStream err,
      IntConsumer quit) {
    return new ProjectWatcher.Listener() {
      @Override
      public void changed(ChangeBatch batch) {
        scheduler.changed(batch.files());
      }

      @Override
      public void failed(Exception e) {
        ProjectWatcher w = watching.get(); // null while it starts
        if (w != null && !w.isWatching()) {
          Terminal.say(err, parent.name() + ": watching stopped: " + e.getMessage());
          quit.accept(ExitCodes.ERROR);
        } else {
          Terminal.say(err, parent.name() + ": " + e.getMessage());
        }
      }
    };
  }

  private static ProjectWatcher startWatcher(
      WatchSettings settings, ProjectWatcher.Listener listener) throws IOException {
    try {
      return ProjectWatcher.start(settings, listener);
    } catch (IllegalArgumentException e) {
      throw new UsageError("Bad --include or --exclude pattern: " + e.getMessage());
    }
  }

  /** What follows the first '--' on the command line: tox's arguments, untouched. */
  private List<String> toxArgs() {
    List<String> original = spec.commandLine().getParseResult().originalArgs();
    int dashes = original.indexOf("--");
    if (dashes < 0) {
      return List.of();
    }
    int count = original.size() - dashes - 1;
    return List.copyOf(params.subList(params.size() - count, params.size()));
  }

  private static OnChange parseOnChange(String value) {
    try {
      return OnChange.parse(value);
    } catch (IllegalArgumentException e) {
      throw new UsageError("--on-change " + e.getMessage() + ".");
    }
  }
}
