package io.tributary.query;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Function;

/**
 * The rows of one read statement, converted to Java values one at a time (DuckDB streams the result
 * chunk by chunk, within its memory limit; the JVM holds one row). Holds a query slot and a DuckDB
 * database until closed; the engine's timeout bounds its whole life. Values are those of {@link
 * QueryResult}, except {@code BLOB} columns, read as {@code byte[]}. Not thread-safe, except that
 * the query's {@link QueryCancel} may cancel it from any thread.
 */
public final class QueryCursor implements AutoCloseable {
  private final Connection connection;
  private final Statement statement;
  private final ResultSet result;
  private final List<QueryResult.Column> columns;
  private final boolean[] binary;
  private final QueryCancel cancel;
  private final ScheduledFuture<?> timeout;
  private final Runnable release;
  private final Function<SQLException, RuntimeException> errors;
  private boolean closed;

  QueryCursor(
      Connection connection,
      Statement statement,
      ResultSet result,
      QueryCancel cancel,
      ScheduledFuture<?> timeout,
      Runnable release,
      Function<SQLException, RuntimeException> errors)
      throws SQLException {
    this.connection = connection;
    this.statement = statement;
    this.result = result;
    this.cancel = cancel;
    this.timeout = timeout;
    this.release = release;
    this.errors = errors;
    ResultSetMetaData metadata = result.getMetaData();
    int width = metadata.getColumnCount();
    List<QueryResult.Column> names = new ArrayList<>(width);
    binary = new boolean[width];
    for (int i = 1; i <= width; i++) {
      String type = metadata.getColumnTypeName(i);
      names.add(new QueryResult.Column(metadata.getColumnLabel(i), type));
      binary[i - 1] = "BLOB".equals(type);
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
    try {
      if (!result.next()) {
        return null;
      }
      List<Object> row = new ArrayList<>(binary.length);
      for (int i = 1; i <= binary.length; i++) {
        row.add(binary[i - 1] ? result.getBytes(i) : ResultValues.read(result, i));
      }
      return row;
    } catch (SQLException e) {
      throw errors.apply(e);
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
    try (connection;
        statement;
        result) {
      // closed in reverse order by try-with-resources
    } catch (SQLException e) {
      // DuckDB frees the database when the connection closes, failed or not
    } finally {
      release.run();
    }
  }
}
