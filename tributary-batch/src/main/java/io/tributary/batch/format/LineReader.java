package io.tributary.batch.format;

import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;

/**
 * Lines of a text stream ({@code \n} or {@code \r\n}), each at most {@code maxLength} characters
 * held in memory: a longer line is skipped to its end and reported by {@link #tooLong()}.
 */
final class LineReader implements Closeable {
  private final Reader in;
  private final int maxLength;
  private final char[] buf = new char[1 << 16];
  private int pos;
  private int limit;
  private boolean tooLong;

  LineReader(Reader in, int maxLength) {
    this.in = in;
    this.maxLength = maxLength;
  }

  /** The next line without its terminator, or null at the end ("" if it was too long). */
  String next() throws IOException {
    tooLong = false;
    StringBuilder long_ = null;
    boolean any = false;
    while (true) {
      if (pos >= limit) {
        limit = in.read(buf, 0, buf.length);
        pos = 0;
        if (limit <= 0) {
          limit = 0;
          return any ? finish(long_, 0, 0) : null;
        }
      }
      any = true;
      int start = pos;
      while (pos < limit && buf[pos] != '\n') {
        pos++;
      }
      if (pos < limit) {
        String line = finish(long_, start, pos);
        pos++; // the \n
        return line;
      }
      if (!tooLong) {
        if (long_ == null) {
          long_ = new StringBuilder();
        }
        long_.append(buf, start, pos - start);
        if (long_.length() > maxLength + 1) { // + a \r
          tooLong = true;
          long_ = null;
        }
      }
    }
  }

  private String finish(StringBuilder head, int start, int end) {
    if (tooLong) {
      return "";
    }
    String line;
    if (head == null) {
      if (end > start && buf[end - 1] == '\r') {
        end--;
      }
      line = new String(buf, start, end - start);
    } else {
      head.append(buf, start, end - start);
      if (head.length() > 0 && head.charAt(head.length() - 1) == '\r') {
        head.setLength(head.length() - 1);
      }
      line = head.toString();
    }
    if (line.length() > maxLength) {
      tooLong = true;
      return "";
    }
    return line;
  }

  /** Whether the line last returned was longer than the limit (and so returned empty). */
  boolean tooLong() {
    return tooLong;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
