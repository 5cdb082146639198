package io.tributary.experiments;

import io.tributary.core.migrate.SchemaMigrations;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The experiments in the metadata database (table {@code experiments}): each one's definition as
 * submitted (YAML or JSON text), where it came from, and when it was stopped. SQL common to SQLite
 * and PostgreSQL.
 */
final class ExperimentStore {
  /** One stored experiment. */
  record Row(String name, String definition, String source, Long stoppedMillis) {}

  private final Supplier<Connection> db;

  ExperimentStore(Supplier<Connection> db) {
    this.db = Objects.requireNonNull(db, "db is null");
    SchemaMigrations.apply(db, "experiments");
  }

  private static IllegalStateException failure(String what, SQLException e) {
    return new IllegalStateException("Cannot " + what + ": " + e.getMessage(), e);
  }

  void put(Row row, long nowMillis) {
    try (Connection connection = db.get();
        PreparedStatement upsert =
            connection.prepareStatement(
                "INSERT INTO experiments (name, definition, source, stopped_ms, updated_ms)"
                    + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET"
                    + " definition = excluded.definition, source = excluded.source,"
                    + " stopped_ms = excluded.stopped_ms, updated_ms = excluded.updated_ms")) {
      upsert.setString(1, row.name());
      upsert.setString(2, row.definition());
      upsert.setString(3, row.source());
      if (row.stoppedMillis() == null) {
        upsert.setNull(4, Types.BIGINT);
      } else {
        upsert.setLong(4, row.stoppedMillis());
      }
      upsert.setLong(5, nowMillis);
      upsert.executeUpdate();
    } catch (SQLException e) {
      throw failure("store experiment " + row.name(), e);
    }
  }

  Optional<Row> get(String name) {
    try (Connection connection = db.get();
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT name, definition, source, stopped_ms FROM experiments WHERE name = ?")) {
      select.setString(1, name);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next() ? Optional.of(row(rows)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw failure("read experiment " + name, e);
    }
  }

  List<Row> list() {
    List<Row> list = new ArrayList<>();
    try (Connection connection = db.get();
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT name, definition, source, stopped_ms FROM experiments ORDER BY name")) {
      while (rows.next()) {
        list.add(row(rows));
      }
    } catch (SQLException e) {
      throw failure("read the experiments", e);
    }
    return list;
  }

  boolean delete(String name) {
    try (Connection connection = db.get();
        PreparedStatement delete =
            connection.prepareStatement("DELETE FROM experiments WHERE name = ?")) {
      delete.setString(1, name);
      return delete.executeUpdate() > 0;
    } catch (SQLException e) {
      throw failure("delete experiment " + name, e);
    }
  }

  private static Row row(ResultSet rows) throws SQLException {
    String name = rows.getString(1);
    String definition = rows.getString(2);
    String source = rows.getString(3);
    long stopped = rows.getLong(4);
    return new Row(name, definition, source, rows.wasNull() ? null : stopped);
  }
}
