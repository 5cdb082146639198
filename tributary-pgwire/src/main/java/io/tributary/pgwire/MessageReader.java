package io.tributary.pgwire;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads frontend messages: the untyped startup packet, then typed messages, each refused when its
 * length is out of bounds. Not thread-safe.
 */
final class MessageReader {
  /** The longest startup packet accepted, as PostgreSQL's own limit. */
  static final int MAX_STARTUP_LENGTH = 10_000;

  private final DataInputStream in;
  private final int maxMessageLength;

  MessageReader(InputStream in, int maxMessageLength) {
    this.in = new DataInputStream(in);
    this.maxMessageLength = maxMessageLength;
  }

  /** The startup packet's body after its length: protocol code then parameters. */
  Message readStartup() throws IOException {
    int length = in.readInt();
    if (length < 8 || length > MAX_STARTUP_LENGTH) {
      throw new ProtocolException("Invalid startup packet length: " + length);
    }
    return new Message('\0', readBody(length - 4));
  }

  /** The next typed message, or {@code null} when the client closed the connection. */
  Message read() throws IOException {
    int type = in.read();
    if (type < 0) {
      return null;
    }
    int length;
    try {
      length = in.readInt();
    } catch (EOFException e) {
      throw new ProtocolException("Connection closed inside a message header");
    }
    if (length < 4 || length - 4 > maxMessageLength) {
      throw new ProtocolException(
          "Invalid length " + length + " of message '" + printable(type) + "'");
    }
    return new Message((char) type, readBody(length - 4));
  }

  private byte[] readBody(int length) throws IOException {
    byte[] body = new byte[length];
    try {
      in.readFully(body);
    } catch (EOFException e) {
      throw new ProtocolException("Connection closed inside a message of " + length + " bytes");
    }
    return body;
  }

  private static String printable(int type) {
    return type >= 32 && type < 127
        ? String.valueOf((char) type)
        : "\\x" + Integer.toHexString(type);
  }

  /** A malformed frame: the connection cannot continue. */
  static final class ProtocolException extends IOException {
    private static final long serialVersionUID = 1L;

    ProtocolException(String message) {
      super(message);
    }
  }
}
