package io.tributary.pgwire;

import io.tributary.pgwire.MessageReader.ProtocolException;
import java.nio.charset.StandardCharsets;

/** One frontend message: its type and body, read field by field. Not thread-safe. */
final class Message {
  private final char type;
  private final byte[] body;
  private int position;

  Message(char type, byte[] body) {
    this.type = type;
    this.body = body;
  }

  char type() {
    return type;
  }

  int remaining() {
    return body.length - position;
  }

  boolean hasMore() {
    return position < body.length;
  }

  int readByte() throws ProtocolException {
    need(1);
    return body[position++] & 0xff;
  }

  short readShort() throws ProtocolException {
    need(2);
    int value = ((body[position] & 0xff) << 8) | (body[position + 1] & 0xff);
    position += 2;
    return (short) value;
  }

  int readInt() throws ProtocolException {
    need(4);
    int value =
        ((body[position] & 0xff) << 24)
            | ((body[position + 1] & 0xff) << 16)
            | ((body[position + 2] & 0xff) << 8)
            | (body[position + 3] & 0xff);
    position += 4;
    return value;
  }

  byte[] readBytes(int length) throws ProtocolException {
    if (length < 0) {
      throw new ProtocolException("Negative length " + length + " in message '" + type + "'");
    }
    need(length);
    byte[] bytes = new byte[length];
    System.arraycopy(body, position, bytes, 0, length);
    position += length;
    return bytes;
  }

  /** A NUL-terminated UTF-8 string. */
  String readString() throws ProtocolException {
    for (int end = position; end < body.length; end++) {
      if (body[end] == 0) {
        String value = new String(body, position, end - position, StandardCharsets.UTF_8);
        position = end + 1;
        return value;
      }
    }
    throw new ProtocolException("Unterminated string in message '" + type + "'");
  }

  private void need(int bytes) throws ProtocolException {
    if (body.length - position < bytes) {
      throw new ProtocolException("Message '" + type + "' ends early");
    }
  }
}
