package io.tributary.flow.internal;

import io.tributary.flow.FlowRun;
import io.tributary.flow.RunState;
import io.tributary.flow.TaskRun;
import io.tributary.flow.TaskState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What {@link RunStore} reads: runs with their tasks, a run's spec, the tries running on a node, a
 * try's log. Reads take no lock (SQLite's WAL lets them run beside the one writer).
 */
final class RunReads {
  private final Supplier<Connection> db;

  RunReads(Supplier<Connection> db) {
    this.db = Objects.requireNonNull(db, "db is null");
  }

  Optional<FlowRun> run(String flow, String runId) {
    return first(runs("flow = ? AND run_id = ?", List.of(flow, runId), 1, List.of(), null));
  }

  /**
   * The run with only the tasks {@code taskIds}; the row versions of the scheduler's executions
   * that claimed them at their pick go into {@code claims} (by task id) if not null.
   */
  Optional<FlowRun> run(String flow, String runId, List<String> taskIds, Map<String, Long> claims) {
    if (taskIds.isEmpty()) {
      throw new IllegalArgumentException("No task ids to read of run " + runId);
    }
    return first(runs("flow = ? AND run_id = ?", List.of(flow, runId), 1, taskIds, claims));
  }

  private static Optional<FlowRun> first(List<FlowRun> runs) {
    return runs.isEmpty() ? Optional.empty() : Optional.of(runs.get(0));
  }

  List<FlowRun> runs(String flow, int limit) {
    return runs("flow = ?", List.of(flow), limit, List.of(), null);
  }

  List<FlowRun> runsIn(RunState state) {
    List<FlowRun> runs =
        runs("state = ?", List.of(state.label()), Integer.MAX_VALUE, List.of(), null);
    Collections.reverse(runs);
    return runs;
  }

  String spec(String flow, String runId) {
    try (Connection connection = db.get();
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT spec FROM flow_runs WHERE flow = ? AND run_id = ?")) {
      select.setString(1, flow);
      select.setString(2, runId);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next() ? rows.getString(1) : null;
      }
    } catch (SQLException e) {
      throw RunStore.failure("read run " + runId + " of flow " + flow, e);
    }
  }

  /** Runs with their tasks ({@code only} those if not empty). */
  private List<FlowRun> runs(
      String where, List<String> args, int limit, List<String> only, Map<String, Long> claims) {
    try (Connection connection = db.get()) {
      List<FlowRun> runs = new ArrayList<>();
      try (PreparedStatement select =
          connection.prepareStatement(
              "SELECT flow, run_id, logical_ms, interval_start_ms, interval_end_ms, state,"
                  + " run_type, created_ms, started_ms, ended_ms FROM flow_runs WHERE "
                  + where
                  + " ORDER BY logical_ms DESC LIMIT "
                  + limit)) {
        for (int i = 0; i < args.size(); i++) {
          select.setString(i + 1, args.get(i));
        }
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            runs.add(
                new FlowRun(
                    rows.getString(1),
                    rows.getString(2),
                    Instant.ofEpochMilli(rows.getLong(3)),
                    Instant.ofEpochMilli(rows.getLong(4)),
                    Instant.ofEpochMilli(rows.getLong(5)),
                    RunState.of(rows.getString(6)),
                    rows.getString(7),
                    Instant.ofEpochMilli(rows.getLong(8)),
                    instant(rows, 9),
                    instant(rows, 10),
                    List.of()));
          }
        }
      }
      List<FlowRun> withTasks = new ArrayList<>(runs.size());
      for (FlowRun run : runs) {
        withTasks.add(
            new FlowRun(
                run.flow(),
                run.runId(),
                run.logicalDate(),
                run.intervalStart(),
                run.intervalEnd(),
                run.state(),
                run.runType(),
                run.createdAt(),
                run.startedAt(),
                run.endedAt(),
                tasks(connection, run.flow(), run.runId(), only, claims)));
      }
      return withTasks;
    } catch (SQLException e) {
      throw RunStore.failure("read the runs of flows", e);
    }
  }

  private static List<TaskRun> tasks(
      Connection connection, String flow, String runId, List<String> only, Map<String, Long> claims)
      throws SQLException {
    List<TaskRun> tasks = new ArrayList<>();
    String filter =
        only.isEmpty() ? "" : " AND task_id IN (" + "?, ".repeat(only.size() - 1) + "?)";
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT task_id, state, tries, next_try_ms, started_ms, ended_ms, error, claim_version"
                + " FROM flow_task_runs WHERE flow = ? AND run_id = ?"
                + filter
                + " ORDER BY task_id")) {
      select.setString(1, flow);
      select.setString(2, runId);
      for (int i = 0; i < only.size(); i++) {
        select.setString(i + 3, only.get(i));
      }
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          String taskId = rows.getString(1);
          tasks.add(
              new TaskRun(
                  taskId,
                  TaskState.of(rows.getString(2)),
                  rows.getInt(3),
                  instant(rows, 4),
                  instant(rows, 5),
                  instant(rows, 6),
                  Optional.ofNullable(rows.getString(7))));
          long claim = rows.getLong(8);
          if (claims != null && !rows.wasNull()) {
            claims.put(taskId, claim);
          }
        }
      }
    }
    return tasks;
  }

  private static Optional<Instant> instant(ResultSet rows, int column) throws SQLException {
    long value = rows.getLong(column);
    return rows.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(value));
  }

  List<String> runningOn(String node) {
    List<String> tries = new ArrayList<>();
    try (Connection connection = db.get();
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT flow, run_id, task_id FROM flow_task_runs WHERE state = 'running'"
                    + " AND node = ? ORDER BY flow, run_id, task_id")) {
      select.setString(1, node);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          tries.add(rows.getString(1) + "/" + rows.getString(2) + "/" + rows.getString(3));
        }
      }
    } catch (SQLException e) {
      throw RunStore.failure("read the running tries of node " + node, e);
    }
    return tries;
  }

  Optional<String> log(String flow, String runId, String taskId, int tryNumber) {
    try (Connection connection = db.get();
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT log FROM flow_task_logs WHERE flow = ? AND run_id = ? AND task_id = ?"
                    + " AND try = ?")) {
      select.setString(1, flow);
      select.setString(2, runId);
      select.setString(3, taskId);
      select.setInt(4, tryNumber);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next() ? Optional.of(rows.getString(1)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw RunStore.failure("read a task log of run " + runId, e);
    }
  }
}
