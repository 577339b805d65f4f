package dev.toxserver.bridge;

import dev.toxserver.cli.CliRoot;
import dev.toxserver.cli.ConnectionOptions;
import dev.toxserver.cli.ExitCodes;
import dev.toxserver.cli.UsageError;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The start-up fast path for the most common command line, {@code bridge [OPTIONS] run [OPTIONS]
 * [-- TOX_ARGS...]} with only -p/-h/-t/-l options: it is recognised without building picocli's
 * model, which costs more start-up time than the rest of a run. Anything else (help, --local, an
 * unknown option, a malformed value) is left to picocli, so the two can only differ in speed;
 * {@code QuickRunTest} checks that they agree.
 *
 * @param rootOptions the options before {@code run}
 * @param runOptions the options after it
 * @param args what follows {@code --}
 */
record QuickRun(
    ConnectionOptions rootOptions,
    ConnectionOptions runOptions,
    List<String> args,
    Map<String, String> env)
    implements CliRoot {

  @Override
  public String name() {
    return "bridge";
  }

  @Override
  public ConnectionOptions options() {
    return rootOptions;
  }

  @Override
  public boolean serverKeysAllowed() {
    return false; // the bridge runs on the host, as its user
  }

  /** Runs it; returns the exit code. */
  int execute() {
    try {
      return RunCommand.run(this, runOptions, false, null, args);
    } catch (UsageError e) {
      System.err.println("bridge: " + e.getMessage());
      System.err.println("Try 'bridge --help' for usage.");
      return ExitCodes.of(e);
    }
  }

  /** The command line as a fast-path run, or empty when picocli must handle it. */
  static Optional<QuickRun> parse(String[] argv, Map<String, String> env) {
    Values root = new Values();
    Values run = new Values();
    Values current = root;
    int i = 0;
    boolean sawRun = false;
    while (i < argv.length) {
      String a = argv[i];
      if (a.equals("--")) {
        if (!sawRun) {
          return Optional.empty();
        }
        i++;
        break;
      }
      if (!sawRun && a.equals("run")) {
        sawRun = true;
        current = run;
        i++;
        continue;
      }
      String name = a;
      String value;
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 0) {
        name = a.substring(0, eq);
        value = a.substring(eq + 1);
        i++;
      } else {
        if (i + 1 >= argv.length) {
          return Optional.empty();
        }
        value = argv[i + 1];
        i += 2;
      }
      if (!current.set(name, value)) {
        return Optional.empty();
      }
    }
    if (!sawRun) {
      return Optional.empty();
    }
    List<String> args = List.copyOf(Arrays.asList(argv).subList(i, argv.length));
    return Optional.of(new QuickRun(root.options(), run.options(), args, env));
  }

  /** Option values as given; a repeated option keeps the last, as picocli does. */
  private static final class Values {
    Integer port;
    String host;
    Double timeout;
    String logLevel;
    final java.util.Set<String> given = new java.util.HashSet<>();

    private static String canonical(String name) {
      return switch (name) {
        case "-p" -> "--port";
        case "-h" -> "--host";
        case "-t" -> "--timeout";
        case "-l" -> "--log-level";
        default -> name;
      };
    }

    /** False for anything the fast path does not handle (picocli will, or will explain). */
    boolean set(String name, String value) {
      if (value.startsWith("-") && !isNumber(value)) {
        return false; // e.g. '-p --help': leave the error message to picocli
      }
      if (!given.add(canonical(name))) {
        return false; // given twice: picocli says that is an error
      }
      switch (name) {
        case "-p", "--port" -> {
          try {
            port = Integer.parseInt(value);
          } catch (NumberFormatException e) {
            return false;
          }
        }
        case "-h", "--host" -> host = value;
        case "-t", "--timeout" -> {
          try {
            timeout = Double.parseDouble(value);
          } catch (NumberFormatException e) {
            return false;
          }
        }
        case "-l", "--log-level" -> logLevel = value;
        default -> {
          return false;
        }
      }
      return true;
    }

    private static boolean isNumber(String s) {
      try {
        Double.parseDouble(s);
        return true;
      } catch (NumberFormatException e) {
        return false;
      }
    }

    ConnectionOptions options() {
      return ConnectionOptions.given(port, host, timeout, logLevel);
    }
  }
}
