/**
 * The client library: {@link dev.toxserver.client.ToxServerClient} (one DEALER socket, owned by the
 * calling thread) and how to reach a server ({@link dev.toxserver.client.ServerAddress}, decided by
 * {@link dev.toxserver.client.ClientSetup}: plaintext or CURVE, with which keys).
 */
package dev.toxserver.client;
