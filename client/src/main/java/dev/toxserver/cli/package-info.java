/**
 * The command-line kit both programs, {@code tox-server} and {@code bridge}, are built from:
 * connection options and their environment fallbacks, exit codes and the one mapping from failures
 * to them, the terminal run (live output, ^C), {@code ping}/{@code quit}/{@code cancel}, logging
 * set-up. A program plugs in through {@link dev.toxserver.cli.CliRoot}.
 */
package dev.toxserver.cli;
