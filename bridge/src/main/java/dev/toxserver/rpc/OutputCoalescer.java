package dev.toxserver.rpc;

import dev.toxserver.protocol.Stream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.function.BiConsumer;

/**
 * One run's output on its way to the editor as text. Each stream has a UTF-8 decoder of its own
 * that carries a multi-byte character split between chunks over to the next chunk (invalid bytes
 * become U+FFFD). Text is coalesced, never dropped: {@link #flush} sends what has gathered, and is
 * called at most every {@link #PERIOD_NANOS} per stream, so heavy output makes at most ~60
 * notifications a second per stream. When the editor reads more slowly than the run writes, {@link
 * #append} waits: the bridge stops reading from the server, and the server from the run.
 */
final class OutputCoalescer {
  /** At most one notification per stream this often: ~60 a second. */
  static final long PERIOD_NANOS = 1_000_000_000L / 60;

  /** Text waiting per run beyond which {@link #append} waits for the editor to take it. */
  static final int MAX_PENDING_CHARS = 1 << 20;

  private final BiConsumer<String, String> send;
  private final StreamText stdout = new StreamText();
  private final StreamText stderr = new StreamText();
  private final Object sending = new Object();
  private boolean closed;

  /** {@code send(stream, text)} delivers one notification; it is called one at a time, in order. */
  OutputCoalescer(BiConsumer<String, String> send) {
    this.send = send;
  }

  /** Decodes and keeps a chunk; waits while too much text is waiting for the editor. */
  void append(Stream stream, byte[] data, int offset, int length) throws InterruptedException {
    synchronized (this) {
      (stream == Stream.STDOUT ? stdout : stderr).decode(data, offset, length, false);
      while (!closed && stdout.pending.length() + stderr.pending.length() > MAX_PENDING_CHARS) {
        wait(100); // the flusher takes text and wakes us
      }
    }
  }

  /** Sends the text of each stream whose period has passed (all of it when {@code force}). */
  void flush(boolean force) {
    synchronized (sending) {
      String out;
      String err;
      synchronized (this) {
        long now = System.nanoTime();
        out = stdout.take(now, force);
        err = stderr.take(now, force);
        notifyAll();
      }
      if (out != null) {
        send.accept("stdout", out);
      }
      if (err != null) {
        send.accept("stderr", err);
      }
    }
  }

  /**
   * The run ended: decodes what is left (a dangling partial character becomes U+FFFD), sends all.
   */
  void finish() {
    synchronized (this) {
      stdout.decode(new byte[0], 0, 0, true);
      stderr.decode(new byte[0], 0, 0, true);
    }
    flush(true);
    synchronized (this) {
      closed = true;
      notifyAll();
    }
  }

  /** One stream: its decoder, the bytes of a split character, and the text not sent yet. */
  private static final class StreamText {
    final CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    ByteBuffer carry = ByteBuffer.allocate(0);
    final StringBuilder pending = new StringBuilder();
    long lastSent;

    void decode(byte[] data, int offset, int length, boolean end) {
      ByteBuffer in;
      if (carry.hasRemaining()) {
        in = ByteBuffer.allocate(carry.remaining() + length);
        in.put(carry).put(data, offset, length).flip();
      } else {
        in = ByteBuffer.wrap(data, offset, length);
      }
      CharBuffer out = CharBuffer.allocate((int) (in.remaining() * 1.1) + 4);
      decoder.decode(in, out, end);
      if (end) {
        decoder.flush(out);
        decoder.reset();
      }
      out.flip();
      pending.append(out);
      // What is left is the start of a character whose other bytes come with the next chunk.
      carry = ByteBuffer.allocate(in.remaining()).put(in).flip();
    }

    String take(long now, boolean force) {
      if (pending.length() == 0 || (!force && now - lastSent < PERIOD_NANOS)) {
        return null;
      }
      lastSent = now;
      String text = pending.toString();
      pending.setLength(0);
      return text;
    }
  }
}
