package io.tributary.reports;

import io.tributary.core.migrate.SchemaMigrations;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The history of report runs in the metadata database (tables {@code report_runs} and {@code
 * report_deliveries}, one row per target); SQL common to SQLite and PostgreSQL.
 */
public final class ReportHistory {
  private static final int MAX_ERROR = 10_000;

  private final Supplier<Connection> db;

  public ReportHistory(Supplier<Connection> db) {
    this.db = Objects.requireNonNull(db, "db is null");
    SchemaMigrations.apply(db, "reports");
  }

  /** Records {@code run} and its deliveries in one transaction. */
  public void record(ReportRun run) {
    try (Connection connection = db.get()) {
      boolean autoCommit = connection.getAutoCommit();
      connection.setAutoCommit(false);
      try (PreparedStatement insertRun =
              connection.prepareStatement(
                  "INSERT INTO report_runs (run_id, report, ds, started_ms, finished_ms, outcome,"
                      + " error, started_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
          PreparedStatement insertDelivery =
              connection.prepareStatement(
                  "INSERT INTO report_deliveries (run_id, position, target, outcome, attempts,"
                      + " error, file_path) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
        insertRun.setString(1, run.runId());
        insertRun.setString(2, run.report());
        insertRun.setString(3, run.ds());
        insertRun.setLong(4, run.startedAt().toEpochMilli());
        insertRun.setLong(5, run.finishedAt().toEpochMilli());
        insertRun.setString(6, run.outcome().label());
        insertRun.setString(7, run.error().map(ReportHistory::cut).orElse(null));
        insertRun.setString(8, run.startedBy());
        insertRun.executeUpdate();
        for (int i = 0; i < run.deliveries().size(); i++) {
          DeliveryOutcome delivery = run.deliveries().get(i);
          insertDelivery.setString(1, run.runId());
          insertDelivery.setInt(2, i);
          insertDelivery.setString(3, delivery.target());
          insertDelivery.setString(4, delivery.status().label());
          insertDelivery.setInt(5, delivery.attempts());
          insertDelivery.setString(6, delivery.error().map(ReportHistory::cut).orElse(null));
          insertDelivery.setString(7, delivery.path().orElse(null));
          insertDelivery.executeUpdate();
        }
        connection.commit();
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(autoCommit);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(
          "Cannot record run " + run.runId() + " of report " + run.report() + ": " + e.getMessage(),
          e);
    }
  }

  private static String cut(String text) {
    return text.length() > MAX_ERROR ? text.substring(0, MAX_ERROR) : text;
  }

  /** The latest {@code limit} runs of {@code report}, newest first. */
  public List<ReportRun> runs(String report, int limit) {
    List<ReportRun> runs = new ArrayList<>();
    try (Connection connection = db.get();
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT run_id, ds, started_ms, finished_ms, outcome, error, started_by FROM"
                    + " report_runs WHERE report = ? ORDER BY started_ms DESC, run_id DESC LIMIT"
                    + " ?");
        PreparedStatement deliveries =
            connection.prepareStatement(
                "SELECT target, outcome, attempts, error, file_path FROM report_deliveries"
                    + " WHERE run_id = ? ORDER BY position")) {
      select.setString(1, report);
      select.setInt(2, limit);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          String runId = rows.getString(1);
          deliveries.setString(1, runId);
          List<DeliveryOutcome> targets = new ArrayList<>();
          try (ResultSet targetRows = deliveries.executeQuery()) {
            while (targetRows.next()) {
              targets.add(
                  new DeliveryOutcome(
                      targetRows.getString(1),
                      DeliveryOutcome.Status.valueOf(
                          targetRows.getString(2).toUpperCase(Locale.ROOT)),
                      targetRows.getInt(3),
                      Optional.ofNullable(targetRows.getString(4)),
                      Optional.ofNullable(targetRows.getString(5))));
            }
          }
          runs.add(
              new ReportRun(
                  runId,
                  report,
                  rows.getString(2),
                  Instant.ofEpochMilli(rows.getLong(3)),
                  Instant.ofEpochMilli(rows.getLong(4)),
                  ReportRun.Outcome.ofLabel(rows.getString(5)),
                  Optional.ofNullable(rows.getString(6)),
                  rows.getString(7),
                  targets));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(
          "Cannot read the history of report " + report + ": " + e.getMessage(), e);
    }
    return runs;
  }
}
