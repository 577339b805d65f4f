/**
 * The tox-server: one ROUTER socket, one loop thread that owns it, one run at a time.
 *
 * <p>The pieces:
 *
 * <ul>
 *   <li>Lifecycle: {@link dev.toxserver.server.ToxServer} (the public API: start, stop), {@link
 *       dev.toxserver.server.Authentication} (the keys), {@link dev.toxserver.server.RouterSocket}
 *       (ZeroMQ set-up, receiving, sending without blocking), {@link
 *       dev.toxserver.server.ServerLoop} (the loop thread), {@link dev.toxserver.server.LoopInbox}
 *       (what other threads hand it), {@link dev.toxserver.server.Shutdown} (QUIT and stop) and
 *       {@link dev.toxserver.server.RunRecords} (runs a killed server left behind).
 *   <li>Dispatch: {@link dev.toxserver.server.Dispatch}, a table from each {@link
 *       dev.toxserver.protocol.Command} to its {@link dev.toxserver.server.CommandHandler}: {@link
 *       dev.toxserver.server.RunHandler}, {@link dev.toxserver.server.InterruptHandler}, {@link
 *       dev.toxserver.server.CancelHandler}, {@link dev.toxserver.server.PingHandler}, {@link
 *       dev.toxserver.server.QuitHandler}.
 *   <li>Runs: {@link dev.toxserver.server.Runs} (the queue, starting and ending each {@link
 *       dev.toxserver.server.Run}), {@link dev.toxserver.server.RunOutput} (a run's output from its
 *       pump threads to the client) and {@link dev.toxserver.server.Heartbeats}.
 *   <li>Outbox: {@link dev.toxserver.server.Outbox}, replies per client ({@link
 *       dev.toxserver.server.Peer}) with backpressure, and what happens when a client is gone.
 *   <li>Logging what clients send: {@link dev.toxserver.text.LogText} (short and escaped: every log
 *       line that quotes a client uses it) and {@link dev.toxserver.server.ClientLogLimit} (lines
 *       about bad requests, per client and overall).
 * </ul>
 *
 * <p>The path of a request: the loop polls the socket, receives and parses the request, and {@link
 * dev.toxserver.server.Dispatch} hands it to its command's handler. A RUN's handler checks it and
 * queues a {@link dev.toxserver.server.Run} in {@link dev.toxserver.server.Runs}, which starts it
 * when none is running. The run's pump threads put its output in the run's bounded queue and wake
 * the loop; a run thread queues the final reply when the process ends. Each pass the loop moves at
 * most 16 of those messages to the {@link dev.toxserver.server.Outbox}, which sends them as fast as
 * the client takes them. Once the final reply is out the run's remaining process tree is swept, and
 * the next run starts when it is gone. Other replies (PING, errors, heartbeats) go straight to the
 * outbox.
 *
 * <p>Threads: the loop thread owns the socket and every piece above except the run threads' side of
 * {@link dev.toxserver.server.RunOutput} and {@link dev.toxserver.server.LoopInbox}, which other
 * threads use only to hand work to the loop.
 */
package dev.toxserver.server;
