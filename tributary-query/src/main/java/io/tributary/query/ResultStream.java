package io.tributary.query;

import io.tributary.core.TableId;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * A query's result read row by row (from {@link QueryEngine#stream}), with no row limit. Values are
 * {@code null}, {@code Boolean}, {@code Integer}, {@code Long}, {@code Float}, {@code Double},
 * {@code BigDecimal}, {@code String}, {@code LocalDate}, {@code LocalTime}, {@code LocalDateTime}
 * (TIMESTAMP), {@code OffsetDateTime} (TIMESTAMP WITH TIME ZONE), or the JSON-friendly values of
 * {@link QueryResult} for lists, structs and maps.
 */
public interface ResultStream {
  /** The result columns with their DuckDB type names. */
  List<QueryResult.Column> columns();

  /** The snapshot id each lake table the query read was planned at (-1 for an empty table). */
  Map<TableId, Long> snapshots();

  /** Moves to the next row; false at the end. */
  boolean next() throws SQLException;

  /** The value of column {@code column} (0-based) of the current row. */
  Object value(int column) throws SQLException;

  /** Consumes a {@link ResultStream}; the stream is valid only during the call. */
  @FunctionalInterface
  interface Handler<T> {
    T handle(ResultStream rows) throws SQLException;
  }
}
