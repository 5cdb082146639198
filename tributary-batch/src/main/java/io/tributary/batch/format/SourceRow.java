package io.tributary.batch.format;

import org.apache.iceberg.data.Record;

/**
 * A row read from a source file, converted to a target schema, or rejected with a reason.
 *
 * @param line 1-based position: CSV the line the record starts on; JSON lines the line; JSON array
 *     the element index + 1; Parquet the row number
 * @param record the converted row, null if rejected
 * @param rejectReason why the row was rejected, null if ok
 * @param rawText the row's source text, for error tables (CSV: the fields re-joined with the file's
 *     delimiter and quoting; JSON: the line or the element's compact JSON); may be null for Parquet
 */
public record SourceRow(long line, Record record, String rejectReason, String rawText) {
  public SourceRow {
    if ((record == null) == (rejectReason == null)) {
      throw new IllegalArgumentException("A row has either a record or a reject reason");
    }
  }

  static SourceRow ok(long line, Record record, String rawText) {
    return new SourceRow(line, record, null, rawText);
  }

  static SourceRow rejected(long line, String reason, String rawText) {
    return new SourceRow(line, null, reason, rawText);
  }

  /** Whether the row was rejected (then {@link #rejectReason()} says why). */
  public boolean rejected() {
    return rejectReason != null;
  }
}
