package io.tributary.lake;

import io.tributary.core.migrate.SchemaMigrations;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A table {@code (name, spec, updated_at)} of the metadata database holding one JSON spec per name,
 * for the registries of streams, topics, functions and crawlers. Thread-safe; each call gets and
 * closes its own connection.
 */
public final class SpecTable {
  private final Supplier<Connection> metadataDb;
  private final String table;
  private final String what;

  /** Creates the table if missing. {@code what} names an entry in errors, e.g. "function". */
  public SpecTable(Supplier<Connection> metadataDb, String table, String what) {
    this.metadataDb = Objects.requireNonNull(metadataDb, "metadataDb is null");
    this.table = Objects.requireNonNull(table, "table is null");
    this.what = Objects.requireNonNull(what, "what is null");
    SchemaMigrations.apply(metadataDb, "spec-table/" + table, "spec-table", Map.of("table", table));
  }

  /** Every entry, name to JSON text. */
  public Map<String, String> readAll() {
    Map<String, String> result = new LinkedHashMap<>();
    try (Connection connection = metadataDb.get();
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT name, spec FROM " + table)) {
      while (rows.next()) {
        result.put(rows.getString(1), rows.getString(2));
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot read table " + table + ": " + e.getMessage(), e);
    }
    return result;
  }

  /** Inserts or replaces the entry. */
  public void write(String name, String json, long nowMillis) {
    try (Connection connection = metadataDb.get()) {
      boolean autoCommit = connection.getAutoCommit();
      connection.setAutoCommit(false);
      try (PreparedStatement update =
              connection.prepareStatement(
                  "UPDATE " + table + " SET spec = ?, updated_at = ? WHERE name = ?");
          PreparedStatement insert =
              connection.prepareStatement(
                  "INSERT INTO " + table + " (name, spec, updated_at) VALUES (?, ?, ?)")) {
        update.setString(1, json);
        update.setLong(2, nowMillis);
        update.setString(3, name);
        if (update.executeUpdate() == 0) {
          insert.setString(1, name);
          insert.setString(2, json);
          insert.setLong(3, nowMillis);
          insert.executeUpdate();
        }
        connection.commit();
      } catch (SQLException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(autoCommit);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(
          "Cannot save " + what + " '" + name + "' in " + table + ": " + e.getMessage(), e);
    }
  }

  /** Deletes the entry, if any. */
  public void delete(String name) {
    try (Connection connection = metadataDb.get();
        PreparedStatement delete =
            connection.prepareStatement("DELETE FROM " + table + " WHERE name = ?")) {
      delete.setString(1, name);
      delete.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(
          "Cannot delete " + what + " '" + name + "' from " + table + ": " + e.getMessage(), e);
    }
  }
}
