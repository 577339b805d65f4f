/**
 * The host-side bridge. It depends on the protocol module's client library only, never on server
 * internals. Its commands ({@code bridge run}, {@code watch}, {@code stdio}) are the subject of the
 * next issues.
 */
package dev.toxserver.bridge;
