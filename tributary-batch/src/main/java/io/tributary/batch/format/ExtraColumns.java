package io.tributary.batch.format;

/** What {@link RowReaders} does with source columns (or JSON keys) that the target lacks. */
public enum ExtraColumns {
  /**
   * CSV and Parquet: {@link RowReaders#open} fails with {@link
   * io.tributary.core.InvalidInputException} naming the columns; JSON: the row is rejected.
   */
  FAIL,
  /** Dropped silently. */
  IGNORE
}
