package dev.toxserver.auth;

import dev.toxserver.text.LogText;
import dev.toxserver.transport.Wakeup;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

/**
 * The server's ZAP handler (ZeroMQ RFC 27): ZeroMQ asks it about every CURVE connection to the
 * server's context, and it accepts the client keys in {@link AuthorizedKeys}, rejects the rest
 * (status 400, which the client sees as a failed handshake) and logs each rejection with the key
 * and the peer's address. Like jeromq's ZAuth, but with the logging, the per-file error reports and
 * the life cycle the server needs. It runs on a thread of its own, which owns its socket; {@link
 * #close()} stops it.
 *
 * <p>An accepted connection gets its key (Z85) as ZAP user id, which ZeroMQ attaches to each of its
 * messages: the server loop checks it against {@link AuthorizedKeys#allows} at every request. For
 * that, this thread also reads the keys again every {@link #RECHECK_MILLIS} ms between handshakes,
 * so a removed key file is noticed while its client stays connected. Failed handshakes are limited
 * per address ({@link FailedHandshakes}).
 */
public final class ZapHandler implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger("tox-server");

  /** How often the authorised keys are read again between connections, for revocation. */
  static final long RECHECK_MILLIS = 500;

  /** Where ZeroMQ sends authentication requests, by the RFC. */
  private static final String ZAP_ENDPOINT = "inproc://zeromq.zap.01";

  private final ZContext context;
  private final AuthorizedKeys keys;
  private final Wakeup wakeup = new Wakeup();
  private final CompletableFuture<Void> bound = new CompletableFuture<>();
  private final Thread thread;
  private final FailedHandshakes failures = new FailedHandshakes();
  private volatile boolean stopped;

  private ZapHandler(ZContext context, AuthorizedKeys keys) {
    this.context = context;
    this.keys = keys;
    this.thread = new Thread(this::loop, "tox-server-zap");
    thread.setDaemon(true);
  }

  /**
   * Starts answering the authentication requests of {@code context}'s sockets; returns once it is
   * ready, so that no connection can be made before it is (ZeroMQ would then accept any key).
   */
  public static ZapHandler start(ZContext context, AuthorizedKeys keys) {
    ZapHandler h = new ZapHandler(context, keys);
    h.thread.start();
    try {
      h.bound.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      h.close();
      throw new IllegalStateException("Interrupted while starting the ZAP handler", e);
    } catch (ExecutionException e) {
      h.close();
      throw new IllegalStateException("Cannot start the ZAP handler: " + e.getCause(), e);
    }
    return h;
  }

  private void loop() {
    ZMQ.Socket rep;
    ZMQ.Poller poller;
    try {
      rep = context.createSocket(SocketType.REP);
      rep.setLinger(0);
      rep.bind(ZAP_ENDPOINT);
      poller = context.createPoller(2);
      poller.register(rep, ZMQ.Poller.POLLIN);
      poller.register(wakeup.channel(), ZMQ.Poller.POLLIN);
    } catch (RuntimeException e) {
      bound.completeExceptionally(e);
      return;
    }
    bound.complete(null);
    try {
      long nextCheck = System.nanoTime() + RECHECK_MILLIS * 1_000_000;
      while (!stopped) {
        long wait = Math.max(0, (nextCheck - System.nanoTime()) / 1_000_000);
        poller.poll(wait);
        if (poller.pollin(1)) {
          wakeup.clear();
        }
        if (poller.pollin(0)) {
          ZMsg request = ZMsg.recvMsg(rep, ZMQ.DONTWAIT);
          if (request != null) {
            answer(request).send(rep);
          }
        }
        if (System.nanoTime() - nextCheck >= 0) {
          // Revocation: a key file removed while its client is connected is noticed here, and the
          // server then refuses that connection's requests (see AuthorizedKeys#onChange).
          keys.reload();
          failures.report();
          nextCheck = System.nanoTime() + RECHECK_MILLIS * 1_000_000;
        }
      }
    } catch (RuntimeException e) {
      if (!stopped) {
        LOG.log(Level.SEVERE, "The ZAP handler failed; no client can connect now", e);
      }
    } finally {
      poller.close();
      context.destroySocket(rep);
    }
  }

  /** The reply to one request: 200 for an authorised CURVE key, 400 for anything else. */
  ZMsg answer(ZMsg request) {
    String version = request.popString();
    String requestId = request.popString();
    request.popString(); // domain
    String address = request.popString();
    request.popString(); // routing identity
    String mechanism = request.popString();
    byte[] key = request.isEmpty() ? null : request.pop().getData();
    String status;
    String text;
    String userId = "";
    if (!"CURVE".equals(mechanism) || key == null || key.length != 32) {
      status = "400";
      text = "CURVE required";
      if (!failures.overBudget(address)) {
        LOG.warning("Rejected a connection from " + address + ": it did not use a CURVE key");
      }
      failures.failed(address);
    } else {
      String z85 = ZMQ.Curve.z85Encode(key);
      // An address over its budget of failed handshakes is answered from the keys as last read:
      // no folder read, no log line each (a summary every few seconds instead).
      boolean limited = failures.overBudget(address);
      Path file = limited ? (keys.allows(z85) ? keys.dir() : null) : keys.find(key);
      if (file != null) {
        status = "200";
        text = "OK";
        userId = z85;
        LOG.fine(() -> "Accepted " + address + ", key " + z85 + " (" + LogText.escaped(file) + ")");
      } else if (limited) {
        status = "400";
        text = "Unknown key";
        failures.failed(address);
      } else {
        status = "400";
        text = "Unknown key";
        failures.failed(address);
        LOG.warning(
            "Rejected a connection from "
                + address
                + ": its key "
                + z85
                + " is not in "
                + LogText.escaped(keys.dir())
                + ". To authorise that client, run 'bridge auth' on the host in the project"
                + " folder.");
      }
    }
    ZMsg reply = new ZMsg();
    reply.add(version == null ? "1.0" : version);
    reply.add(requestId == null ? "" : requestId);
    reply.add(status);
    reply.add(text);
    reply.add(userId);
    reply.add(new byte[0]);
    return reply;
  }

  /** Stops the handler and waits for its thread; its socket is closed by then. */
  @Override
  public void close() {
    stopped = true;
    wakeup.wake();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    wakeup.close();
  }
}
