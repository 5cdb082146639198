package io.tributary.flow;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;

/**
 * Which flow runs wrote a table, read from the summaries {@link SqlTaskRunner} puts on the
 * snapshots it commits: flow, run, task, try and the snapshot of each table the task read.
 * Snapshots expired by maintenance are gone, and so is their lineage.
 */
public final class Lineage {
  private Lineage() {}

  /** One snapshot committed by a flow task, and the input snapshots it was computed from. */
  public record Entry(
      long snapshotId,
      Instant committedAt,
      String operation,
      String flow,
      String runId,
      String taskId,
      int tryNumber,
      Map<String, Long> inputs) {
    public Entry {
      Objects.requireNonNull(committedAt, "committedAt is null");
      Objects.requireNonNull(flow, "flow is null");
      Objects.requireNonNull(runId, "runId is null");
      Objects.requireNonNull(taskId, "taskId is null");
      inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
    }
  }

  /** The snapshots of {@code table} written by flow tasks, newest first. */
  public static List<Entry> of(Table table) {
    List<Entry> entries = new ArrayList<>();
    for (Snapshot snapshot : table.snapshots()) {
      entry(
              snapshot.snapshotId(),
              snapshot.timestampMillis(),
              snapshot.operation(),
              snapshot.summary())
          .ifPresent(entries::add);
    }
    entries.sort(
        Comparator.comparing(Entry::committedAt).thenComparingLong(Entry::snapshotId).reversed());
    return entries;
  }

  /**
   * The lineage of one snapshot, if a flow task committed it (its summary names the flow).
   *
   * @throws IllegalArgumentException if the summary names a flow but the rest is malformed
   */
  public static Optional<Entry> entry(
      long snapshotId, long timestampMillis, String operation, Map<String, String> summary) {
    String flow = summary.get(SqlTaskRunner.FLOW);
    if (flow == null) {
      return Optional.empty();
    }
    Map<String, Long> inputs = new LinkedHashMap<>();
    String text = summary.getOrDefault(SqlTaskRunner.INPUTS, "");
    for (String input : text.split(",")) {
      if (input.isBlank()) {
        continue;
      }
      int at = input.lastIndexOf('@');
      try {
        inputs.put(input.substring(0, at), Long.parseLong(input.substring(at + 1)));
      } catch (IndexOutOfBoundsException | NumberFormatException e) {
        throw new IllegalArgumentException(
            "Snapshot "
                + snapshotId
                + ": malformed input '"
                + input
                + "' (expected table@snapshot)",
            e);
      }
    }
    String tryText = summary.getOrDefault(SqlTaskRunner.TRY, "0");
    int tryNumber;
    try {
      tryNumber = Integer.parseInt(tryText);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "Snapshot " + snapshotId + ": malformed try '" + tryText + "'", e);
    }
    return Optional.of(
        new Entry(
            snapshotId,
            Instant.ofEpochMilli(timestampMillis),
            operation,
            flow,
            summary.getOrDefault(SqlTaskRunner.RUN_ID, ""),
            summary.getOrDefault(SqlTaskRunner.TASK, ""),
            tryNumber,
            inputs));
  }
}
