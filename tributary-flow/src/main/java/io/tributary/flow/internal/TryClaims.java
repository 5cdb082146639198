package io.tributary.flow.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Map;

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

  private TryClaims() {}

  /**
   * Installs (or replaces) the trigger {@value #PICK_TRIGGER} on SQLite, in one transaction taken
   * with the write lock first, so nodes starting at once do not fail each other.
   */
  static void installPickTrigger(Connection connection) throws SQLException {
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
  static void writePools(Connection connection, Map<String, Integer> slots) throws SQLException {
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

  static RunStore.Claim claimAtOnce(
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

  static RunStore.Claim claimLocked(
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
