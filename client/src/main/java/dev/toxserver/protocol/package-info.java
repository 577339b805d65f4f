/**
 * The tox-server wire protocol: messages ({@link dev.toxserver.protocol.Message}), their JSON and
 * ZeroMQ framing ({@link dev.toxserver.protocol.WireFormat}), protocol v1 as the original tool
 * speaks it and our v2 extensions (raw output frames, heartbeats with state). No I/O.
 */
package dev.toxserver.protocol;
