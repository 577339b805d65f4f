package dev.toxserver.cli;

import java.util.Map;

/**
 * The top-level command of a tool ({@code tox-server}, {@code bridge}) as its subcommands see it:
 * its name for messages, the connection options given before the subcommand, and the environment.
 */
public interface CliRoot {
  /** The program's name, which prefixes its error messages. */
  String name();

  /** Options given before the subcommand. */
  ConnectionOptions options();

  /** The environment the options fall back to. */
  Map<String, String> env();

  /**
   * Whether client commands may authenticate with the server's own key pair when they can read it:
   * {@code tox-server}'s, run in the container as the server's user (health checks, the start-up
   * hook's ping); never the bridge's, which runs on the host as its user.
   */
  boolean serverKeysAllowed();
}
