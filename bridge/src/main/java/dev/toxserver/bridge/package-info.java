/**
 * The host-side bridge's commands: {@code bridge run}, {@code bridge watch} and the client commands
 * shared with {@code tox-server}; {@code --local} embeds a server.
 */
package dev.toxserver.bridge;
