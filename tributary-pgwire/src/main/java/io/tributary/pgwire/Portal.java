package io.tributary.pgwire;

import io.tributary.query.QueryCancel;
import io.tributary.query.QueryCursor;
import io.tributary.query.QueryResult;
import java.util.List;

/**
 * A bound statement ready to run: its SQL with parameters in place, the result formats asked for,
 * and once started, its cursor and the row read ahead to know whether more remain. Not thread-safe.
 */
final class Portal implements AutoCloseable {
  final String sql;
  final short[] resultFormats;
  final QueryCancel cancel = new QueryCancel();
  QueryCursor cursor;

  /** Whether the cursor stands on a row read ahead and not yet sent. */
  boolean pending;

  long rowsSent;
  boolean described;

  Portal(String sql, short[] resultFormats) {
    this.sql = sql;
    this.resultFormats = resultFormats;
  }

  /** The format code of column {@code index} of {@code width}, as Bind asked. */
  short format(int index) {
    if (resultFormats.length == 0) {
      return 0;
    }
    if (resultFormats.length == 1) {
      return resultFormats[0];
    }
    return index < resultFormats.length ? resultFormats[index] : 0;
  }

  short[] formats(List<QueryResult.Column> columns) {
    short[] formats = new short[columns.size()];
    for (int i = 0; i < formats.length; i++) {
      formats[i] = format(i);
    }
    return formats;
  }

  @Override
  public void close() {
    if (cursor != null) {
      cursor.close();
      cursor = null;
    }
  }
}
