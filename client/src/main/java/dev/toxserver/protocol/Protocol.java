package dev.toxserver.protocol;

/** Constants of the wire protocol. */
public final class Protocol {
  /**
   * The protocol version this implementation speaks: 1 (the original tox-server protocol) plus the
   * raw-output extension. A request's {@code version} picks what the server sends back: clients
   * that announce at least {@link #RAW_OUTPUT_VERSION} get OUTPUT data as a raw extra frame;
   * everyone else gets plain v1 (base85 text in the JSON frame).
   */
  public static final int VERSION = 2;

  /** The first version whose clients receive OUTPUT as {@code [.., json, raw bytes]}. */
  public static final int RAW_OUTPUT_VERSION = 2;

  /** Requests larger than this are refused unless the server is told otherwise. */
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 1 << 20;

  /** The most bytes one OUTPUT message carries. */
  public static final int MAX_CHUNK_BYTES = 64 * 1024;

  /** The smallest heartbeat period the server uses, whatever the request's timeout. */
  public static final double MIN_HEARTBEAT_SECONDS = 0.1;

  private Protocol() {}
}
