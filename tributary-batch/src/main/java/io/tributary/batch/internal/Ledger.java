package io.tributary.batch.internal;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.core.migrate.SchemaMigrations;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.util.SnapshotUtil;

/**
 * What each table holds of the landing zone: one row per (table, source file) in table {@code
 * tributary_crawl_ledger}, with the version (size, modification time) and the data files holding
 * its rows.
 *
 * <p>The Iceberg snapshots are the truth: the commit that adds a file's rows records the file in
 * its summary ({@value #FILES}), a commit that removes rows records the paths ({@value #REMOVED}).
 * {@link #reconcile} brings the database rows up to the table's snapshots before every run, so a
 * crash between an Iceberg commit and the ledger update neither loses nor repeats a file. The
 * database keeps what expired snapshots no longer tell.
 */
public final class Ledger {
  /** Snapshot summary key: JSON list of the source files whose rows the snapshot adds. */
  public static final String FILES = "tributary.crawl.files";

  /** Snapshot summary key: JSON list of source file paths whose rows the snapshot removes. */
  public static final String REMOVED = "tributary.crawl.removed";

  /** Snapshot summary key: the crawl run that made the snapshot. */
  public static final String RUN = "tributary.crawl.run";

  private static final String TABLE = "tributary_crawl_ledger";
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One source file version held by a table.
   *
   * @param path {@code <source>/<path under the source folder>}
   * @param dataFiles the table's data files holding its rows
   */
  public record Entry(String path, long size, long modified, List<String> dataFiles) {
    public Entry {
      Objects.requireNonNull(path, "path is null");
      dataFiles = List.copyOf(dataFiles);
    }

    boolean sameVersion(long otherSize, long otherModified) {
      return size == otherSize && modified == otherModified;
    }
  }

  /** A ledger row: the entry, the crawler that loaded it, and whether the file is gone. */
  public record Row(String table, String crawler, Entry entry, boolean removed) {}

  private final Supplier<Connection> metadataDb;

  public Ledger(Supplier<Connection> metadataDb) {
    this.metadataDb = Objects.requireNonNull(metadataDb, "metadataDb is null");
    SchemaMigrations.apply(metadataDb, "crawl-ledger");
  }

