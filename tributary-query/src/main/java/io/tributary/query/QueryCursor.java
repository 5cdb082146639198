package io.tributary.query;

import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * The rows of one read statement, converted to Java values one at a time as DuckDB produces them:
 * DuckDB streams the result chunk by chunk (about 2,048 rows) and the JVM holds one row, so a
 * result of any size takes bounded memory. Holds a query slot and a DuckDB database until closed;
 * the engine's timeout bounds its whole life. Values are those of {@link QueryResult}, except
 * {@code BLOB} columns, read as {@code byte[]}. Not thread-safe, except that the query's {@link
 * QueryCancel} may cancel it from any thread.
 */
public final class QueryCursor implements AutoCloseable {
  private final AutoCloseable database;
  private final Statement statement;
  private final ResultSet result;
  private final List<QueryResult.Column> columns;
  private final Reader[] readers;
  private final QueryCancel cancel;
  private final ScheduledFuture<?> timeout;
  private final Runnable release;
  private final Function<SQLException, RuntimeException> errors;
  private final BooleanSupplier stopped;
  private boolean closed;

  QueryCursor(
      AutoCloseable database,
      Statement statement,
      ResultSet result,
      QueryCancel cancel,
      ScheduledFuture<?> timeout,
      Runnable release,
      Function<SQLException, RuntimeException> errors,
      BooleanSupplier stopped)
      throws SQLException {
    this.database = database;
    this.statement = statement;
    this.result = result;
    this.cancel = cancel;
    this.timeout = timeout;
    this.release = release;
    this.errors = errors;
    this.stopped = stopped;
    ResultSetMetaData metadata = result.getMetaData();
    int width = metadata.getColumnCount();
    List<QueryResult.Column> names = new ArrayList<>(width);
    readers = new Reader[width];
    boolean utcZone = ZoneId.systemDefault().normalized().equals(ZoneOffset.UTC);
    for (int i = 1; i <= width; i++) {
      String type = metadata.getColumnTypeName(i);
      names.add(new QueryResult.Column(metadata.getColumnLabel(i), type));
      readers[i - 1] = Reader.of(type, utcZone);
    }
    this.columns = List.copyOf(names);
  }

  /** The result columns: names and DuckDB type names. */
  public List<QueryResult.Column> columns() {
    return columns;
  }

  /**
   * The next row, or {@code null} after the last.
   *
   * @throws io.tributary.core.InvalidInputException {@code query_error} when DuckDB fails
   * @throws io.tributary.core.RetriableException {@code query_timeout} or {@code query_canceled}
   */
  public List<Object> next() {
    if (closed) {
      throw new IllegalStateException("The cursor is closed");
    }
    if (stopped.getAsBoolean()) {
      // DuckDB ignores an interrupt while it hands over rows it has already produced
      throw errors.apply(null);
    }
    try {
      if (!result.next()) {
        return null;
      }
      List<Object> row = new ArrayList<>(readers.length);
      for (int i = 1; i <= readers.length; i++) {
        row.add(readers[i - 1].read(result, i));
      }
      return row;
    } catch (SQLException e) {
      throw errors.apply(e);
    }
  }

  /**
   * How a column's values are read. Timestamps are read as their microseconds and written as text
   * here: DuckDB's driver builds a {@code Timestamp} or an {@code OffsetDateTime} per value and
   * copies the JVM's time zone each time (among the top costs in a profile of a 1M-row fetch). A
   * {@code TIMESTAMP WITH TIME ZONE} is read so only where the JVM's zone is UTC, the offset the
   * driver gives it.
   */
  private enum Reader {
    VALUE,
    BYTES,
    TIMESTAMP,
    UTC_TIMESTAMP;

    static Reader of(String type, boolean utcZone) {
      return switch (type) {
        case "BLOB" -> BYTES;
        case "TIMESTAMP" -> TIMESTAMP;
        case "TIMESTAMP WITH TIME ZONE" -> utcZone ? UTC_TIMESTAMP : VALUE;
        default -> VALUE;
      };
    }

    Object read(ResultSet result, int column) throws SQLException {
      return switch (this) {
        case BYTES -> result.getBytes(column);
        case TIMESTAMP, UTC_TIMESTAMP -> {
          long micros = result.getLong(column);
          if (result.wasNull()) {
            yield null;
          }
          // DuckDB's infinity and -infinity as the driver reads them
          yield Math.abs(micros) == Long.MAX_VALUE
              ? ResultValues.read(result, column)
              : IsoText.ofEpochMicros(micros, this == UTC_TIMESTAMP);
        }
        default -> ResultValues.read(result, column);
      };
    }
  }

  /** Ends the query and frees its DuckDB database and query slot; idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    timeout.cancel(false);
    cancel.detach();
    try (database;
        statement;
        result) {
      // closed in reverse order by try-with-resources
    } catch (Exception e) {
      // DuckDB frees the database when the connection closes, failed or not
    } finally {
      release.run();
    }
  }
}
