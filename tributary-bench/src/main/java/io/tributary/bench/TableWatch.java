package io.tributary.bench;

import io.tributary.core.TableId;
import io.tributary.query.QueryResult;
import io.tributary.server.Platform;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.iceberg.Table;

/** Watches a stream's table for the benchmark's rows, for at most 10 minutes each time. */
final class TableWatch {
  private static final long TIMEOUT_NANOS = TimeUnit.MINUTES.toNanos(10);

  private final Platform platform;
  private final TableId id;

  TableWatch(Platform platform, TableId id) {
    this.platform = platform;
    this.id = id;
  }

  /**
   * Polls the table's current snapshot (its metadata only, so the check costs the pipeline nothing)
   * until it holds {@code rows} rows; returns when it did.
   */
  long awaitCommitted(long rows) {
    long deadline = System.nanoTime() + TIMEOUT_NANOS;
    Table table = null;
    while (System.nanoTime() < deadline) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
      table = table == null ? platform.lake().loadTable(id).orElse(null) : table;
      if (table == null) {
        continue;
      }
      table.refresh();
      if (table.currentSnapshot() != null
          && Long.parseLong(table.currentSnapshot().summary().getOrDefault("total-records", "0"))
              >= rows) {
        return System.nanoTime();
      }
    }
    throw new IllegalStateException("Timed out waiting for " + rows + " rows in " + id);
  }

  /**
   * Polls the table; on each new snapshot asks SQL (the same engine users query) how many rows of
   * each batch are visible, and records when each batch {@code first..first+count} of {@code
   * perBatch} rows is complete.
   */
  long[] awaitVisible(int first, int count, int perBatch) {
    long[] visibleAt = new long[count];
    int visible = 0;
    Long lastSnapshot = null;
    Table table = null;
    long deadline = System.nanoTime() + TIMEOUT_NANOS;
    while (visible < count) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "Timed out: only " + visible + " of " + count + " batches visible");
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
      if (table == null) {
        table = platform.lake().loadTable(id).orElse(null);
        if (table == null) {
          continue;
        }
      }
      table.refresh(); // cheap when nothing changed: compares the metadata location only
      Long snapshot = table.currentSnapshot() == null ? null : table.currentSnapshot().snapshotId();
      if (snapshot == null || snapshot.equals(lastSnapshot)) {
        continue;
      }
      lastSnapshot = snapshot;
      QueryResult counts =
          platform
              .query()
              .execute(
                  "SELECT bench_batch, count(*) FROM "
                      + id
                      + " WHERE bench_batch >= "
                      + first
                      + " GROUP BY 1");
      long now = System.nanoTime();
      for (List<Object> row : counts.rows()) {
        int batch = ((Number) row.get(0)).intValue() - first;
        if (batch < count
            && visibleAt[batch] == 0
            && ((Number) row.get(1)).longValue() == perBatch) {
          visibleAt[batch] = now;
          visible++;
        }
      }
    }
    return visibleAt;
  }
}
