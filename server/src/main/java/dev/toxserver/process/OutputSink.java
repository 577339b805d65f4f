package dev.toxserver.process;

import dev.toxserver.protocol.Stream;

/** Receives a run's output as it is read. May block: blocking here is how backpressure works. */
@FunctionalInterface
public interface OutputSink {
  /**
   * One chunk, {@code data[0..length)}. When the chunk fills the whole array the sink may keep the
   * array (the caller then reads into a new one), so a full chunk goes on without a copy; otherwise
   * the caller reuses the array after the call returns.
   *
   * @throws InterruptedException when the run is being abandoned
   */
  void write(Stream stream, byte[] data, int length) throws InterruptedException;
}
