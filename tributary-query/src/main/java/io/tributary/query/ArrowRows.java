package io.tributary.query;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.duckdb.DuckDBResultSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A DuckDB result read as Arrow batches through DuckDB's Arrow export ({@link
 * DuckDBResultSet#arrowExportStream}), for results whose columns are all of the {@link
 * QueryCursor.ValueKind}s other than {@code OBJECT}: strings are read as their UTF-8 bytes and
 * numbers and timestamps as primitives, with no Java object per value (the JDBC driver builds a
 * {@code String} or a boxed number for each). An error DuckDB raises while producing a batch fails
 * {@link #next()}: a failed query never looks like a shorter result. Not thread-safe.
 */
final class ArrowRows implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ArrowRows.class);

  /** Rows per Arrow batch: DuckDB's vector size, so batches flow as the plan produces them. */
  private static final int BATCH_ROWS = 2048;

  private static final boolean AVAILABLE = probe();

  private final QueryCursor.ValueKind[] kinds;
  private final BufferAllocator allocator;
  private final ArrowReader reader;
  private final VectorSchemaRoot root;
  private final FieldVector[] vectors;
  private final ArrowBuf[] data;
  private final ArrowBuf[] offsets;
  private int batchRows;
  private int row = -1;
  private boolean ended;

  ArrowRows(ResultSet result, QueryCursor.ValueKind[] kinds) throws SQLException {
    this.kinds = kinds.clone();
    this.allocator = new RootAllocator();
    try {
      DuckDBResultSet duckdb = result.unwrap(DuckDBResultSet.class);
      this.reader = (ArrowReader) duckdb.arrowExportStream(allocator, BATCH_ROWS);
      this.root = reader.getVectorSchemaRoot();
    } catch (SQLException | IOException | RuntimeException e) {
      allocator.close();
      throw e instanceof SQLException sql ? sql : new SQLException(e.getMessage(), e);
    }
    this.vectors = new FieldVector[kinds.length];
    this.data = new ArrowBuf[kinds.length];
    this.offsets = new ArrowBuf[kinds.length];
  }

  /**
   * Whether Arrow can read memory in this JVM: on Java 17 it needs {@code
   * --add-opens=java.base/java.nio=ALL-UNNAMED} (set by the launcher and the build's tests);
   * without it results are read through JDBC.
   */
  static boolean available() {
    return AVAILABLE;
  }

  private static boolean probe() {
    try (BufferAllocator allocator = new RootAllocator();
        ArrowBuf buffer = allocator.buffer(8)) {
      buffer.setLong(0, 42);
      return buffer.getLong(0) == 42;
    } catch (RuntimeException | LinkageError e) { // Arrow's memory access fails to initialise
      LOG.info(
          "Reading query results through JDBC: Arrow is unavailable ({}); start Java with"
              + " --add-opens=java.base/java.nio=ALL-UNNAMED",
          e.toString());
      return false;
    }
  }

  /** Moves to the next row, loading the next batch when needed; false at the end. */
  boolean next() throws SQLException {
    if (ended) {
      return false;
    }
    row++;
    while (row >= batchRows) {
      try {
        if (!reader.loadNextBatch()) {
          ended = true;
          return false;
        }
      } catch (IOException | RuntimeException e) {
        throw new SQLException(e.getMessage() == null ? e.toString() : e.getMessage(), e);
      }
      batchRows = root.getRowCount();
      row = 0;
      bind(root.getFieldVectors());
    }
    return true;
  }

  private void bind(List<FieldVector> batch) throws SQLException {
    for (int i = 0; i < vectors.length; i++) {
      FieldVector vector = batch.get(i);
      if (!accepts(kinds[i], vector)) {
        throw new SQLException(
            "Unexpected Arrow vector "
                + vector.getClass().getSimpleName()
                + " for column "
                + vector.getName()
                + " read as "
                + kinds[i]);
      }
      vectors[i] = vector;
      data[i] = vector.getDataBuffer();
      offsets[i] = vector instanceof BaseVariableWidthVector ? vector.getOffsetBuffer() : null;
    }
  }

  private static boolean accepts(QueryCursor.ValueKind kind, FieldVector vector) {
    return switch (kind) {
      case TEXT -> vector instanceof VarCharVector;
      case INTEGER ->
          vector instanceof BigIntVector
              || vector instanceof IntVector
              || vector instanceof SmallIntVector
              || vector instanceof TinyIntVector;
      case BOOLEAN -> vector instanceof BitVector;
      case DOUBLE -> vector instanceof Float8Vector;
      case TIMESTAMP -> vector instanceof TimeStampMicroVector;
      case UTC_TIMESTAMP -> vector instanceof TimeStampMicroTZVector;
      case DATE -> vector instanceof DateDayVector;
      case OBJECT -> false;
    };
  }

  boolean isNull(int column) {
    return vectors[column].isNull(row);
  }

  /**
   * An {@code INTEGER}'s value, a timestamp's microseconds since the epoch, a {@code DATE}'s days
   * since the epoch.
   */
  long longValue(int column) {
    FieldVector vector = vectors[column];
    ArrowBuf buffer = data[column];
    if (vector instanceof BigIntVector
        || vector instanceof TimeStampMicroVector
        || vector instanceof TimeStampMicroTZVector) {
      return buffer.getLong((long) row * Long.BYTES);
    }
    if (vector instanceof IntVector || vector instanceof DateDayVector) {
      return buffer.getInt((long) row * Integer.BYTES);
    }
    if (vector instanceof SmallIntVector) {
      return buffer.getShort((long) row * Short.BYTES);
    }
    return buffer.getByte(row);
  }

  double doubleValue(int column) {
    return data[column].getDouble((long) row * Double.BYTES);
  }

  boolean booleanValue(int column) {
    return BitVectorHelper.get(data[column], row) != 0;
  }

  /** The length in bytes of a {@code TEXT} value's UTF-8 text. */
  int textLength(int column) {
    ArrowBuf offset = offsets[column];
    return offset.getInt((long) (row + 1) * Integer.BYTES)
        - offset.getInt((long) row * Integer.BYTES);
  }

  /** Copies a {@code TEXT} value's UTF-8 bytes to {@code target} at {@code at}. */
  void copyText(int column, byte[] target, int at) {
    long start = offsets[column].getInt((long) row * Integer.BYTES);
    data[column].getBytes(start, target, at, textLength(column));
  }

  /** The value as {@link QueryCursor#next()} gives it ({@code null} for NULL). */
  Object value(int column) {
    if (isNull(column)) {
      return null;
    }
    return switch (kinds[column]) {
      case TEXT -> {
        byte[] bytes = new byte[textLength(column)];
        copyText(column, bytes, 0);
        yield new String(bytes, StandardCharsets.UTF_8);
      }
      case INTEGER ->
          vectors[column] instanceof BigIntVector
              ? (Object) longValue(column)
              : (Object) (int) longValue(column);
      case BOOLEAN -> booleanValue(column);
      case DOUBLE -> doubleValue(column);
      case TIMESTAMP -> QueryCursor.timestampValue(longValue(column), false);
      case UTC_TIMESTAMP -> QueryCursor.timestampValue(longValue(column), true);
      case DATE -> LocalDate.ofEpochDay(longValue(column)).toString();
      case OBJECT -> throw new IllegalStateException("Column " + column + " is not read as Arrow");
    };
  }

  @Override
  public void close() {
    try {
      reader.close();
    } catch (IOException | RuntimeException e) {
      LOG.debug("Closing an Arrow result: {}", e.toString());
    }
    try {
      allocator.close();
    } catch (RuntimeException e) {
      LOG.warn("Arrow memory left after a query: {}", e.getMessage());
    }
  }
}
