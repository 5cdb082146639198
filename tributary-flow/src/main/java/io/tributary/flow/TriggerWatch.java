package io.tributary.flow;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides when table triggers fire. Per flow and trigger it keeps the snapshot it last fired on (at
 * first sight, the table's current snapshot: data committed before a flow is loaded does not fire
 * it); a trigger fires when the commits since then that added data reach its minimums, and then
 * moves on to the current snapshot. Commits that add no data (compactions, deletes) never count.
 */
final class TriggerWatch {
  private final TableCommits commits;
  private final Map<String, Long> firedAt = new ConcurrentHashMap<>();

  TriggerWatch(TableCommits commits) {
    this.commits = Objects.requireNonNull(commits, "commits is null");
  }

  /** Whether {@code trigger} of flow {@code flow} fires now. */
  boolean fires(String flow, TableTrigger trigger) {
    String key = flow + "/" + trigger.table();
    List<TableCommits.Commit> history = List.copyOf(commits.commits(trigger.table()));
    long current = history.isEmpty() ? 0 : history.get(0).snapshotId();
    Long last = firedAt.putIfAbsent(key, current);
    if (last == null || last == current) {
      return false;
    }
    long rows = 0;
    long files = 0;
    for (TableCommits.Commit commit : history) {
      if (commit.snapshotId() == last) {
        break;
      }
      if (commit.newData()) {
        rows += commit.addedRows();
        files += commit.addedFiles();
      }
    }
    if (!trigger.firedBy(rows, files)) {
      return false;
    }
    firedAt.put(key, current);
    return true;
  }

  /** Forgets what {@code flow}'s triggers saw (a paused flow starts afresh when unpaused). */
  void forget(String flow) {
    firedAt.keySet().removeIf(key -> key.startsWith(flow + "/"));
  }
}
