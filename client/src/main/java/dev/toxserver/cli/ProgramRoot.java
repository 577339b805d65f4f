package dev.toxserver.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The top-level command of a program, {@code tox-server} or {@code bridge}: the connection options
 * given before the subcommand, {@code --version}, the environment, and how it runs. A subclass adds
 * its {@code @Command} (name, subcommands, help) and options of its own.
 */
public abstract class ProgramRoot implements Callable<Integer>, CliRoot {
  @Mixin ConnectionOptions options;

  @Option(names = "--version", versionHelp = true, description = "Print the version and exit.")
  boolean version;

  @Spec CommandSpec spec;

  private final String name;
  private final Map<String, String> env;
  private final boolean serverKeysAllowed;
  private final String subcommands;

  /**
   * @param name the program's name, as in its {@code @Command}
   * @param env the environment the options fall back to
   * @param serverKeysAllowed see {@link CliRoot#serverKeysAllowed()}
   * @param subcommands the subcommands' names, for the message when none is given
   */
  protected ProgramRoot(
      String name, Map<String, String> env, boolean serverKeysAllowed, String subcommands) {
    this.name = name;
    this.env = env;
    this.serverKeysAllowed = serverKeysAllowed;
    this.subcommands = subcommands;
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final ConnectionOptions options() {
    return options;
  }

  @Override
  public final Map<String, String> env() {
    return env;
  }

  @Override
  public final boolean serverKeysAllowed() {
    return serverKeysAllowed;
  }

  /** Without a subcommand: the usage, then what is missing (exit 2). */
  @Override
  public final Integer call() {
    return CommandLineRunner.subcommandRequired(spec, name, subcommands);
  }

  /** Runs the program with these arguments; returns the exit code. */
  public final int execute(String[] args, PrintWriter out, PrintWriter err) {
    return CommandLineRunner.execute(this, name, args, out, err);
  }

  /** Runs the program with the process's streams and exits with its code. */
  protected final void executeAndExit(String[] args) {
    Logging.keepLoggingAtShutdown();
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    System.exit(execute(args, out, err));
  }

  /** {@code --version}: the version baked into the jar at build time, for the command's name. */
  public static final class Version implements CommandLine.IVersionProvider {
    @Spec CommandSpec spec;

    @Override
    public String[] getVersion() throws IOException {
      return new String[] {VersionLine.of(spec.name())};
    }
  }
}
