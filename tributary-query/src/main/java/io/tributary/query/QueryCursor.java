package io.tributary.query;

import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
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
 *
 * <p>A result whose columns are all strings, integers, booleans, doubles, dates or timestamps is
 * read as Arrow batches ({@link ArrowRows}); its values can also be read without a Java object
 * each: {@link #advance()}, then {@link #kind}, {@link #isNull}, {@link #longValue}, {@link
 * #textLength} and {@link #copyText}. Other results are read through JDBC, where every column is of
 * kind {@link ValueKind#OBJECT}, read with {@link #value}.
 */
public final class QueryCursor implements AutoCloseable {
  private final AutoCloseable database;
  private final Statement statement;
  private final ResultSet result;
  private final List<QueryResult.Column> columns;
  private final Reader[] readers;
  private final ValueKind[] kinds;
  private final ArrowRows arrow;
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
      BooleanSupplier stopped,
      boolean columnar)
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
    ValueKind[] arrowKinds = new ValueKind[width];
    boolean utcZone = ZoneId.systemDefault().normalized().equals(ZoneOffset.UTC);
    boolean allArrow = columnar && width > 0;
    for (int i = 1; i <= width; i++) {
      String type = metadata.getColumnTypeName(i);
      names.add(new QueryResult.Column(metadata.getColumnLabel(i), type));
      readers[i - 1] = Reader.of(type, utcZone);
      arrowKinds[i - 1] = ValueKind.ofArrow(type, utcZone);
      allArrow &= arrowKinds[i - 1] != ValueKind.OBJECT;
    }
    this.columns = List.copyOf(names);
    if (allArrow) {
      this.arrow = new ArrowRows(result, arrowKinds, this::interruptQuery, true);
      this.kinds = arrowKinds;
    } else {
      this.arrow = null;
      this.kinds = new ValueKind[width];
      Arrays.fill(kinds, ValueKind.OBJECT);
    }
  }

  /**
   * How a column's values can be read: {@link #OBJECT} with {@link #value} only; the others also
   * without an object, as {@link #longValue}, {@link #doubleValue}, {@link #booleanValue} or {@link
   * #copyText}.
   */
  public enum ValueKind {
    /** {@code VARCHAR}: UTF-8 text, {@link #textLength} and {@link #copyText}. */
    TEXT,
    /** {@code TINYINT} to {@code BIGINT}: {@link #longValue}. */
    INTEGER,
    /** {@link #booleanValue}. */
    BOOLEAN,
    /** {@code DOUBLE}: {@link #doubleValue}. */
    DOUBLE,
    /** {@code TIMESTAMP}: {@link #longValue} gives its microseconds since the epoch. */
    TIMESTAMP,
    /** {@code TIMESTAMP WITH TIME ZONE}, in UTC: {@link #longValue} as for TIMESTAMP. */
    UTC_TIMESTAMP,
    /** {@code DATE}: {@link #longValue} gives its days since the epoch. */
    DATE,
    /** Read with {@link #value} only. */
    OBJECT;

    static ValueKind ofArrow(String duckDbType, boolean utcZone) {
      return switch (duckDbType) {
        case "VARCHAR" -> TEXT;
        case "TINYINT", "SMALLINT", "INTEGER", "BIGINT" -> INTEGER;
        case "BOOLEAN" -> BOOLEAN;
        case "DOUBLE" -> DOUBLE;
        case "TIMESTAMP" -> TIMESTAMP;
        case "TIMESTAMP WITH TIME ZONE" -> utcZone ? UTC_TIMESTAMP : OBJECT;
        case "DATE" -> DATE;
        default -> OBJECT;
      };
    }
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
    if (!advance()) {
      return null;
    }
    List<Object> row = new ArrayList<>(readers.length);
    for (int i = 0; i < readers.length; i++) {
      row.add(value(i));
    }
    return row;
  }

  /**
   * Moves to the next row, whose values {@link #value} and the other readers then give; false after
   * the last.
   *
   * @throws io.tributary.core.InvalidInputException as {@link #next()}
   * @throws io.tributary.core.RetriableException as {@link #next()}
   */
  public boolean advance() {
    if (closed) {
      throw new IllegalStateException("The cursor is closed");
    }
    if (stopped.getAsBoolean()) {
      // DuckDB ignores an interrupt while it hands over rows it has already produced
      throw errors.apply(null);
    }
    try {
      return arrow != null ? arrow.next() : result.next();
    } catch (SQLException e) {
      throw errors.apply(e);
    }
  }

  /** How column {@code column} (0-based) can be read. */
  public ValueKind kind(int column) {
    return kinds[column];
  }

  /** The value of column {@code column} (0-based) of the current row, as {@link #next()}. */
  public Object value(int column) {
    try {
      return arrow != null ? arrow.value(column) : readers[column].read(result, column + 1);
    } catch (SQLException e) {
      throw errors.apply(e);
    }
  }

  /** Whether the current row's value of a column not of kind {@code OBJECT} is NULL. */
  public boolean isNull(int column) {
    return arrow().isNull(column);
  }

  /**
   * The current row's value of an {@code INTEGER} column, the microseconds since the epoch of a
   * timestamp, the days since the epoch of a {@code DATE}; not NULL.
   */
  public long longValue(int column) {
    return arrow().longValue(column);
  }

  /** The current row's value of a {@code DOUBLE} column; not NULL. */
  public double doubleValue(int column) {
    return arrow().doubleValue(column);
  }

  /** The current row's value of a {@code BOOLEAN} column; not NULL. */
  public boolean booleanValue(int column) {
    return arrow().booleanValue(column);
  }

  /** The length of the UTF-8 text of the current row's value of a {@code TEXT} column. */
  public int textLength(int column) {
    return arrow().textLength(column);
  }

  /**
   * Copies the UTF-8 text of the current row's value of a {@code TEXT} column into {@code target}.
   */
  public void copyText(int column, byte[] target, int at) {
    arrow().copyText(column, target, at);
  }

  private ArrowRows arrow() {
    if (arrow == null) {
      throw new IllegalStateException("The columns are read with value()");
    }
    return arrow;
  }

  /**
   * The text of a timestamp of {@code micros} since the epoch, as rows give it; DuckDB's {@code
   * infinity} and {@code -infinity} as {@code "infinity"} and {@code "-infinity"}.
   */
  static String timestampValue(long micros, boolean utc) {
    if (Math.abs(micros) == Long.MAX_VALUE) {
      return micros > 0 ? "infinity" : "-infinity";
    }
    return IsoText.ofEpochMicros(micros, utc);
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
          yield timestampValue(micros, this == UTC_TIMESTAMP);
        }
        default -> ResultValues.read(result, column);
      };
    }
  }

  /** Stops DuckDB producing rows nobody will read (the rows were closed before their end). */
  private void interruptQuery() {
    try {
      statement.cancel();
    } catch (SQLException e) {
      // the database closes next anyway
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
    if (arrow != null) {
      arrow.close();
      if (arrow.abandoned() && database instanceof StartErrors reused) {
        reused.spoil(); // DuckDB may still run the query: the database must not serve another
      }
    }
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
