package dev.toxserver.bridge;

import dev.toxserver.cli.CliRoot;
import dev.toxserver.cli.ConnectionOptions;
import dev.toxserver.cli.ExitCodes;
import dev.toxserver.cli.StartUpException;
import dev.toxserver.cli.TerminalRun;
import dev.toxserver.cli.UsageError;
import dev.toxserver.client.ServerAddress;
import dev.toxserver.client.ToxServerClient;
import dev.toxserver.keys.KeyFileException;
import dev.toxserver.local.LocalServer;
import dev.toxserver.schedule.ChangeList;
import dev.toxserver.schedule.OnChange;
import dev.toxserver.watch.ChangeBatch;
import dev.toxserver.watch.ProjectWatcher;
import dev.toxserver.watch.WatchSettings;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
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
    OutputStream out = new FileOutputStream(FileDescriptor.out);
    OutputStream err = new FileOutputStream(FileDescriptor.err);
    boolean color = Terminal.colorOnStderr(parent.env());
    LocalServer server;
    try {
      server = LocalServer.startIfLocal(local, command, root, r.logLevel());
    } catch (StartUpException e) {
      say(err, parent.name() + ": " + e.getMessage());
      return ExitCodes.of(e);
    }
    String endpoint = server != null ? server.endpoint() : r.clientEndpoint();
    ServerAddress address;
    try {
      // The project is the watched folder: its .tox-server/server.key says whether to use CURVE.
      address =
          server != null
              ? ServerAddress.plain(endpoint)
              : r.clientSetup(parent).address(endpoint, root);
    } catch (KeyFileException e) { // never with a local server: it needs no keys
      say(err, parent.name() + ": " + e.getMessage());
      return ExitCodes.of(e);
    }
    WatchSettings settings =
        new WatchSettings(
            root,
            includes,
            excludes,
            Duration.ofMillis(debounceMs),
            pollMs == null ? null : Duration.ofMillis(pollMs));
    RunQueue queue = new RunQueue(mode);
    AtomicReference<TerminalRun> current = new AtomicReference<>();
    AtomicInteger quitCode = new AtomicInteger(0);
    AtomicReference<ProjectWatcher> watching = new AtomicReference<>();
    Runnable quit =
        () -> {
          queue.close();
          TerminalRun run = current.get();
          if (run != null) {
            run.cancel("Quitting: cancelling the run in flight.");
          }
        };
    try (LocalServer embedded = server;
        ToxServerClient client = address.connect();
        ProjectWatcher watcher =
            startWatcher(
                settings,
                new ProjectWatcher.Listener() {
                  @Override
                  public void changed(ChangeBatch batch) {
                    queue.submit(
                        new RunQueue.Request(
                            RunQueue.Why.CHANGE, batch.files(), batch.firstChange()));
                  }

                  @Override
                  public void failed(Exception e) {
                    ProjectWatcher w = watching.get();
                    if (w != null && !w.isWatching()) {
                      say(err, parent.name() + ": watching stopped: " + e.getMessage());
                      quitCode.set(ExitCodes.ERROR);
                      quit.run();
                    } else {
                      say(err, parent.name() + ": " + e.getMessage());
                    }
                  }
                })) {
      watching.set(watcher);
      Keyboard keyboard =
          Keyboard.listen(
              System.in,
              new Keyboard.Keys() {
                @Override
                public void rerun() {
                  queue.submit(new RunQueue.Request(RunQueue.Why.MANUAL, List.of(), Instant.now()));
                }

                @Override
                public void quit() {
                  quit.run();
                }
              });
      Signal.handle(
          new Signal("INT"),
          s -> {
            TerminalRun run = current.get();
            if (run != null && queue.running()) {
              run.interrupt();
            } else {
              quitCode.set(ExitCodes.INTERRUPTED);
              quit.run();
            }
          });
      say(
          err,
          "Watching "
              + root
              + " ("
              + watcher.watchedDirectories()
              + (watcher.watchedDirectories() == 1 ? " directory" : " directories")
              + ") for changes; running on "
              + (local ? "a local server" : endpoint)
              + ". Enter reruns, q quits.");
      if (runOnStart) {
        queue.submit(new RunQueue.Request(RunQueue.Why.START, List.of(), Instant.now()));
      }
      TerminalRun.Settings runSettings =
          new TerminalRun.Settings(parent.name(), r.clientTimeout(), true, color);
      Runnable forcedExit =
          () -> {
            keyboard.restore();
            if (embedded != null) {
              embedded.killRunsNow();
            }
          };
      while (true) {
        TerminalRun run = new TerminalRun(client, runSettings, out, err, forcedExit);
        RunQueue.Request request;
        try {
          request = queue.next(run::cancel);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
        if (request == null) {
          break;
        }
        current.set(run);
        if (clear) {
          write(err, "\u001b[H\u001b[2J\u001b[3J");
        }
        say(err, header(request, color));
        run.execute(toxArgs);
        current.set(null);
        queue.finished();
      }
      keyboard.restore();
    } catch (IOException e) {
      say(err, parent.name() + ": " + e.getMessage());
      return ExitCodes.of(e);
    } catch (IllegalArgumentException e) {
      say(err, parent.name() + ": " + e.getMessage());
      return ExitCodes.of(e);
    }
    return quitCode.get();
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

  /** Always hh:mm:ss: {@code LocalTime.toString()} leaves out the seconds at a whole minute. */
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

  static String header(RunQueue.Request request, boolean color) {
    return header(request, color, LocalTime.now());
  }

  static String header(RunQueue.Request request, boolean color, LocalTime now) {
    String time = now.format(TIME);
    String why =
        switch (request.why()) {
          case START -> "first run";
          case MANUAL -> "rerun requested";
          case CHANGE -> "changed: " + ChangeList.describe(request.files());
        };
    String line = "[RUN] " + time + " " + why;
    return color ? "\u001b[1;36m" + line + "\u001b[0m" : line;
  }

  private static void say(OutputStream err, String line) {
    write(err, line + "\n");
  }

  private static void write(OutputStream err, String text) {
    try {
      err.write(text.getBytes(StandardCharsets.UTF_8));
      err.flush();
    } catch (IOException e) {
      // stderr is gone: nowhere left to say it.
    }
  }
}
