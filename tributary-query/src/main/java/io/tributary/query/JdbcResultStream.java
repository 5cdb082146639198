package io.tributary.query;

import io.tributary.core.TableId;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** A {@link ResultStream} over a DuckDB JDBC result set. */
final class JdbcResultStream implements ResultStream {
  private final ResultSet result;
  private final Map<TableId, Long> snapshots;
  private final List<QueryResult.Column> columns;
  private final BooleanSupplier stopped;

  /** Reads {@code result} until {@code stopped} says the query was stopped (a timeout). */
  JdbcResultStream(ResultSet result, Map<TableId, Long> snapshots, BooleanSupplier stopped)
      throws SQLException {
    this.result = result;
    this.stopped = stopped;
    this.snapshots = Map.copyOf(snapshots);
    ResultSetMetaData metadata = result.getMetaData();
    List<QueryResult.Column> list = new ArrayList<>();
    for (int i = 1; i <= metadata.getColumnCount(); i++) {
      list.add(new QueryResult.Column(metadata.getColumnLabel(i), metadata.getColumnTypeName(i)));
    }
    this.columns = List.copyOf(list);
  }

  @Override
  public List<QueryResult.Column> columns() {
    return columns;
  }

  @Override
  public Map<TableId, Long> snapshots() {
    return snapshots;
  }

  @Override
  public boolean next() throws SQLException {
    if (stopped.getAsBoolean()) {
      // DuckDB ignores an interrupt while it hands over rows it has already produced
      throw new SQLException("The query was stopped");
    }
    return result.next();
  }

  @Override
  public Object value(int column) throws SQLException {
    int index = column + 1;
    String type = columns.get(column).type();
    Object value =
        switch (type) {
          case "TIMESTAMP" -> result.getObject(index, LocalDateTime.class);
          case "TIMESTAMP WITH TIME ZONE" -> result.getObject(index, OffsetDateTime.class);
          case "DATE" -> result.getObject(index, LocalDate.class);
          default -> result.getObject(index);
        };
    if (value == null
        || value instanceof Float
        || value instanceof LocalDate
        || value instanceof LocalTime
        || value instanceof LocalDateTime
        || value instanceof OffsetDateTime) {
      return value;
    }
    return ResultValues.read(result, index);
  }
}
