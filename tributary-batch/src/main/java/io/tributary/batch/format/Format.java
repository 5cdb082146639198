package io.tributary.batch.format;

/** What kind of file a source file is; see {@code docs/crawler-formats.md}. */
public enum Format {
  /** One JSON object per line (NDJSON); blank lines are skipped. */
  JSON_LINES,
  /** One JSON array whose elements are objects. */
  JSON_ARRAY,
  /** Delimited text (CSV, TSV, ';' or '|' separated); see {@link CsvDialect}. */
  CSV,
  /** Apache Parquet; the schema comes from the footer. */
  PARQUET,
  /** Not a supported format; {@link Classification#reason()} says why. */
  UNKNOWN
}
