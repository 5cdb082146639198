package io.tributary.flow.internal;

import io.tributary.core.migrate.SchemaMigrations;
import io.tributary.flow.FlowRun;
import io.tributary.flow.RunState;
import io.tributary.flow.TaskState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Runs, task instances and task logs in the metadata database. (flow, logical date) is unique: a
 * run is created with {@code INSERT ... ON CONFLICT DO NOTHING}, so a manual run and a scheduled
 * tick on the same date are one run, whichever comes first. A task try starts only by moving its
 * row from queued to running, so it never runs twice at once. SQL common to SQLite and PostgreSQL.
 */
public final class RunStore {
  private static final String UNFINISHED =
      "SELECT COUNT(*) FROM flow_task_runs WHERE flow = ? AND run_id = ?"
          + " AND state IN ('queued', 'running')";
  private final Supplier<Connection> db;
  private final String node;
  private final boolean postgres;

  /**
   * Orders this process's writes: SQLite has one writer at a time, and a writer that finds the
   * database locked sleeps in SQLite's busy handler for whole milliseconds, so writes of this
   * process queue here instead (on PostgreSQL, which locks rows, they do not).
   */
  private final Lock writes;

  private final TryEnds ends;
  private final RunReads reads;
  private final TryClaims claims;

  /** The runs in {@code db}, whose tries this node {@code node} claims record it. */
  public RunStore(Supplier<Connection> db, String node) {
    this.db = Objects.requireNonNull(db, "db is null");
    this.node = Objects.requireNonNull(node, "node is null");
    this.reads = new RunReads(db);
    try (Connection connection = db.get();
        Statement statement = connection.createStatement()) {
      postgres =
          connection
              .getMetaData()
              .getDatabaseProductName()
              .toLowerCase(java.util.Locale.ROOT)
              .contains("postgres");
      writes = postgres ? new NoLock() : new ReentrantLock();
      ends = new TryEnds(db, writes, !postgres);
      claims = new TryClaims(db, writes, node, postgres);
    } catch (SQLException e) {
      throw failure("read the metadata database's product", e);
    }
    SchemaMigrations.apply(db, "flow-runs");
  }

  /** A task's execution in the scheduler's table, as it was picked: its key and row version. */
  public record PickedExecution(String key, long version) {
    public PickedExecution {
      Objects.requireNonNull(key, "key is null");
    }
  }

  /**
   * How a try ended: the run's tasks left queued or running, and whether its execution's row was
   * deleted with it.
   */
  public record Ended(int unfinished, boolean executionRemoved) {}

  /** What became of a claim: the try started, its pool had no free slot, or it was not queued. */
  public enum Claim {
    CLAIMED,
    POOL_FULL,
    NOT_QUEUED
  }

  static IllegalStateException failure(String what, SQLException e) {
    return new IllegalStateException("Cannot " + what + ": " + e.getMessage(), e);
  }

  /** What a new run holds. */
  public record NewRun(
      String flow,
      String runId,
      Instant logicalDate,
      Instant intervalStart,
      Instant intervalEnd,
      String runType,
      String spec,
      Map<String, String> taskPools) {
    public NewRun {
      taskPools = new LinkedHashMap<>(taskPools);
    }
  }

