package dev.toxserver.server;

import dev.toxserver.auth.ZapHandler;
import dev.toxserver.protocol.Route;
import dev.toxserver.protocol.WireFormat;
import java.nio.channels.SelectableChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;
import zmq.ZError;

/**
 * The server's ZeroMQ side: the context, the ZAP handler when authentication is on, the ROUTER
 * socket, and the poller that waits on it and on the loop's wake-up channel. Loop thread only, from
 * {@link #open} to {@link #close}.
 */
final class RouterSocket {
  private static final Logger LOG = Logger.getLogger("tox-server");

  /** Per-client ZeroMQ send queue, in messages (each at most ~82 KiB of OUTPUT). */
  private static final int SEND_HWM = 64;

  /**
   * Per-client ZeroMQ receive queue, in whole messages (each at most {@code --max-message-size}): a
   * client that sends faster than the loop reads waits (TCP backpressure) instead of filling the
   * server's memory.
   */
  private static final int RECEIVE_HWM = 32;

  /** Room for the routing frames around a request's JSON frame. */
  static final int FRAME_SLACK = 4096;

  /** How a send that must not block went. */
  enum SendResult {
    SENT,
    /** The client's send queue is full: keep the message and retry. */
    BLOCKED,
    /** The client's connection is gone. */
    GONE
  }

  private final ServerConfig config;
  private final Authentication authentication;
  private final SelectableChannel wakeChannel;

  private ZContext context;
  private ZapHandler zap;
  private ZMQ.Socket router;
  private ZMQ.Poller poller;
  private String lastUserId;

  /**
   * @param authentication the keys when authentication is on, else null
   * @param wakeChannel polled next to the socket, see {@link LoopInbox}
   */
  RouterSocket(ServerConfig config, Authentication authentication, SelectableChannel wakeChannel) {
    this.config = config;
    this.authentication = authentication;
    this.wakeChannel = wakeChannel;
  }

  /**
   * Creates and binds the socket.
   *
   * @return the bound endpoint
   */
  String open() throws ServerStartException {
    context = new ZContext(1);
    if (authentication != null) {
      // Before the socket exists: a connection accepted without a ZAP handler would skip the
      // key check.
      try {
        zap = ZapHandler.start(context, authentication.authorized());
      } catch (RuntimeException e) {
        throw new ServerStartException("Cannot start authentication: " + e.getMessage(), e);
      }
    }
    router = context.createSocket(SocketType.ROUTER);
    if (authentication != null) {
      router.setZAPDomain("tox-server");
      router.setCurveServer(true);
      router.setCurveSecretKey(authentication.serverKeys().secretKey());
    }
    router.setRouterMandatory(true);
    router.setSndHWM(SEND_HWM);
    router.setRcvHWM(RECEIVE_HWM);
    router.setLinger(1000);
    // Too large: a frame over the limit drops its connection (ZeroMQ's own check), and a message
    // whose frames together pass it is cut short as it arrives (InboundLimit) and refused.
    router.setMaxMsgSize((long) config.maxMessageBytes() + FRAME_SLACK);
    router.setMsgAllocator(new InboundLimit((long) config.maxMessageBytes() + FRAME_SLACK));
    // A frozen client, or a half-open connection (a suspended laptop), answers no ZMTP PING: its
    // connection is closed, and its run is cancelled at the next send (Heartbeats probes silent
    // clients every 2 s).
    int timeout = (int) config.limits().clientTimeout().toMillis();
    router.setHeartbeatIvl(Math.max(1, timeout / 3));
    router.setHeartbeatTimeout(timeout);
    router.setTCPKeepAlive(1);
    if (config.bindHost().contains(":")) {
      router.setIPv6(true);
    }
    bind();
    poller = context.createPoller(2);
    poller.register(router, ZMQ.Poller.POLLIN);
    poller.register(wakeChannel, ZMQ.Poller.POLLIN);
    return router.getLastEndpoint();
  }

