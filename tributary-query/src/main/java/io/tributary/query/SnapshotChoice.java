package io.tributary.query;

import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import io.tributary.core.TableId;
import java.time.Instant;
import org.apache.iceberg.HistoryEntry;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;

/** The snapshot a time-travel reference names: by id, or the one current at a time. */
final class SnapshotChoice {
  private SnapshotChoice() {}

  /**
   * The snapshot of {@code table} that {@code reference} names.
   *
   * @throws InvalidInputException {@code query_error} naming the table and the value for an unknown
   *     snapshot id or a time before the table's first snapshot
   */
  static Snapshot of(TableId id, Table table, TimeTravel.Reference reference) {
    if (reference.snapshotId() != null) {
      Snapshot snapshot = table.snapshot(reference.snapshotId());
      if (snapshot == null) {
        throw new InvalidInputException(
            ErrorCode.QUERY_ERROR,
            "Table "
                + id
                + " has no snapshot "
                + reference.snapshotId()
                + "; list its snapshots with SELECT snapshot_id, committed_at FROM "
                + id.namespace()
                + ".\""
                + id.name()
                + "$snapshots\"");
      }
      return snapshot;
    }
    long millis = reference.asOf().toEpochMilli();
    Long chosen = null;
    for (HistoryEntry entry : table.history()) {
      if (entry.timestampMillis() <= millis) {
        chosen = entry.snapshotId();
      }
    }
    if (chosen == null || table.snapshot(chosen) == null) {
      String first =
          table.history().isEmpty()
              ? "it has no snapshot"
              : "its first snapshot was made current at "
                  + Instant.ofEpochMilli(table.history().get(0).timestampMillis());
      throw new InvalidInputException(
          ErrorCode.QUERY_ERROR,
          "Table " + id + " has no snapshot at or before " + reference.asOf() + ": " + first);
    }
    return table.snapshot(chosen);
  }
}
