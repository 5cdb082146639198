package io.tributary.flow.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.Lock;
import java.util.function.Supplier;

/**
 * How {@link RunStore} starts a try under its pool's limit: the task moves from queued to running
 * and its try is counted only while the pool's running tries are fewer than its slots. On SQLite
 * that is one statement (a write statement holds the database's write lock from its start, its
 * count included); on PostgreSQL one transaction that first locks the pool's row in {@code
 * flow_pools}, so concurrent claims of a pool, on any node, wait for each other.
 *
 * <p>On SQLite a try is usually claimed before that, by the scheduler's own pick of the task's
 * execution: the trigger {@value #PICK_TRIGGER} runs the same conditional claim inside the pick's
 * statement (which marks the execution picked, in its own commit), with the pool's slots from
 * {@code flow_pools}, and records the execution's row version at the pick in {@code claim_version}
 * (an explicit claim clears it). An execution that finds its task running under its own version
 * runs that try; one that finds it running under another version (or none) belongs to a try whose
 * process died; one that finds it still queued (pool full, retry not due, pool not written yet)
 * claims it as above. So a try costs no commit of its own to start.
 */
final class TryClaims {
  private static final String CLAIM =
      "UPDATE flow_task_runs SET state = 'running', tries = tries + 1, started_ms = ?, node = ?,"
          + " ended_ms = NULL, next_try_ms = NULL, claim_version = NULL"
          + " WHERE flow = ? AND run_id = ? AND task_id = ?"
          + " AND state = 'queued' AND tries = ?";

  /** The trigger that claims a try when the scheduler picks its execution (SQLite). */
  static final String PICK_TRIGGER = "flow_task_claim_on_pick";

  /** The key {@code flow/run/task} of the picked execution, split (no part holds a '/'). */
  private static final String FIRST = "instr(NEW.task_instance, '/')";

  private static final String REST = "substr(NEW.task_instance, " + FIRST + " + 1)";

  private static final String CREATE_PICK_TRIGGER =
      "CREATE TRIGGER "
          + PICK_TRIGGER
          + " AFTER UPDATE OF picked ON scheduled_tasks FOR EACH ROW"
          + " WHEN NEW.task_name = '"
          + FlowScheduler.TASK
          + "' AND NEW.picked AND NOT OLD.picked BEGIN"
          + " UPDATE flow_task_runs SET state = 'running', tries = tries + 1,"
          + " started_ms = NEW.last_heartbeat, node = NEW.picked_by, ended_ms = NULL,"
          + " next_try_ms = NULL, claim_version = NEW.version"
          + " WHERE flow = substr(NEW.task_instance, 1, "
          + FIRST
          + " - 1)"
          + " AND run_id = substr("
          + REST
          + ", 1, instr("
          + REST
          + ", '/') - 1)"
          + " AND task_id = substr("
          + REST
          + ", instr("
          + REST
          + ", '/') + 1)"
          + " AND state = 'queued' AND (next_try_ms IS NULL OR next_try_ms <= NEW.execution_time)"
          + " AND EXISTS (SELECT 1 FROM flow_runs r WHERE r.flow = flow_task_runs.flow"
          + " AND r.run_id = flow_task_runs.run_id AND r.state = 'running')"
          + " AND (SELECT COUNT(*) FROM flow_task_runs p WHERE p.pool = flow_task_runs.pool"
          + " AND p.state = 'running')"
          + " < (SELECT slots FROM flow_pools s WHERE s.name = flow_task_runs.pool); END";

  private final Supplier<Connection> db;
  private final Lock writes;
  private final String node;
  private final boolean postgres;
  private Map<String, Integer> writtenSlots = Map.of(); // guarded by writes

  /**
   * @param writes this process's write lock
   * @param node this node, which the tries it claims record
   */
  TryClaims(Supplier<Connection> db, Lock writes, String node, boolean postgres) {
    this.db = Objects.requireNonNull(db, "db is null");
    this.writes = Objects.requireNonNull(writes, "writes is null");
    this.node = Objects.requireNonNull(node, "node is null");
    this.postgres = postgres;
  }

  /**
   * Has the scheduler's pick of a task's execution claim its try, in the pick's own commit (SQLite:
   * above); call once the scheduler's table exists.
   *
   * @return whether picks claim (false on PostgreSQL: each execution claims its try itself)
   */
  boolean claimOnPick() {
    if (postgres) {
      return false;
    }
    writes.lock();
    try (Connection connection = db.get()) {
      installPickTrigger(connection);
      return true;
    } catch (SQLException e) {
      throw RunStore.failure("install the claim of tries at the scheduler's pick", e);
    } finally {
      writes.unlock();
    }
  }

  /**
   * Records the slots of every pool, those the picks claim under (SQLite; on PostgreSQL each claim
   * records its pool's slots). Call it before tasks of a new or changed pool are handed to the
   * scheduler; a pool it does not name gets no claims at pick, only claims by its executions.
   */
  void poolSlots(Map<String, Integer> slots) {
    if (postgres) {
      return;
    }
    Map<String, Integer> copy = Map.copyOf(slots);
    writes.lock();
    try {
      if (copy.equals(writtenSlots)) {
        return;
      }
      try (Connection connection = db.get()) {
        writePools(connection, copy);
        writtenSlots = copy;
      } catch (SQLException e) {
        throw RunStore.failure("record the slots of the pools " + copy.keySet(), e);
      }
    } finally {
      writes.unlock();
    }
  }

