package io.tributary.flow;

import io.tributary.flow.internal.ResultRows;
import io.tributary.query.ResultStream;
import java.util.Iterator;
import org.apache.iceberg.Schema;
import org.apache.iceberg.StructLike;

/**
 * A query result as rows for the lake's {@code RowLoad}, as {@code sql} tasks write them: the
 * Iceberg schema of its DuckDB column types (lists, structs and maps as JSON text) and its rows in
 * Iceberg's internal representation. Counts the rows it hands out. For modules that write query
 * results as flows do (datasets, recommendations).
 */
public final class QueryRows implements Iterator<StructLike> {
  private final ResultRows rows;

  /** Rows of {@code stream}, valid while the stream is. */
  public QueryRows(ResultStream stream) {
    this.rows = new ResultRows(stream);
  }

  /** The rows' schema (all fields optional). */
  public Schema schema() {
    return rows.schema();
  }

  /** Rows handed out so far. */
  public long count() {
    return rows.count();
  }

  @Override
  public boolean hasNext() {
    return rows.hasNext();
  }

  @Override
  public StructLike next() {
    return rows.next();
  }
}
