package io.tributary.query.workbench;

import io.tributary.core.migrate.SchemaMigrations;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Each user's workbench history in the metadata database's {@code query_history} table (component
 * {@code query-history}): who ran what, when, for how long, and the rows or the error. A user reads
 * only their own entries; the newest {@code keepPerUser} of each user are kept. Thread-safe.
 */
public final class QueryHistory {
  /** The longest statement text kept; longer ones are cut. */
  public static final int MAX_SQL_CHARS = 20_000;

  /** The longest error message kept. */
  public static final int MAX_ERROR_CHARS = 2_000;

  private final Supplier<Connection> db;
  private final int keepPerUser;

  /** Migrates the table and keeps the newest {@code keepPerUser} entries per user. */
  public QueryHistory(Supplier<Connection> db, int keepPerUser) {
    this.db = Objects.requireNonNull(db, "db is null");
    if (keepPerUser < 1) {
      throw new IllegalArgumentException(
          "Invalid query history size: " + keepPerUser + " (must be >= 1)");
    }
    this.keepPerUser = keepPerUser;
    SchemaMigrations.apply(db, "query-history");
  }

  /** Records a statement that answered {@code rows} rows. */
  public HistoryEntry succeeded(
      String user, String sql, Instant startedAt, long millis, long rows) {
    return record(
        new HistoryEntry(newId(), user, cut(sql, MAX_SQL_CHARS), startedAt, millis, rows, null));
  }

  /** Records a statement that failed with {@code error}. */
  public HistoryEntry failed(
      String user, String sql, Instant startedAt, long millis, String error) {
    return record(
        new HistoryEntry(
            newId(),
            user,
            cut(sql, MAX_SQL_CHARS),
            startedAt,
            millis,
            null,
            cut(error == null || error.isBlank() ? "Query failed" : error, MAX_ERROR_CHARS)));
  }

  private static String newId() {
    return UUID.randomUUID().toString();
  }

  private static String cut(String text, int max) {
    Objects.requireNonNull(text, "text is null");
    return text.length() <= max ? text : text.substring(0, max);
  }

  private HistoryEntry record(HistoryEntry entry) {
    try (Connection connection = db.get()) {
      try (PreparedStatement insert =
          connection.prepareStatement(
              "INSERT INTO query_history (id, user_name, sql_text, started_at, duration_ms,"
                  + " row_count, error) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
        insert.setString(1, entry.id());
        insert.setString(2, entry.user());
        insert.setString(3, entry.sql());
        insert.setLong(4, entry.startedAt().toEpochMilli());
        insert.setLong(5, entry.durationMillis());
        if (entry.rows() == null) {
          insert.setNull(6, Types.BIGINT);
        } else {
          insert.setLong(6, entry.rows());
        }
        insert.setString(7, entry.error());
        insert.executeUpdate();
      }
      try (PreparedStatement prune =
          connection.prepareStatement(
              "DELETE FROM query_history WHERE user_name = ? AND id NOT IN (SELECT id FROM"
                  + " (SELECT id FROM query_history WHERE user_name = ? ORDER BY started_at DESC,"
                  + " id DESC LIMIT ?) newest)")) {
        prune.setString(1, entry.user());
        prune.setString(2, entry.user());
        prune.setInt(3, keepPerUser);
        prune.executeUpdate();
      }
      return entry;
    } catch (SQLException e) {
      throw new IllegalStateException(
          "Cannot record the query history of user " + entry.user() + ": " + e.getMessage(), e);
    }
  }

  /** The newest {@code limit} entries of {@code user}, newest first. */
  public List<HistoryEntry> list(String user, int limit) {
    Objects.requireNonNull(user, "user is null");
    if (limit < 1) {
      throw new IllegalArgumentException("Invalid limit: " + limit + " (must be >= 1)");
    }
    try (Connection connection = db.get();
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT id, user_name, sql_text, started_at, duration_ms, row_count, error FROM"
                    + " query_history WHERE user_name = ? ORDER BY started_at DESC, id DESC"
                    + " LIMIT ?")) {
      select.setString(1, user);
      select.setInt(2, limit);
      List<HistoryEntry> entries = new ArrayList<>();
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          long count = rows.getLong(6);
          Long rowCount = rows.wasNull() ? null : count;
          entries.add(
              new HistoryEntry(
                  rows.getString(1),
                  rows.getString(2),
                  rows.getString(3),
                  Instant.ofEpochMilli(rows.getLong(4)),
                  rows.getLong(5),
                  rowCount,
                  rows.getString(7)));
        }
      }
      return entries;
    } catch (SQLException e) {
      throw new IllegalStateException(
          "Cannot read the query history of user " + user + ": " + e.getMessage(), e);
    }
  }
}
