package io.tributary.flow.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/**
 * How {@link RunStore} starts a try under its pool's limit: the task moves from queued to running
 * and its try is counted only while the pool's running tries are fewer than its slots. On SQLite
 * that is one statement (a write statement holds the database's write lock from its start, its
 * count included); on PostgreSQL one transaction that first locks the pool's row in {@code
 * flow_pools}, so concurrent claims of a pool, on any node, wait for each other.
 */
final class TryClaims {
  private static final String CLAIM =
      "UPDATE flow_task_runs SET state = 'running', tries = tries + 1, started_ms = ?, node = ?,"
          + " ended_ms = NULL, next_try_ms = NULL WHERE flow = ? AND run_id = ? AND task_id = ?"
          + " AND state = 'queued' AND tries = ?";

  private TryClaims() {}

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
