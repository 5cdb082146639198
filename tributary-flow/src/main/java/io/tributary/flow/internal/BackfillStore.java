package io.tributary.flow.internal;

import io.tributary.core.migrate.SchemaMigrations;
import io.tributary.flow.BackfillState;
import io.tributary.flow.FlowBackfill;
import io.tributary.flow.RunState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Backfills in the metadata database: each with the logical dates of its runs, so that a backfill
 * whose runs were still being created when the platform stopped creates the rest at the next start,
 * and its progress is read from the states of its runs. SQL common to SQLite and PostgreSQL.
 */
public final class BackfillStore {
  private final Supplier<Connection> db;

  public BackfillStore(Supplier<Connection> db) {
    this.db = Objects.requireNonNull(db, "db is null");
    SchemaMigrations.apply(db, "flow-backfills");
  }

  private static IllegalStateException failure(String what, SQLException e) {
    return new IllegalStateException("Cannot " + what + ": " + e.getMessage(), e);
  }

  /** A backfill whose runs are still being created: its flow and the logical dates of its runs. */
  public record Creating(String id, String flow, List<Instant> dates) {
    public Creating {
      dates = List.copyOf(dates);
    }
  }

  /** Records a new backfill, {@code creating} its runs at {@code dates}, in one transaction. */
  public void create(
      String id, String flow, String from, String to, List<Instant> dates, Instant now) {
    try (Connection connection = db.get()) {
      connection.setAutoCommit(false);
      try (PreparedStatement insert =
              connection.prepareStatement(
                  "INSERT INTO flow_backfills (id, flow, from_text, to_text, state, created_ms,"
                      + " runs) VALUES (?, ?, ?, ?, ?, ?, ?)");
          PreparedStatement runs =
              connection.prepareStatement(
                  "INSERT INTO flow_backfill_runs (backfill_id, run_id, logical_ms)"
                      + " VALUES (?, ?, ?)")) {
        insert.setString(1, id);
        insert.setString(2, flow);
        insert.setString(3, from);
        insert.setString(4, to);
        insert.setString(5, BackfillState.CREATING.label());
        insert.setLong(6, now.toEpochMilli());
        insert.setInt(7, dates.size());
        insert.executeUpdate();
        for (Instant date : dates) {
          runs.setString(1, id);
          runs.setString(2, RunIds.of(date));
          runs.setLong(3, date.toEpochMilli());
          runs.addBatch();
        }
        runs.executeBatch();
        connection.commit();
      } catch (SQLException e) {
        connection.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw failure("record backfill " + id + " of flow " + flow, e);
    }
  }

  /**
   * Moves a backfill from state {@code from} to {@code to}; false if it was not in {@code from}.
   */
  public boolean move(String id, BackfillState from, BackfillState to) {
    try (Connection connection = db.get()) {
      return move(connection, id, from, to);
    } catch (SQLException e) {
      throw failure("update backfill " + id, e);
    }
  }

  private static boolean move(
      Connection connection, String id, BackfillState from, BackfillState to) throws SQLException {
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE flow_backfills SET state = ? WHERE id = ? AND state = ?")) {
      update.setString(1, to.label());
      update.setString(2, id);
      update.setString(3, from.label());
      return update.executeUpdate() > 0;
    }
  }

  /** The backfills whose runs are still being created, oldest first. */
  public List<Creating> creating() {
    try (Connection connection = db.get();
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT b.id, b.flow, r.logical_ms FROM flow_backfills b JOIN flow_backfill_runs r"
                    + " ON r.backfill_id = b.id WHERE b.state = ?"
                    + " ORDER BY b.created_ms, b.id, r.logical_ms")) {
      select.setString(1, BackfillState.CREATING.label());
      List<Creating> found = new ArrayList<>();
      String id = null;
      String flow = null;
      List<Instant> dates = new ArrayList<>();
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          if (!rows.getString(1).equals(id)) {
            if (id != null) {
              found.add(new Creating(id, flow, dates));
            }
            id = rows.getString(1);
            flow = rows.getString(2);
            dates = new ArrayList<>();
          }
          dates.add(Instant.ofEpochMilli(rows.getLong(3)));
        }
      }
      if (id != null) {
        found.add(new Creating(id, flow, dates));
      }
      return found;
    } catch (SQLException e) {
      throw failure("read the backfills being created", e);
    }
  }

  /**
   * The backfills of {@code flow}, newest first, at most {@code limit}, with their progress; a
   * backfill whose runs all ended is recorded as such on the way (and running again if one of them
   * is re-run).
   */
  public List<FlowBackfill> list(String flow, int limit) {
    try (Connection connection = db.get()) {
      List<FlowBackfill> stored = new ArrayList<>();
      try (PreparedStatement select =
          connection.prepareStatement(
              "SELECT id, from_text, to_text, state, created_ms, runs FROM flow_backfills"
                  + " WHERE flow = ? ORDER BY created_ms DESC, id DESC LIMIT "
                  + Math.max(0, limit))) {
        select.setString(1, flow);
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            stored.add(
                new FlowBackfill(
                    rows.getString(1),
                    flow,
                    rows.getString(2),
                    rows.getString(3),
                    BackfillState.of(rows.getString(4)),
                    Instant.ofEpochMilli(rows.getLong(5)),
                    rows.getInt(6),
                    0,
                    0,
                    0,
                    0));
          }
        }
      }
      List<FlowBackfill> result = new ArrayList<>(stored.size());
      for (FlowBackfill backfill : stored) {
        result.add(withProgress(connection, backfill));
      }
      return result;
    } catch (SQLException e) {
      throw failure("read the backfills of flow " + flow, e);
    }
  }

  private FlowBackfill withProgress(Connection connection, FlowBackfill backfill)
      throws SQLException {
    Map<RunState, Integer> counts = new EnumMap<>(RunState.class);
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT r.state, COUNT(*) FROM flow_backfill_runs b JOIN flow_runs r"
                + " ON r.flow = ? AND r.run_id = b.run_id WHERE b.backfill_id = ?"
                + " GROUP BY r.state")) {
      select.setString(1, backfill.flow());
      select.setString(2, backfill.id());
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          counts.put(RunState.of(rows.getString(1)), rows.getInt(2));
        }
      }
    }
    int success = counts.getOrDefault(RunState.SUCCESS, 0);
    int failed = counts.getOrDefault(RunState.FAILED, 0);
    BackfillState state = backfill.state();
    if (state != BackfillState.CREATING) {
      BackfillState now =
          success + failed < backfill.runs()
              ? BackfillState.RUNNING
              : failed > 0 ? BackfillState.FAILED : BackfillState.SUCCESS;
      if (now != state && move(connection, backfill.id(), state, now)) {
        state = now;
      }
    }
    return new FlowBackfill(
        backfill.id(),
        backfill.flow(),
        backfill.from(),
        backfill.to(),
        state,
        backfill.createdAt(),
        backfill.runs(),
        counts.getOrDefault(RunState.QUEUED, 0),
        counts.getOrDefault(RunState.RUNNING, 0),
        success,
        failed);
  }
}
