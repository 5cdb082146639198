package io.tributary.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.Set;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;

/**
 * Checks that a table holds each of the benchmark's events exactly once: as many rows as events
 * sent, each a distinct ({@code bench_batch}, {@code event_id}) pair, read back through Iceberg.
 */
final class ExactlyOnce {
  private ExactlyOnce() {}

  /**
   * @throws IllegalStateException naming the table, the rows and the distinct events, if they are
   *     not both {@code events}
   */
  static void check(Table table, long events) {
    Set<String> distinct = new HashSet<>();
    long rows = 0;
    try (CloseableIterable<Record> records =
        IcebergGenerics.read(table).select("bench_batch", "event_id").build()) {
      for (Record record : records) {
        rows++;
        distinct.add(record.getField("bench_batch") + "/" + record.getField("event_id"));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + table.name(), e);
    }
    if (rows != events || distinct.size() != events) {
      throw new IllegalStateException(
          table.name()
              + " holds "
              + rows
              + " rows of "
              + distinct.size()
              + " distinct events, not each of the "
              + events
              + " events sent exactly once");
    }
  }
}
