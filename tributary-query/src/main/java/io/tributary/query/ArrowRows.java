package io.tributary.query;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
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
import org.apache.arrow.vector.util.TransferPair;
import org.duckdb.DuckDBResultSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A DuckDB result read as Arrow batches through DuckDB's Arrow export ({@link
 * DuckDBResultSet#arrowExportStream}), for results whose columns are all of the {@link
 * QueryCursor.ValueKind}s other than {@code OBJECT}: strings are read as their UTF-8 bytes and
 * numbers and timestamps as primitives, with no Java object per value (the JDBC driver builds a
 * {@code String} or a boxed number for each). An error DuckDB raises while producing a batch fails
 * {@link #next()}: a failed query never looks like a shorter result.
 *
 * <p>A result of more than one batch is read ahead: after a full first batch, a producer thread
 * ({@code tributary-query-arrow}) asks DuckDB for the next batches, at most {@link #AHEAD} ahead of
 * the reader, while the reader's thread encodes and sends the rows it has; a smaller result starts
 * no thread. {@link #close()} stops the producer (interrupting DuckDB if it is still producing) and
 * waits for it to end before freeing the batches, so no thread or Arrow memory outlives the rows.
 * Not thread-safe (one reader thread).
 */
final class ArrowRows implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ArrowRows.class);

  /** Rows per Arrow batch: DuckDB's vector size, so batches flow as the plan produces them. */
  private static final int BATCH_ROWS = 2048;

  /** Batches the producer may hold ready ahead of the reader (2,048 rows each). */
  static final int AHEAD = 4;

  private static final long CLOSE_WAIT_MILLIS = 30_000;
  private static final Object END = new Object();
  private static final boolean AVAILABLE = probe();

  private final QueryCursor.ValueKind[] kinds;
  private final BufferAllocator allocator;
  private final ArrowReader reader;
  private final VectorSchemaRoot root;
  private final FieldVector[] vectors;
  private final ArrowBuf[] data;
  private final ArrowBuf[] offsets;
  private final Runnable interrupt;
  private final boolean readAhead;
  private final BlockingQueue<Object> ahead = new ArrayBlockingQueue<>(AHEAD);
  private volatile boolean stopping;
  private boolean abandoned;
  private Thread producer;
  private VectorSchemaRoot current;
  private int batchRows;
  private int row = -1;
  private boolean ended;

  /** Reads {@code result} in batches on the caller's thread only. */
  ArrowRows(ResultSet result, QueryCursor.ValueKind[] kinds) throws SQLException {
    this(result, kinds, () -> {}, false);
  }

  /**
   * Reads {@code result}, ahead on a producer thread when {@code readAhead}; {@code interrupt}
   * stops DuckDB producing (the statement's cancel), used when the rows are closed early.
   */
  ArrowRows(ResultSet result, QueryCursor.ValueKind[] kinds, Runnable interrupt, boolean readAhead)
      throws SQLException {
    this.kinds = kinds.clone();
    this.interrupt = interrupt;
    this.readAhead = readAhead;
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
      if (!loadBatch()) {
        ended = true;
        return false;
      }
      row = 0;
    }
    return true;
  }

  /** Makes the next batch current; false at the end. */
  private boolean loadBatch() throws SQLException {
    if (producer == null) {
      try {
        if (!reader.loadNextBatch()) {
          return false;
        }
      } catch (IOException | RuntimeException e) {
        throw new SQLException(e.getMessage() == null ? e.toString() : e.getMessage(), e);
      }
      batchRows = root.getRowCount();
      if (readAhead && batchRows >= BATCH_ROWS) { // more may follow: read them ahead from now on
        current = moveOut(root);
        bind(current.getFieldVectors());
        producer = new Thread(this::produce, "tributary-query-arrow");
        producer.setDaemon(true);
        producer.start();
      } else {
        bind(root.getFieldVectors());
      }
      return true;
    }
    closeCurrent();
    Object next = take();
    if (next == END) {
      return false;
    }
    if (next instanceof Throwable failure) {
      throw new SQLException(
          failure.getMessage() == null ? failure.toString() : failure.getMessage(), failure);
    }
    current = (VectorSchemaRoot) next;
    batchRows = current.getRowCount();
    bind(current.getFieldVectors());
    return true;
  }

  private Object take() throws SQLException {
    try {
      while (true) {
        Object next = ahead.poll(100, TimeUnit.MILLISECONDS);
        if (next != null) {
          return next;
        }
        if (!producer.isAlive() && ahead.isEmpty()) {
          throw new SQLException("The Arrow batch reader ended without a result");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("Interrupted while waiting for the next rows", e);
    }
  }

  /** The producer thread: loads batches and hands them over until the end, a failure or close. */
  private void produce() {
    try {
      while (!stopping) {
        if (!reader.loadNextBatch()) {
          handOver(END);
          return;
        }
        VectorSchemaRoot batch = moveOut(root);
        if (!handOver(batch)) {
          batch.close();
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException | RuntimeException e) { // reaches the reader as an error, never an end
      try {
        handOver(e);
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Queues {@code item} for the reader; false when the rows were closed first. */
  private boolean handOver(Object item) throws InterruptedException {
    while (!stopping) {
      if (ahead.offer(item, 50, TimeUnit.MILLISECONDS)) {
        return true;
      }
    }
    return false;
  }

  /** A batch owning the buffers of {@code loaded}'s vectors, which are left empty for reloading. */
  private VectorSchemaRoot moveOut(VectorSchemaRoot loaded) {
    List<FieldVector> moved = new ArrayList<>(loaded.getFieldVectors().size());
    for (FieldVector vector : loaded.getFieldVectors()) {
      TransferPair transfer = vector.getTransferPair(allocator);
      transfer.transfer();
      moved.add((FieldVector) transfer.getTo());
    }
    VectorSchemaRoot batch = new VectorSchemaRoot(moved);
    batch.setRowCount(loaded.getRowCount());
    return batch;
  }

  private void closeCurrent() {
    if (current != null) {
      current.close();
      current = null;
    }
  }

  /** Frees the batches queued for the reader. */
  private void drain() {
    for (Object queued = ahead.poll(); queued != null; queued = ahead.poll()) {
      if (queued instanceof VectorSchemaRoot batch) {
        batch.close();
      }
    }
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

  /** Whether {@link #close()} left a producer that DuckDB kept running despite the interrupt. */
  boolean abandoned() {
    return abandoned;
  }

  /**
   * Stops the producer (interrupting DuckDB when it is still producing), waits for it to end, then
   * frees every batch, the reader and the Arrow memory.
   */
  @Override
  public void close() {
    stopping = true;
    if (producer != null) {
      if (producer.isAlive()) {
        interrupt.run();
      }
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_WAIT_MILLIS);
      boolean interrupted = false;
      while (producer.isAlive() && System.nanoTime() < deadline) {
        drain();
        try {
          producer.join(20);
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      if (producer.isAlive()) {
        // DuckDB ignored the interrupt: leave its memory to the database's close, never free it
        // under a running producer
        LOG.warn("An Arrow producer still ran {} ms after its rows closed", CLOSE_WAIT_MILLIS);
        abandoned = true;
        return;
      }
      drain();
    }
    closeCurrent();
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
