package io.tributary.batch.format;

import java.nio.charset.Charset;
import java.util.Objects;

/**
 * CSV/TSV dialect as detected.
 *
 * @param delimiter field separator: one of {@code , ; \t |}
 * @param quote quote character ({@code "} or {@code '}); a quote inside a quoted field is doubled
 * @param header whether the first record holds the column names
 * @param charset text encoding (UTF-8, UTF-16 with a BOM, else windows-1252)
 * @param bom whether the file starts with a byte order mark (skipped when reading)
 */
public record CsvDialect(char delimiter, char quote, boolean header, Charset charset, boolean bom) {
  public CsvDialect {
    Objects.requireNonNull(charset, "charset is null");
    if (delimiter == quote) {
      throw new IllegalArgumentException(
          "CSV delimiter and quote are the same: '" + delimiter + "'");
    }
    if (delimiter == '\n' || delimiter == '\r' || quote == '\n' || quote == '\r') {
      throw new IllegalArgumentException("CSV delimiter or quote is a line break");
    }
  }

  /**
   * Whether numbers may use a decimal comma ({@code 12,50}): only in {@code ;}-separated files,
   * where the comma is free to be the decimal separator (the European spreadsheet export).
   */
  public boolean decimalComma() {
    return delimiter == ';';
  }
}
