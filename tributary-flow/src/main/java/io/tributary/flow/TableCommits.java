package io.tributary.flow;

import io.tributary.core.TableId;
import java.util.List;

/** The commits of a table that table triggers look at. */
@FunctionalInterface
public interface TableCommits {
  /** How many commits back a trigger looks at most. */
  int MAX_COMMITS = 1_000;

  /**
   * The commits of {@code table}'s current snapshot and its ancestors, newest first, at most {@link
   * #MAX_COMMITS}; empty if the table has no snapshot or does not exist.
   */
  List<Commit> commits(TableId table);

  /**
   * One snapshot: its id, whether it added data (an append or overwrite, not a compaction or a
   * delete), and the rows and data files it added.
   */
  record Commit(long snapshotId, boolean newData, long addedRows, long addedFiles) {
    public Commit {
      if (addedRows < 0 || addedFiles < 0) {
        throw new IllegalArgumentException(
            "Invalid commit " + snapshotId + ": " + addedRows + " rows, " + addedFiles + " files");
      }
    }
  }

  /** No table has commits: table triggers never fire. */
  static TableCommits none() {
    return table -> List.of();
  }
}
