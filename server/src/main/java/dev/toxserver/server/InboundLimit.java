package dev.toxserver.server;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.HashMap;
import java.util.Map;
import zmq.Msg;
import zmq.io.Metadata;
import zmq.msg.MsgAllocator;

/**
 * Caps what one connection can make ZeroMQ hold of a multipart message that has not ended yet.
 *
 * <p>jeromq's ROUTER hands the loop a message only once its last frame has arrived; until then
 * every frame waits in the connection's pipe, and {@code ZMQ_MAXMSGSIZE} limits one frame, not
 * their sum. A client sending frames with MORE set and never a last one made the server buffer
 * without limit (2 M one-byte frames: +340 MB). jeromq 0.5.4 has no hook that can drop the
 * connection for that, but every frame it decodes is allocated here, and it asks each frame {@link
 * Msg#isCommand()} just before putting it in the pipe: a frame past the limit answers yes and is
 * discarded (ZeroMQ drops command frames there). So once a message's earlier frames pass {@link
 * #MAX_FRAMES} frames or {@code maxBytes} bytes, its further frames are dropped as they arrive; its
 * last frame still ends it, and the loop refuses the truncated message (it can never parse: a
 * request has one JSON frame). Per connection at most one message in progress is held, bounded in
 * frames and bytes.
 *
 * <p>Connections are told apart by the {@link Metadata} object jeromq makes for each one after the
 * handshake and sets on each of its frames. With CURVE the frames are decrypted into new messages
 * that do not come from here: the cap then covers only connections without authentication
 * (authenticated clients hold an authorised key). Called on ZeroMQ's I/O thread.
 */
final class InboundLimit implements MsgAllocator {
  /** Frames one message may have before the last: a request needs 2 (delimiter, JSON). */
  static final int MAX_FRAMES = 64;

  private final long maxBytes;

  /** Per connection with a message in progress: {frames, bytes} so far. */
  private final Map<Key, long[]> partial = new HashMap<>();

  private final ReferenceQueue<Metadata> gone = new ReferenceQueue<>();

  /**
   * @param maxBytes the bytes of a message's frames before its last one beyond which its frames are
   *     dropped
   */
  InboundLimit(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  @Override
  public Msg allocate(int size) {
    return new Frame(size);
  }

  /**
   * A data frame of a connection arrived.
   *
   * @return whether to drop it
   */
  synchronized boolean arrived(Metadata connection, int size, boolean more) {
    for (Object k; (k = gone.poll()) != null; ) {
      partial.remove(k);
    }
    Key key = new Key(connection, null);
    if (!more) {
      partial.remove(key); // the message ends here, within the limit or truncated
      return false;
    }
    long[] sofar = partial.get(key);
    if (sofar == null) {
      sofar = new long[2];
      partial.put(new Key(connection, gone), sofar);
    }
    sofar[0]++;
    sofar[1] += size;
    return sofar[0] > MAX_FRAMES || sofar[1] > maxBytes;
  }

  /** How many connections have a message in progress (for tests). */
  synchronized int inProgress() {
    return partial.size();
  }

  /** A frame that knows, once jeromq tells it its connection, whether it is to be dropped. */
  private final class Frame extends Msg {
    private boolean counted;
    private boolean drop;

    Frame(int size) {
      super(size);
    }

    @Override
    public Msg setMetadata(Metadata metadata) {
      super.setMetadata(metadata);
      if (!counted && metadata != null && !super.isCommand()) {
        counted = true;
        drop = arrived(metadata, size(), super.hasMore());
      }
      return this;
    }

    @Override
    public boolean isCommand() {
      return drop || super.isCommand();
    }
  }

  /** A connection's metadata by identity, not by value, and weakly. */
  private static final class Key extends WeakReference<Metadata> {
    private final int hash;

    Key(Metadata m, ReferenceQueue<Metadata> queue) {
      super(m, queue);
      hash = System.identityHashCode(m);
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object o) {
      if (this == o) {
        return true;
      }
      Metadata m = get();
      return o instanceof Key k && m != null && m == k.get();
    }
  }
}
