/**
 * The {@code tox-server} program: its root command, {@code serve} (which starts a {@link
 * dev.toxserver.server.ToxServer}) and the plain {@code run} client; the other client commands come
 * from the shared kit in {@code dev.toxserver.cli}.
 */
package dev.toxserver.servercli;
