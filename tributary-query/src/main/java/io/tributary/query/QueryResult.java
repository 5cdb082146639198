package io.tributary.query;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The answer to one SQL statement: the result columns, at most {@code maxRows} rows of
 * JSON-friendly values, whether more rows were left out, and how long the query took.
 *
 * <p>Row values are {@code String}, {@code Integer}, {@code Long}, {@code Double}, {@code
 * BigDecimal}, {@code Boolean}, {@code null}, ISO-8601 strings for dates and times, {@code List}
 * for lists and {@code Map} for structs and maps.
 */
public record QueryResult(
    List<Column> columns, List<List<Object>> rows, boolean truncated, long elapsedMillis) {

  /** One result column: its name and its DuckDB type name, such as {@code BIGINT}. */
  public record Column(String name, String type) {
    public Column {
      Objects.requireNonNull(name, "name is null");
      Objects.requireNonNull(type, "type is null");
    }
  }

  public QueryResult {
    columns = List.copyOf(columns);
    List<List<Object>> copy = new ArrayList<>(rows.size());
    for (List<Object> row : rows) {
      if (row.size() != columns.size()) {
        throw new IllegalArgumentException(
            "Row has " + row.size() + " values but there are " + columns.size() + " columns");
      }
      // rows hold nulls, which List.copyOf rejects
      copy.add(Collections.unmodifiableList(new ArrayList<>(row)));
    }
    rows = Collections.unmodifiableList(copy);
    if (elapsedMillis < 0) {
      throw new IllegalArgumentException("Invalid elapsedMillis: " + elapsedMillis + " (< 0)");
    }
  }
}
