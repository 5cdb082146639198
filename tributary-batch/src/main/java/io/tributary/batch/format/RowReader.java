package io.tributary.batch.format;

import java.io.Closeable;
import java.io.IOException;

/** Streams a whole file's rows, never holding the file in memory. Not thread-safe. */
public interface RowReader extends Closeable {
  /**
   * The next row, or null at the end of the file. A row that does not convert is returned rejected;
   * an {@link IOException} means the file itself is unreadable past this point (for example a
   * truncated gzip stream).
   */
  SourceRow next() throws IOException;

  /** Compressed bytes of the file consumed so far (for progress and MB/s). */
  long bytesRead();
}
