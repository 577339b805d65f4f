package dev.toxserver.process;

import dev.toxserver.protocol.Stream;

/** Receives a run's output as it is read. May block: blocking here is how backpressure works. */
@FunctionalInterface
public interface OutputSink {
  /**
   * One chunk, {@code data[0..length)}. The array is the sink's from then on (the caller reads into
   * a new one), so a full chunk can be passed on without a copy.
   *
   * @throws InterruptedException when the run is being abandoned
   */
  void write(Stream stream, byte[] data, int length) throws InterruptedException;
}