  /** The summary value recording {@code entries}. */
  public static String filesSummary(Collection<Entry> entries) {
    try {
      return JSON.writeValueAsString(entries);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The summary value recording removed {@code paths}. */
  public static String removedSummary(Collection<String> paths) {
    try {
      return JSON.writeValueAsString(paths);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * What the snapshots of {@code table} say about source files, newest statement per path first
   * seen: a present value is the version the table holds, an empty one means its rows were removed.
   */
  public static Map<String, Optional<Entry>> fromSnapshots(Table table) {
    Map<String, Optional<Entry>> latest = new LinkedHashMap<>();
    if (table.currentSnapshot() == null) {
      return latest;
    }
    for (Snapshot snapshot : SnapshotUtil.currentAncestors(table)) {
      Map<String, String> summary = snapshot.summary();
      try {
        String files = summary.get(FILES);
        if (files != null) {
          for (Entry entry : JSON.readValue(files, new TypeReference<List<Entry>>() {})) {
            latest.putIfAbsent(entry.path(), Optional.of(entry));
          }
        }
        String removed = summary.get(REMOVED);
        if (removed != null) {
          for (String path : JSON.readValue(removed, new TypeReference<List<String>>() {})) {
            latest.putIfAbsent(path, Optional.empty());
          }
        }
      } catch (IOException e) {
        throw new IllegalStateException(
            "Unreadable crawl summary in snapshot "
                + snapshot.snapshotId()
                + " of "
                + table.name()
                + ": "
                + e.getMessage(),
            e);
      }
    }
    return latest;
  }

  /**
   * Brings the rows of {@code tableName} up to what its snapshots say; with {@code table} absent
   * (dropped), forgets every row of it.
   */
  public void reconcile(String tableName, String crawler, Optional<Table> table) {
    if (table.isEmpty()) {
      execute("DELETE FROM " + TABLE + " WHERE table_name = ?", tableName);
      return;
    }
    Map<String, Optional<Entry>> truth = fromSnapshots(table.get());
    if (truth.isEmpty()) {
      return;
    }
    Map<String, Row> rows = new HashMap<>();
    for (Row row : rows(tableName)) {
      rows.put(row.entry().path(), row);
    }
    List<Entry> put = new ArrayList<>();
    List<String> delete = new ArrayList<>();
    truth.forEach(
        (path, entry) -> {
          Row row = rows.get(path);
          if (entry.isPresent()) {
            if (row == null || !row.entry().equals(entry.get())) {
              put.add(entry.get());
            }
          } else if (row != null) {
            delete.add(path);
          }
        });
    if (!put.isEmpty()) {
      record(tableName, crawler, put);
    }
    if (!delete.isEmpty()) {
      forget(tableName, delete);
    }
  }

  /** Every row of {@code tableName}. */
  public List<Row> rows(String tableName) {
    return query("SELECT * FROM " + TABLE + " WHERE table_name = ?", tableName);
  }

  /** Every row loaded by {@code crawler}. */
  public List<Row> rowsOfCrawler(String crawler) {
    return query("SELECT * FROM " + TABLE + " WHERE crawler = ?", crawler);
  }

  /** The tables {@code crawler} has loaded files into. */
  public List<String> tablesOf(String crawler) {
    List<String> tables = new ArrayList<>();
    try (Connection connection = metadataDb.get();
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT DISTINCT table_name FROM " + TABLE + " WHERE crawler = ?")) {
      select.setString(1, crawler);
      try (ResultSet result = select.executeQuery()) {
        while (result.next()) {
          tables.add(result.getString(1));
        }
      }
    } catch (SQLException e) {
      throw failure(e);
    }
    return tables;
  }

  /** Records that {@code tableName} holds {@code entries} (after their commit). */
  public void record(String tableName, String crawler, Collection<Entry> entries) {
    try (Connection connection = metadataDb.get()) {
      boolean autoCommit = connection.getAutoCommit();
      connection.setAutoCommit(false);
      try (PreparedStatement delete =
              connection.prepareStatement(
                  "DELETE FROM " + TABLE + " WHERE table_name = ? AND path = ?");
          PreparedStatement insert =
              connection.prepareStatement(
                  "INSERT INTO "
                      + TABLE
                      + " (table_name, path, crawler, size, modified, data_files, removed)"
                      + " VALUES (?, ?, ?, ?, ?, ?, 0)")) {
        for (Entry entry : entries) {
          delete.setString(1, tableName);
          delete.setString(2, entry.path());
          delete.executeUpdate();
          insert.setString(1, tableName);
          insert.setString(2, entry.path());
          insert.setString(3, crawler);
          insert.setLong(4, entry.size());
          insert.setLong(5, entry.modified());
          insert.setString(6, JSON.writeValueAsString(entry.dataFiles()));
          insert.executeUpdate();
        }
        connection.commit();
      } catch (SQLException | IOException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(autoCommit);
      }
    } catch (SQLException | IOException e) {
      throw new IllegalStateException("Cannot update " + TABLE + ": " + e.getMessage(), e);
    }
  }

  /** Forgets {@code paths} of {@code tableName} (their rows were removed). */
  public void forget(String tableName, Collection<String> paths) {
    for (String path : paths) {
      execute("DELETE FROM " + TABLE + " WHERE table_name = ? AND path = ?", tableName, path);
    }
  }

  /** Marks {@code path} of {@code tableName} gone from the landing zone, or back. */
  public void markRemoved(String tableName, String path, boolean removed) {
    try (Connection connection = metadataDb.get();
        PreparedStatement update =
            connection.prepareStatement(
                "UPDATE " + TABLE + " SET removed = ? WHERE table_name = ? AND path = ?")) {
      update.setInt(1, removed ? 1 : 0);
      update.setString(2, tableName);
      update.setString(3, path);
      update.executeUpdate();
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  private void execute(String sql, String... parameters) {
    try (Connection connection = metadataDb.get();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        statement.setString(i + 1, parameters[i]);
      }
      statement.executeUpdate();
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  private List<Row> query(String sql, String parameter) {
    List<Row> rows = new ArrayList<>();
    try (Connection connection = metadataDb.get();
        PreparedStatement select = connection.prepareStatement(sql)) {
      select.setString(1, parameter);
      try (ResultSet result = select.executeQuery()) {
        while (result.next()) {
          List<String> dataFiles =
              JSON.readValue(result.getString("data_files"), new TypeReference<List<String>>() {});
          rows.add(
              new Row(
                  result.getString("table_name"),
                  result.getString("crawler"),
                  new Entry(
                      result.getString("path"),
                      result.getLong("size"),
                      result.getLong("modified"),
                      dataFiles),
                  result.getInt("removed") != 0));
        }
      }
    } catch (SQLException | IOException e) {
      throw new IllegalStateException("Cannot read " + TABLE + ": " + e.getMessage(), e);
    }
    return rows;
  }

  private static IllegalStateException failure(SQLException e) {
    return new IllegalStateException("Cannot access " + TABLE + ": " + e.getMessage(), e);
  }
}
