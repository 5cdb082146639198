package io.tributary.batch.format;

import java.util.Objects;
import org.apache.iceberg.Schema;

/**
 * What a file is and its inferred schema (normalised column names, Iceberg types, fresh field ids
 * from 1).
 *
 * @param format the format, {@link Format#UNKNOWN} when not recognised
 * @param compression whole-file compression
 * @param csv the dialect, null unless {@link Format#CSV}
 * @param schema the inferred schema, null if {@link Format#UNKNOWN}
 * @param sampledRecords records read to infer the schema (Parquet: rows in the file)
 * @param reason why the file is {@link Format#UNKNOWN}, else null
 */
public record Classification(
    Format format,
    Compression compression,
    CsvDialect csv,
    Schema schema,
    long sampledRecords,
    String reason) {
  public Classification {
    Objects.requireNonNull(format, "format is null");
    Objects.requireNonNull(compression, "compression is null");
    if (format == Format.UNKNOWN) {
      Objects.requireNonNull(reason, "reason is null for an UNKNOWN file");
      if (schema != null || csv != null) {
        throw new IllegalArgumentException("An UNKNOWN file has no schema nor dialect");
      }
    } else {
      Objects.requireNonNull(schema, "schema is null for a " + format + " file");
      if (reason != null) {
        throw new IllegalArgumentException("Only an UNKNOWN file has a reason");
      }
      if ((format == Format.CSV) != (csv != null)) {
        throw new IllegalArgumentException("A dialect is given for, and only for, a CSV file");
      }
    }
    if (sampledRecords < 0) {
      throw new IllegalArgumentException("Invalid sampledRecords: " + sampledRecords);
    }
  }

  /** An UNKNOWN classification with its reason. */
  public static Classification unknown(Compression compression, String reason) {
    return new Classification(Format.UNKNOWN, compression, null, null, 0, reason);
  }

  /** Whether the format was recognised (then {@link #schema()} is set). */
  public boolean known() {
    return format != Format.UNKNOWN;
  }
}
