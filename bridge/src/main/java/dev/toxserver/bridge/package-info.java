/**
 * The {@code bridge} program's commands, each thin: {@code run}, {@code watch}, {@code stdio},
 * {@code auth}, and the client commands of the shared kit in {@code dev.toxserver.cli}.
 */
package dev.toxserver.bridge;
