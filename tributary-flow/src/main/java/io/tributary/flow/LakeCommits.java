package io.tributary.flow;

import io.tributary.core.TableId;
import io.tributary.lake.Lake;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.iceberg.DataOperations;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotSummary;
import org.apache.iceberg.Table;

/** The commits of lake tables, from their snapshots and snapshot summaries. */
final class LakeCommits implements TableCommits {
  private final Lake lake;

  LakeCommits(Lake lake) {
    this.lake = Objects.requireNonNull(lake, "lake is null");
  }

  @Override
  public List<Commit> commits(TableId id) {
    Optional<Table> table = lake.loadTable(id);
    List<Commit> commits = new ArrayList<>();
    if (table.isEmpty()) {
      return commits;
    }
    Snapshot snapshot = table.get().currentSnapshot();
    while (snapshot != null && commits.size() < MAX_COMMITS) {
      Map<String, String> summary = snapshot.summary() == null ? Map.of() : snapshot.summary();
      String operation = snapshot.operation();
      boolean newData =
          DataOperations.APPEND.equals(operation) || DataOperations.OVERWRITE.equals(operation);
      commits.add(
          new Commit(
              snapshot.snapshotId(),
              newData,
              count(summary, SnapshotSummary.ADDED_RECORDS_PROP),
              count(summary, SnapshotSummary.ADDED_FILES_PROP)));
      snapshot = snapshot.parentId() == null ? null : table.get().snapshot(snapshot.parentId());
    }
    return commits;
  }

  private static long count(Map<String, String> summary, String key) {
    try {
      return Math.max(0, Long.parseLong(summary.getOrDefault(key, "0")));
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
