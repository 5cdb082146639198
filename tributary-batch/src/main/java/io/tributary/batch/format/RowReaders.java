package io.tributary.batch.format;

import java.io.IOException;
import java.nio.file.Path;
import org.apache.iceberg.Schema;

/** Opens {@link RowReader}s over classified files. */
public final class RowReaders {
  private RowReaders() {}

  /**
   * As {@link #open(Path, Classification, Schema, ExtraColumns)} with {@link ExtraColumns#FAIL}.
   */
  public static RowReader open(Path file, Classification classification, Schema target)
      throws IOException {
    return open(file, classification, target, ExtraColumns.FAIL);
  }

  /**
   * Opens {@code file} as classified, converting each row to {@code target} by (normalised) column
   * name; columns absent from the file are null; file columns absent from target follow {@code
   * extra}. A value that doesn't fit its column's type rejects only its row, with a reason naming
   * the column and the value.
   */
  public static RowReader open(
      Path file, Classification classification, Schema target, ExtraColumns extra)
      throws IOException {
    throw new UnsupportedOperationException("not yet");
  }
}