  /**
   * Starts a try if its pool has a free slot: moves the task from queued to running and counts the
   * try, so that tries running in a pool never outnumber its slots, whichever thread or node claims
   * them. On SQLite that is one statement (a write statement holds the database's write lock from
   * its start, its pool count included); on PostgreSQL one transaction that first locks the pool's
   * row.
   */
  RunStore.Claim claim(
      String flow, String runId, String taskId, int tries, String pool, int slots, Instant now) {
    writes.lock();
    try {
      try (Connection connection = db.get()) {
        return postgres
            ? claimLocked(connection, flow, runId, taskId, tries, pool, slots, now, node)
            : claimAtOnce(connection, flow, runId, taskId, tries, pool, slots, now, node);
      } catch (SQLException e) {
        throw RunStore.failure("start task " + taskId + " of run " + runId + " of flow " + flow, e);
      }
    } finally {
      writes.unlock();
    }
  }

  /**
   * Installs (or replaces) the trigger {@value #PICK_TRIGGER} on SQLite, in one transaction taken
   * with the write lock first, so nodes starting at once do not fail each other.
   */
  private static void installPickTrigger(Connection connection) throws SQLException {
    boolean autoCommit = connection.getAutoCommit();
    connection.setAutoCommit(true); // the driver's own deferred BEGIN would come first
    try (Statement statement = connection.createStatement()) {
      statement.execute("BEGIN IMMEDIATE");
      try {
        statement.execute("DROP TRIGGER IF EXISTS " + PICK_TRIGGER);
        statement.execute(CREATE_PICK_TRIGGER);
        statement.execute("COMMIT");
      } catch (SQLException e) {
        statement.execute("ROLLBACK");
        throw e;
      }
    } finally {
      connection.setAutoCommit(autoCommit);
    }
  }

  /** Replaces the pools' slots in {@code flow_pools}, what the pick trigger claims under. */
  private static void writePools(Connection connection, Map<String, Integer> slots)
      throws SQLException {
    connection.setAutoCommit(false);
    try (Statement clear = connection.createStatement();
        PreparedStatement insert =
            connection.prepareStatement("INSERT INTO flow_pools (name, slots) VALUES (?, ?)")) {
      clear.executeUpdate("DELETE FROM flow_pools");
      for (Map.Entry<String, Integer> pool : slots.entrySet()) {
        RunStore.bind(insert, pool.getKey(), pool.getValue());
        insert.addBatch();
      }
      insert.executeBatch();
      connection.commit();
    } catch (SQLException e) {
      connection.rollback();
      throw e;
    }
  }

  private static RunStore.Claim claimAtOnce(
      Connection connection,
      String flow,
      String runId,
      String taskId,
      int tries,
      String pool,
      int slots,
      Instant now,
      String node)
      throws SQLException {
    try (PreparedStatement update =
        connection.prepareStatement(
            CLAIM
                + " AND (SELECT COUNT(*) FROM flow_task_runs WHERE pool = ? AND state = 'running')"
                + " < ?")) {
      RunStore.bind(update, now.toEpochMilli(), node, flow, runId, taskId, tries, pool, slots);
      if (update.executeUpdate() > 0) {
        return RunStore.Claim.CLAIMED;
      }
    }
    try (PreparedStatement queued =
        connection.prepareStatement(
            "SELECT 1 FROM flow_task_runs WHERE flow = ? AND run_id = ? AND task_id = ?"
                + " AND state = 'queued' AND tries = ?")) {
      RunStore.bind(queued, flow, runId, taskId, tries);
      try (ResultSet rows = queued.executeQuery()) {
        return rows.next() ? RunStore.Claim.POOL_FULL : RunStore.Claim.NOT_QUEUED;
      }
    }
  }

  private static RunStore.Claim claimLocked(
      Connection connection,
      String flow,
      String runId,
      String taskId,
      int tries,
      String pool,
      int slots,
      Instant now,
      String node)
      throws SQLException {
    connection.setAutoCommit(false);
    try (PreparedStatement lock =
            connection.prepareStatement(
                "INSERT INTO flow_pools (name, slots) VALUES (?, ?)"
                    + " ON CONFLICT (name) DO UPDATE SET slots = excluded.slots");
        PreparedStatement count =
            connection.prepareStatement(
                "SELECT COUNT(*) FROM flow_task_runs WHERE pool = ? AND state = 'running'");
        PreparedStatement update = connection.prepareStatement(CLAIM)) {
      RunStore.bind(lock, pool, slots);
      lock.executeUpdate();
      count.setString(1, pool);
      int running;
      try (ResultSet rows = count.executeQuery()) {
        rows.next();
        running = rows.getInt(1);
      }
      if (running >= slots) {
        connection.rollback();
        return RunStore.Claim.POOL_FULL;
      }
      RunStore.bind(update, now.toEpochMilli(), node, flow, runId, taskId, tries);
      if (update.executeUpdate() == 0) {
        connection.rollback();
        return RunStore.Claim.NOT_QUEUED;
      }
      connection.commit();
      return RunStore.Claim.CLAIMED;
    } catch (SQLException e) {
      connection.rollback();
      throw e;
    }
  }
}