  private void bind() throws ServerStartException {
    String where = config.bindHost() + ":" + config.port();
    try {
      router.bind(config.bindEndpoint());
    } catch (ZMQException e) {
      int code = e.getErrorCode();
      if (code == ZError.EADDRINUSE) {
        throw new ServerStartException(
            "Cannot listen on "
                + where
                + ": the port is already in use (is another tox-server running?)."
                + " Stop it, or choose another port with -p/--port.");
      }
      if (code == ZError.EADDRNOTAVAIL) {
        throw new ServerStartException(
            "Cannot listen on "
                + where
                + ": no network interface has that address. Check -b/--bind-host.");
      }
      throw new ServerStartException("Cannot listen on " + where + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new ServerStartException("Cannot listen on " + where + ": " + e.getMessage(), e);
    }
  }

  /**
   * Waits for a request or a wake-up.
   *
   * @param timeoutMillis -1 for no limit
   * @return whether the wake-up channel fired
   */
  boolean poll(long timeoutMillis) {
    poller.poll(timeoutMillis);
    return poller.pollin(1);
  }

  /** The frames of the next message that has arrived, or null when none has. */
  List<byte[]> receive() {
    zmq.Msg first = router.base().recv(ZMQ.DONTWAIT);
    if (first == null) {
      lastUserId = null;
      int errno = router.errno();
      if (errno != ZError.EAGAIN) {
        throw new ZMQException("receive failed", errno); // as ZMQ.Socket.recv would
      }
      return null;
    }
    String userId = userId(first);
    List<byte[]> frames = new ArrayList<>(3);
    frames.add(first.data());
    while (router.hasReceiveMore()) {
      zmq.Msg next = router.base().recv(0);
      if (next == null) {
        break;
      }
      if (userId == null) {
        userId = userId(next);
      }
      frames.add(next.data());
    }
    lastUserId = userId;
    return frames;
  }

  /**
   * The ZAP user id of the connection the last {@link #receive()}d message came on: the client's
   * public key (Z85) with authentication on, else null.
   */
  String lastUserId() {
    return lastUserId;
  }

  /** The ROUTER's own identity frame has no metadata; the frames from the connection do. */
  private static String userId(zmq.Msg msg) {
    String id = zmq.ZMQ.getMessageMetadata(msg, zmq.io.Metadata.USER_ID);
    return id == null || id.isEmpty() ? null : id;
  }

  /**
   * Sends without ever blocking the loop: ROUTER_MANDATORY makes a full peer queue EAGAIN (we keep
   * the message and retry) and a vanished peer EHOSTUNREACH (instead of silent drops).
   *
   * @param frames the frames after the delimiter
   */
  SendResult send(Route route, byte[][] frames) {
    try {
      if (!router.send(route.frame(0), ZMQ.SNDMORE | ZMQ.DONTWAIT)) {
        return failure(route, router.errno());
      }
      // Once the first frame is accepted the rest of the message always is.
      for (int i = 1; i < route.size(); i++) {
        router.send(route.frame(i), ZMQ.SNDMORE | ZMQ.DONTWAIT);
      }
      router.send(WireFormat.delimiter(), ZMQ.SNDMORE | ZMQ.DONTWAIT);
      for (int i = 0; i < frames.length; i++) {
        router.send(frames[i], (i + 1 < frames.length ? ZMQ.SNDMORE : 0) | ZMQ.DONTWAIT);
      }
    } catch (ZMQException e) {
      return failure(route, e.getErrorCode());
    }
    return SendResult.SENT;
  }

  private static SendResult failure(Route route, int errno) {
    if (errno == ZError.EAGAIN) {
      return SendResult.BLOCKED;
    }
    if (errno == ZError.EHOSTUNREACH) {
      return SendResult.GONE;
    }
    throw new ZMQException("send to " + route + " failed", errno);
  }

  /** Closes whatever {@link #open} got to; never throws. */
  void close() {
    try {
      if (poller != null) {
        poller.close();
      }
      if (router != null) {
        context.destroySocket(router); // first: no connection may outlive the key check
      }
      if (zap != null) {
        zap.close();
      }
      if (context != null) {
        context.close();
      }
    } catch (RuntimeException e) {
      LOG.log(Level.FINE, "while closing the socket", e);
    }
  }
}