  /**
   * Creates the run and its queued tasks in one transaction, unless a run of the same flow and
   * logical date exists.
   *
   * @return whether it was created
   */
  public boolean create(NewRun run, Instant now) {
    writes.lock();
    try {
      try (Connection connection = db.get()) {
        connection.setAutoCommit(false);
        try (PreparedStatement insert =
            connection.prepareStatement(
                "INSERT INTO flow_runs (flow, run_id, logical_date, logical_ms, interval_start_ms,"
                    + " interval_end_ms, state, run_type, created_ms, spec)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
          insert.setString(1, run.flow());
          insert.setString(2, run.runId());
          insert.setString(3, run.logicalDate().toString());
          insert.setLong(4, run.logicalDate().toEpochMilli());
          insert.setLong(5, run.intervalStart().toEpochMilli());
          insert.setLong(6, run.intervalEnd().toEpochMilli());
          insert.setString(7, RunState.QUEUED.label());
          insert.setString(8, run.runType());
          insert.setLong(9, now.toEpochMilli());
          insert.setString(10, run.spec());
          if (insert.executeUpdate() == 0) {
            connection.rollback();
            return false;
          }
          try (PreparedStatement task =
              connection.prepareStatement(
                  "INSERT INTO flow_task_runs (flow, run_id, task_id, state, tries, pool)"
                      + " VALUES (?, ?, ?, ?, 0, ?)")) {
            for (Map.Entry<String, String> id : run.taskPools().entrySet()) {
              task.setString(1, run.flow());
              task.setString(2, run.runId());
              task.setString(3, id.getKey());
              task.setString(4, TaskState.QUEUED.label());
              task.setString(5, id.getValue());
              task.addBatch();
            }
            task.executeBatch();
          }
          connection.commit();
          return true;
        } catch (SQLException e) {
          connection.rollback();
          throw e;
        }
      } catch (SQLException e) {
        throw failure("create run " + run.runId() + " of flow " + run.flow(), e);
      }
    } finally {
      writes.unlock();
    }
  }

  /** The run, with its tasks. */
  public Optional<FlowRun> run(String flow, String runId) {
    return reads.run(flow, runId);
  }

  /** The run with only the tasks {@code taskIds} (what one task's execution needs). */
  public Optional<FlowRun> run(String flow, String runId, List<String> taskIds) {
    return reads.run(flow, runId, taskIds, null);
  }

  /** A task's execution as read by it: the run with the tasks it needs, and its own claim. */
  public record ExecutionRead(FlowRun run, Optional<Long> claimedAt) {
    public ExecutionRead {
      Objects.requireNonNull(run, "run is null");
      Objects.requireNonNull(claimedAt, "claimedAt is null");
    }
  }

  /**
   * The run with only the tasks {@code taskIds}, and the row version of the scheduler's execution
   * that claimed {@code taskId} when it picked it ({@link TryClaims#PICK_TRIGGER}), if one did.
   */
  public Optional<ExecutionRead> forExecution(
      String flow, String runId, String taskId, List<String> taskIds) {
    Map<String, Long> claims = new HashMap<>();
    return reads
        .run(flow, runId, taskIds, claims)
        .map(run -> new ExecutionRead(run, Optional.ofNullable(claims.get(taskId))));
  }

  /** The flow's runs, newest logical date first. */
  public List<FlowRun> runs(String flow, int limit) {
    return reads.runs(flow, limit);
  }

  /** Every run in {@code state}, of every flow, oldest logical date first. */
  public List<FlowRun> runsIn(RunState state) {
    return reads.runsIn(state);
  }

  /** The spec text a run was created with. */
  public String spec(String flow, String runId) {
    return reads.spec(flow, runId);
  }

  /** Moves a queued run to running; false if it was not queued. */
  public boolean startRun(String flow, String runId, Instant now) {
    return update(
        "UPDATE flow_runs SET state = 'running', started_ms = ? WHERE flow = ? AND run_id = ?"
            + " AND state = 'queued'",
        now.toEpochMilli(),
        flow,
        runId);
  }

  /**
   * Queues an ended run again with all its tasks (their tries go on counting), in one transaction;
   * false if the run is not ended.
   */
  public boolean clear(String flow, String runId) {
    writes.lock();
    try {
      try (Connection connection = db.get()) {
        connection.setAutoCommit(false);
        try (PreparedStatement run =
                connection.prepareStatement(
                    "UPDATE flow_runs SET state = 'queued', started_ms = NULL, ended_ms = NULL"
                        + " WHERE flow = ? AND run_id = ? AND state IN ('success', 'failed')");
            PreparedStatement tasks =
                connection.prepareStatement(
                    "UPDATE flow_task_runs SET state = 'queued', next_try_ms = NULL,"
                        + " started_ms = NULL, ended_ms = NULL, error = NULL"
                        + " WHERE flow = ? AND run_id = ?")) {
          run.setString(1, flow);
          run.setString(2, runId);
          if (run.executeUpdate() == 0) {
            connection.rollback();
            return false;
          }
          tasks.setString(1, flow);
          tasks.setString(2, runId);
          tasks.executeUpdate();
          connection.commit();
          return true;
        } catch (SQLException e) {
          connection.rollback();
          throw e;
        }
      } catch (SQLException e) {
        throw failure("clear run " + runId + " of flow " + flow, e);
      }
    } finally {
      writes.unlock();
    }
  }

  /**
   * Marks the run failed by a user: a queued, running or successful run ends failed (an ended run
   * keeps when it ended); false if it is failed already or there is no such run.
   */
  public boolean failRun(String flow, String runId, Instant now) {
    return update(
        "UPDATE flow_runs SET state = 'failed', ended_ms = COALESCE(ended_ms, ?)"
            + " WHERE flow = ? AND run_id = ? AND state IN ('queued', 'running', 'success')",
        now.toEpochMilli(),
        flow,
        runId);
  }

  /**
   * Marks one task failed by a user, whatever its state: a running try's own end is then discarded
   * (it ends only a row still running that try); false if it was failed already.
   */
  public boolean failTask(String flow, String runId, String taskId, String error, Instant now) {
    return update(
        "UPDATE flow_task_runs SET state = 'failed', next_try_ms = NULL, ended_ms = ?, error = ?"
            + " WHERE flow = ? AND run_id = ? AND task_id = ? AND state <> 'failed'",
        now.toEpochMilli(),
        error,
        flow,
        runId,
        taskId);
  }

  /**
   * Queues the tasks {@code taskIds} of an ended run again (their tries go on counting) and the run
   * with them, in one transaction; false (nothing written) if the run is not ended.
   */
  public boolean clearTasks(String flow, String runId, List<String> taskIds) {
    if (taskIds.isEmpty()) {
      throw new IllegalArgumentException("No task ids to clear of run " + runId);
    }
    writes.lock();
    try {
      try (Connection connection = db.get()) {
        connection.setAutoCommit(false);
        try (PreparedStatement run =
                connection.prepareStatement(
                    "UPDATE flow_runs SET state = 'queued', ended_ms = NULL"
                        + " WHERE flow = ? AND run_id = ? AND state IN ('success', 'failed')");
            PreparedStatement tasks =
                connection.prepareStatement(
                    "UPDATE flow_task_runs SET state = 'queued', next_try_ms = NULL,"
                        + " started_ms = NULL, ended_ms = NULL, error = NULL"
                        + " WHERE flow = ? AND run_id = ? AND task_id = ?")) {
          run.setString(1, flow);
          run.setString(2, runId);
          if (run.executeUpdate() == 0) {
            connection.rollback();
            return false;
          }
          for (String taskId : taskIds) {
            bind(tasks, flow, runId, taskId);
            tasks.addBatch();
          }
          tasks.executeBatch();
          connection.commit();
          return true;
        } catch (SQLException e) {
          connection.rollback();
          throw e;
        }
      } catch (SQLException e) {
        throw failure("clear tasks " + taskIds + " of run " + runId + " of flow " + flow, e);
      }
    } finally {
      writes.unlock();
    }
  }

  /** Ends a running run. */
  public boolean finishRun(String flow, String runId, RunState state, Instant now) {
    return update(
        "UPDATE flow_runs SET state = ?, ended_ms = ? WHERE flow = ? AND run_id = ?"
            + " AND state = 'running'",
        state.label(),
        now.toEpochMilli(),
        flow,
        runId);
  }

  /** The tries running on this node, as {@code <flow>/<run id>/<task id>}, sorted. */
  public List<String> runningHere() {
    return reads.runningOn(node);
  }

  /**
   * Has the scheduler's pick of a task's execution claim its try, in the pick's own commit (SQLite;
   * see {@link TryClaims}); call once the scheduler's table exists.
   *
   * @return whether picks claim (false on PostgreSQL: each execution claims its try itself)
   */
  public boolean claimOnPick() {
    return claims.claimOnPick();
  }

  /**
   * Records the slots of every pool, those the picks claim under (SQLite). Call it before tasks of
   * a new or changed pool are handed to the scheduler.
   */
  public void poolSlots(Map<String, Integer> slots) {
    claims.poolSlots(slots);
  }

  /**
   * Starts a try if its pool has a free slot: moves the task from queued to running and counts the
   * try, so that tries running in a pool never outnumber its slots, whichever thread or node claims
   * them (see {@link TryClaims}).
   */
  public Claim claim(
      String flow, String runId, String taskId, int tries, String pool, int slots, Instant now) {
    return claims.claim(flow, runId, taskId, tries, pool, slots, now);
  }

  /**
   * Ends try {@code tryNumber} of a running task in {@code state} ({@code QUEUED} with {@code
   * nextTry} to retry) and saves the try's log, in one transaction (on SQLite shared with the ends
   * of other tries queued at the same time: see {@link TryEnds}), then counts the run's unfinished
   * tasks.
   *
   * <p>With an {@code execution} (the task's execution in the scheduler's table, at the version it
   * was picked at), that row is deleted in the same transaction: the try's end and the end of its
   * execution are one commit, instead of a second one by the scheduler.
   *
   * @return how many tasks of the run are left queued or running after it and whether the execution
   *     was deleted, or empty (and nothing written) if the task was not running that try
   */
  public Optional<Ended> endTry(
      String flow,
      String runId,
      String taskId,
      int tryNumber,
      TaskState state,
      Instant nextTry,
      String error,
      String log,
      Instant now,
      Optional<PickedExecution> execution) {
    try {
      Optional<Boolean> removed =
          ends.write(
              new TryEnds.End(
                  flow, runId, taskId, tryNumber, state, nextTry, error, log, now, execution));
      if (removed.isEmpty()) {
        return Optional.empty();
      }
      // counted after the commit: of two tasks ending at once, the later committed sees both ended
      return Optional.of(new Ended(unfinished(flow, runId), removed.get()));
    } catch (SQLException e) {
      throw failure("end try " + tryNumber + " of task " + taskId + " of run " + runId, e);
    }
  }

  private int unfinished(String flow, String runId) throws SQLException {
    try (Connection connection = db.get();
        PreparedStatement unfinished = connection.prepareStatement(UNFINISHED)) {
      bind(unfinished, flow, runId);
      try (ResultSet rows = unfinished.executeQuery()) {
        rows.next();
        return rows.getInt(1);
      }
    }
  }

  /** Settles a queued task that will not run (skipped, upstream_failed). */
  public boolean settle(String flow, String runId, String taskId, TaskState state, Instant now) {
    return update(
        "UPDATE flow_task_runs SET state = ?, ended_ms = ? WHERE flow = ? AND run_id = ?"
            + " AND task_id = ? AND state = 'queued'",
        state.label(),
        now.toEpochMilli(),
        flow,
        runId,
        taskId);
  }

  /** The log of one try, if saved. */
  public Optional<String> log(String flow, String runId, String taskId, int tryNumber) {
    return reads.log(flow, runId, taskId, tryNumber);
  }

  private boolean update(String sql, Object... args) {
    writes.lock();
    try {
      try (Connection connection = db.get();
          PreparedStatement statement = connection.prepareStatement(sql)) {
        bind(statement, args);
        return statement.executeUpdate() > 0;
      } catch (SQLException e) {
        throw failure("update the flow tables", e);
      }
    } finally {
      writes.unlock();
    }
  }

  static void bind(PreparedStatement statement, Object... args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      Object arg = args[i];
      if (arg == null) {
        statement.setNull(i + 1, Types.NULL);
      } else if (arg instanceof Long l) {
        statement.setLong(i + 1, l);
      } else if (arg instanceof Integer n) {
        statement.setInt(i + 1, n);
      } else {
        statement.setString(i + 1, arg.toString());
      }
    }
  }
}
