/**
 * Small ZeroMQ plumbing shared by the server loop and the client: waking a poller from another
 * thread.
 */
package dev.toxserver.transport;
