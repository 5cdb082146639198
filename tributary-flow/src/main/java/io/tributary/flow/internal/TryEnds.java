package io.tributary.flow.internal;

import io.tributary.flow.TaskState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.Lock;
import java.util.function.Supplier;

/**
 * How {@link RunStore} writes the ends of tries on SQLite, whose single writer makes concurrent
 * ends wait for each other: group commit. Each end is queued; the caller that gets the write lock
 * writes every end queued by then in one transaction, and each caller returns once the commit that
 * holds its end is done, so an end is durable before its successors start, and a crash loses only
 * ends not yet acknowledged (their tries are still running in the database: died tries, recovered
 * as such). If the group fails, each of its ends is written alone, so one bad end fails only its
 * own caller.
 */
final class TryEnds {
  private static final String END =
      "UPDATE flow_task_runs SET state = ?, next_try_ms = ?, ended_ms = ?, error = ?"
          + " WHERE flow = ? AND run_id = ? AND task_id = ? AND state = 'running' AND tries = ?";
  private static final String SAVE_LOG =
      "INSERT INTO flow_task_logs (flow, run_id, task_id, try, log) VALUES (?, ?, ?, ?, ?)"
          + " ON CONFLICT (flow, run_id, task_id, try) DO UPDATE SET log = excluded.log";
  private static final String DONE =
      "DELETE FROM scheduled_tasks WHERE task_name = ? AND task_instance = ? AND version = ?";

  /** One try's end, as {@link RunStore#endTry} takes it. */
  record End(
      String flow,
      String runId,
      String taskId,
      int tryNumber,
      TaskState state,
      Instant nextTry,
      String error,
      String log,
      Instant now,
      Optional<RunStore.PickedExecution> execution) {
    End {
      Objects.requireNonNull(flow, "flow is null");
      Objects.requireNonNull(runId, "runId is null");
      Objects.requireNonNull(taskId, "taskId is null");
      Objects.requireNonNull(state, "state is null");
      Objects.requireNonNull(now, "now is null");
      Objects.requireNonNull(execution, "execution is null");
    }
  }

  private record Pending(End end, CompletableFuture<Optional<Boolean>> result) {}

  private final Supplier<Connection> db;
  private final Lock writes;
  private final boolean grouped;
  private final Queue<Pending> queue = new ConcurrentLinkedQueue<>();

  /**
   * @param writes this process's write lock
   * @param grouped whether ends are grouped (SQLite); if not (PostgreSQL, which locks rows), each
   *     end is its own transaction, as concurrent as the database allows
   */
  TryEnds(Supplier<Connection> db, Lock writes, boolean grouped) {
    this.db = Objects.requireNonNull(db, "db is null");
    this.writes = Objects.requireNonNull(writes, "writes is null");
    this.grouped = grouped;
  }

  /**
   * Writes {@code end} with the ends queued beside it, committed.
   *
   * @return whether its execution's row was deleted, or empty (nothing written for it) if the task
   *     was not running that try
   */
  Optional<Boolean> write(End end) throws SQLException {
    Pending mine = new Pending(end, new CompletableFuture<>());
    if (!grouped) {
      commit(List.of(mine));
      return result(mine);
    }
    queue.add(mine);
    writes.lock();
    try {
      if (!mine.result().isDone()) {
        List<Pending> group = new ArrayList<>();
        for (Pending next = queue.poll(); next != null; next = queue.poll()) {
          group.add(next);
        }
        commit(group);
      }
    } finally {
      writes.unlock();
    }
    return result(mine);
  }

  private static Optional<Boolean> result(Pending pending) throws SQLException {
    try {
      return pending.result().join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof SQLException cause) {
        throw cause;
      }
      throw e;
    }
  }

  private void commit(List<Pending> group) {
    try (Connection connection = db.get()) {
      connection.setAutoCommit(false);
      List<Optional<Boolean>> results = new ArrayList<>();
      try {
        for (Pending pending : group) {
          results.add(write(connection, pending.end()));
        }
        connection.commit();
      } catch (SQLException e) {
        connection.rollback();
        if (group.size() == 1) {
          throw e;
        }
        group.forEach(pending -> alone(connection, pending));
        return;
      }
      for (int i = 0; i < group.size(); i++) {
        group.get(i).result().complete(results.get(i));
      }
    } catch (SQLException | RuntimeException e) {
      group.forEach(pending -> pending.result().completeExceptionally(e));
    } finally {
      IllegalStateException unwritten = new IllegalStateException("Try end not written");
      group.forEach(pending -> pending.result().completeExceptionally(unwritten));
    }
  }

  private void alone(Connection connection, Pending pending) {
    try {
      Optional<Boolean> result = write(connection, pending.end());
      connection.commit();
      pending.result().complete(result);
    } catch (SQLException e) {
      try {
        connection.rollback();
      } catch (SQLException rollback) {
        e.addSuppressed(rollback);
      }
      pending.result().completeExceptionally(e);
    }
  }

  private static Optional<Boolean> write(Connection connection, End end) throws SQLException {
    try (PreparedStatement update = connection.prepareStatement(END)) {
      RunStore.bind(
          update,
          end.state().label(),
          end.nextTry() == null ? null : end.nextTry().toEpochMilli(),
          end.now().toEpochMilli(),
          end.error(),
          end.flow(),
          end.runId(),
          end.taskId(),
          end.tryNumber());
      if (update.executeUpdate() == 0) {
        return Optional.empty();
      }
    }
    try (PreparedStatement save = connection.prepareStatement(SAVE_LOG)) {
      RunStore.bind(save, end.flow(), end.runId(), end.taskId(), end.tryNumber(), end.log());
      save.executeUpdate();
    }
    if (end.execution().isEmpty()) {
      return Optional.of(false);
    }
    try (PreparedStatement done = connection.prepareStatement(DONE)) {
      RunStore.PickedExecution picked = end.execution().get();
      RunStore.bind(done, FlowScheduler.TASK, picked.key(), picked.version());
      return Optional.of(done.executeUpdate() > 0);
    }
  }
}
