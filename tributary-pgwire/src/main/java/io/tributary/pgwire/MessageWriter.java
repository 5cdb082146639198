package io.tributary.pgwire;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Builds backend messages (type byte, length, body) into a buffer and writes it to the socket on
 * {@link #flush()}, or on its own once the buffer passes 256 KiB (large results go out in few,
 * large socket writes). Not thread-safe.
 */
final class MessageWriter {
  private static final int FLUSH_AT = 256 << 10;

  private final OutputStream out;
  private byte[] buffer = new byte[FLUSH_AT + 1024];
  private int size;
  private int messageStart = -1;

  MessageWriter(OutputStream out) {
    this.out = out;
  }

  /** Starts a message of type {@code type}; its length is filled in by {@link #end()}. */
  MessageWriter begin(char type) {
    if (messageStart >= 0) {
      throw new IllegalStateException("Message " + (char) buffer[messageStart] + " not ended");
    }
    messageStart = size;
    writeByte(type);
    writeInt(0);
    return this;
  }

  /** Ends the current message, flushing the buffer when it is large. */
  void end() throws IOException {
    int length = size - messageStart - 1;
    putInt(messageStart + 1, length);
    messageStart = -1;
    if (size >= FLUSH_AT) {
      flush();
    }
  }

  /** Writes a single byte outside any message (the answer to SSLRequest or GSSENCRequest). */
  void raw(char value) throws IOException {
    writeByte(value);
    flush();
  }

  MessageWriter writeByte(int value) {
    ensure(1);
    buffer[size++] = (byte) value;
    return this;
  }

  MessageWriter writeShort(int value) {
    ensure(2);
    buffer[size++] = (byte) (value >>> 8);
    buffer[size++] = (byte) value;
    return this;
  }

  MessageWriter writeInt(int value) {
    ensure(4);
    putInt(size, value);
    size += 4;
    return this;
  }

  MessageWriter writeBytes(byte[] bytes) {
    ensure(bytes.length);
    System.arraycopy(bytes, 0, buffer, size, bytes.length);
    size += bytes.length;
    return this;
  }

  MessageWriter writeLong(long value) {
    writeInt((int) (value >>> 32));
    return writeInt((int) value);
  }

  /** The decimal digits of {@code value}, with a minus sign when negative, as ASCII. */
  MessageWriter writeDecimal(long value) {
    if (value == Long.MIN_VALUE) {
      return writeBytes(Long.toString(value).getBytes(StandardCharsets.US_ASCII));
    }
    ensure(20);
    if (value < 0) {
      buffer[size++] = '-';
      value = -value;
    }
    int digits = 1;
    for (long rest = value / 10; rest > 0; rest /= 10) {
      digits++;
    }
    for (int at = size + digits - 1; at >= size; at--) {
      buffer[at] = (byte) ('0' + value % 10);
      value /= 10;
    }
    size += digits;
    return this;
  }

  /** {@code value} (0 or more, at most {@code width} digits) zero-padded to {@code width}. */
  MessageWriter writeDigits(int value, int width) {
    ensure(width);
    for (int at = size + width - 1; at >= size; at--) {
      buffer[at] = (byte) ('0' + value % 10);
      value /= 10;
    }
    size += width;
    return this;
  }

  /** Room for {@code length} more bytes: the buffer, to be written from {@link #position()}. */
  byte[] reserve(int length) {
    ensure(length);
    return buffer;
  }

  /** Where the next byte goes in the buffer. */
  int position() {
    return size;
  }

  /** Counts {@code length} bytes written into the buffer from {@link #reserve}. */
  void skip(int length) {
    size += length;
  }

  /** Fills in the length (the 4 bytes before {@code start}) of the value written from there. */
  void putLength(int start) {
    putInt(start - 4, size - start);
  }

  /** A NUL-terminated UTF-8 string. */
  MessageWriter writeString(String value) {
    writeBytes(value.getBytes(StandardCharsets.UTF_8));
    return writeByte(0);
  }

  void flush() throws IOException {
    if (size > 0) {
      out.write(buffer, 0, messageStart >= 0 ? messageStart : size);
      int kept = messageStart >= 0 ? size - messageStart : 0;
      System.arraycopy(buffer, size - kept, buffer, 0, kept);
      messageStart = messageStart >= 0 ? 0 : -1;
      size = kept;
    }
    out.flush();
  }

  private void putInt(int at, int value) {
    buffer[at] = (byte) (value >>> 24);
    buffer[at + 1] = (byte) (value >>> 16);
    buffer[at + 2] = (byte) (value >>> 8);
    buffer[at + 3] = (byte) value;
  }

  private void ensure(int more) {
    if (size + more > buffer.length) {
      buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + more));
    }
  }
}
