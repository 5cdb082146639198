package io.tributary.flow.internal;

import io.tributary.core.migrate.SchemaMigrations;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The version of the flow definitions stored in the metadata database (table {@code
 * flow_definitions}, one row): every change made through the API (put, delete, pause, unpause)
 * counts it up, and every node sharing the database polls it to reload the stored flows when it
 * moved. SQL common to SQLite and PostgreSQL.
 */
public final class DefinitionsVersion {
  private final Supplier<Connection> db;

  public DefinitionsVersion(Supplier<Connection> db) {
    this.db = Objects.requireNonNull(db, "db is null");
    SchemaMigrations.apply(db, "flow-definitions");
  }

  private static IllegalStateException failure(String what, SQLException e) {
    return new IllegalStateException("Cannot " + what + ": " + e.getMessage(), e);
  }

  /** The current version. */
  public long current() {
    try (Connection connection = db.get();
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT version FROM flow_definitions")) {
      return rows.next() ? rows.getLong(1) : 0;
    } catch (SQLException e) {
      throw failure("read the version of the flow definitions", e);
    }
  }

  /** Counts the version up: the stored definitions changed. */
  public void changed() {
    try (Connection connection = db.get();
        PreparedStatement update =
            connection.prepareStatement(
                "UPDATE flow_definitions SET version = version + 1 WHERE id = 1")) {
      update.executeUpdate();
    } catch (SQLException e) {
      throw failure("count up the version of the flow definitions", e);
    }
  }
}
