package io.tributary.access.secrets;

import io.tributary.core.migrate.SchemaMigrations;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The secret store's tables in the metadata database: {@code secrets} (one row per secret: its
 * schedule and last rotation), {@code secret_versions} (the sealed versions that have a stage) and
 * {@code secret_master_check} (a constant sealed under the master key, to recognise a wrong key at
 * start). SQL common to SQLite and PostgreSQL.
 */
final class SecretTable {
  /** A stored version. */
  record Row(String name, long version, Stage stage, Instant createdAt, Envelope.Sealed sealed) {}

  /** Work done in one transaction. */
  @FunctionalInterface
  interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  private final Supplier<Connection> db;

  SecretTable(Supplier<Connection> db) {
    this.db = Objects.requireNonNull(db, "db is null");
    SchemaMigrations.apply(db, "secrets");
  }

  <T> T inTransaction(String what, Work<T> work) {
    try (Connection connection = db.get()) {
      connection.setAutoCommit(false);
      try {
        T result = work.run(connection);
        connection.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot " + what + ": " + e.getMessage(), e);
    }
  }

  /** The sealed check value, if the store has been opened with a master key before. */
  Optional<Envelope.Sealed> masterCheck() {
    return inTransaction(
        "read the master key check",
        connection -> {
          try (Statement statement = connection.createStatement();
              ResultSet rows =
                  statement.executeQuery(
                      "SELECT wrapped_key, sealed_value FROM secret_master_check WHERE id = 1")) {
            return rows.next()
                ? Optional.of(new Envelope.Sealed(rows.getString(1), rows.getString(2)))
                : Optional.empty();
          }
        });
  }

  /** Saves the check value of a new master key, replacing any other. */
  void saveMasterCheck(Envelope.Sealed sealed) {
    inTransaction(
        "save the master key check",
        connection -> {
          execute(connection, "DELETE FROM secret_master_check");
          return execute(
              connection,
              "INSERT INTO secret_master_check (id, wrapped_key, sealed_value) VALUES (1, ?, ?)",
              sealed.wrappedKey(),
              sealed.value());
        });
  }

  /** How many sealed versions the store holds. */
  long versionCount() {
    return inTransaction(
        "count the secret versions",
        connection -> {
          try (Statement statement = connection.createStatement();
              ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM secret_versions")) {
            rows.next();
            return rows.getLong(1);
          }
        });
  }

  /** The staged versions of {@code name} (all secrets when null), newest first. */
  static List<Row> versions(Connection connection, String name) throws SQLException {
    List<Row> versions = new ArrayList<>();
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT name, version, stage, created_ms, wrapped_key, sealed_value"
                + " FROM secret_versions"
                + (name == null ? "" : " WHERE name = ?")
                + " ORDER BY name, version DESC")) {
      if (name != null) {
        select.setString(1, name);
      }
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          versions.add(
              new Row(
                  rows.getString(1),
                  rows.getLong(2),
                  Stage.of(rows.getString(3)),
                  Instant.ofEpochMilli(rows.getLong(4)),
                  new Envelope.Sealed(rows.getString(5), rows.getString(6))));
        }
      }
    }
    return versions;
  }

  List<Row> versions(String name) {
    return inTransaction("read secret " + name, connection -> versions(connection, name));
  }

  /** The infos of {@code name} (all secrets when null), by name. */
  List<SecretInfo> infos(String name) {
    return inTransaction(
        "read the secrets",
        connection -> {
          List<Row> versions = versions(connection, name);
          List<SecretInfo> infos = new ArrayList<>();
          try (PreparedStatement select =
              connection.prepareStatement(
                  "SELECT name, created_ms, rotate_every_ms, retry_after_ms, rotator,"
                      + " next_rotation_ms, last_rotation_ms, last_outcome, last_detail"
                      + " FROM secrets"
                      + (name == null ? "" : " WHERE name = ?")
                      + " ORDER BY name")) {
            if (name != null) {
              select.setString(1, name);
            }
            try (ResultSet rows = select.executeQuery()) {
              while (rows.next()) {
                String secret = rows.getString(1);
                long every = rows.getLong(3);
                Optional<RotationSchedule> rotation =
                    rows.wasNull()
                        ? Optional.empty()
                        : Optional.of(
                            new RotationSchedule(
                                Duration.ofMillis(every),
                                Duration.ofMillis(rows.getLong(4)),
                                rows.getString(5)));
                Optional<Instant> next = instant(rows, 6);
                Optional<Instant> last = instant(rows, 7);
                Optional<SecretInfo.RotationOutcome> outcome =
                    last.isEmpty()
                        ? Optional.empty()
                        : Optional.of(
                            new SecretInfo.RotationOutcome(
                                last.get(),
                                "success".equals(rows.getString(8)),
                                rows.getString(9)));
                infos.add(
                    new SecretInfo(
                        secret,
                        Instant.ofEpochMilli(rows.getLong(2)),
                        versions.stream()
                            .filter(v -> v.name().equals(secret))
                            .map(v -> new SecretInfo.Version(v.version(), v.stage(), v.createdAt()))
                            .toList(),
                        rotation,
                        next,
                        outcome));
              }
            }
          }
          return infos;
        });
  }

  private static Optional<Instant> instant(ResultSet rows, int column) throws SQLException {
    long value = rows.getLong(column);
    return rows.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(value));
  }

  /** Creates the secret's row if missing; returns its next version number. */
  static long nextVersion(Connection connection, String name, Instant now) throws SQLException {
    execute(
        connection,
        "INSERT INTO secrets (name, created_ms, last_version) VALUES (?, ?, 0)"
            + " ON CONFLICT (name) DO NOTHING",
        name,
        now.toEpochMilli());
    execute(connection, "UPDATE secrets SET last_version = last_version + 1 WHERE name = ?", name);
    try (PreparedStatement select =
        connection.prepareStatement("SELECT last_version FROM secrets WHERE name = ?")) {
      select.setString(1, name);
      try (ResultSet rows = select.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }

  static void insertVersion(Connection connection, Row row) throws SQLException {
    execute(
        connection,
        "INSERT INTO secret_versions (name, version, stage, created_ms, wrapped_key,"
            + " sealed_value) VALUES (?, ?, ?, ?, ?, ?)",
        row.name(),
        row.version(),
        row.stage().label(),
        row.createdAt().toEpochMilli(),
        row.sealed().wrappedKey(),
        row.sealed().value());
  }

  /** Destroys the versions of {@code name} in {@code stage}. */
  static void deleteStage(Connection connection, String name, Stage stage) throws SQLException {
    execute(
        connection,
        "DELETE FROM secret_versions WHERE name = ? AND stage = ?",
        name,
        stage.label());
  }

  /** Moves the version of {@code name} in stage {@code from} to stage {@code to}. */
  static void moveStage(Connection connection, String name, Stage from, Stage to)
      throws SQLException {
    execute(
        connection,
        "UPDATE secret_versions SET stage = ? WHERE name = ? AND stage = ?",
        to.label(),
        name,
        from.label());
  }

  /** Deletes the secret and its versions; whether it existed. */
  boolean delete(String name) {
    return inTransaction(
        "delete secret " + name,
        connection -> {
          execute(connection, "DELETE FROM secret_versions WHERE name = ?", name);
          return execute(connection, "DELETE FROM secrets WHERE name = ?", name) > 0;
        });
  }

  /** Sets or clears (null) the schedule, with its next rotation time. */
  boolean setRotation(String name, RotationSchedule schedule, Instant next) {
    return update(
            "UPDATE secrets SET rotate_every_ms = ?, retry_after_ms = ?, rotator = ?,"
                + " next_rotation_ms = ? WHERE name = ?",
            schedule == null ? null : schedule.every().toMillis(),
            schedule == null ? null : schedule.retryAfter().toMillis(),
            schedule == null ? null : schedule.rotator(),
            next == null ? null : next.toEpochMilli(),
            name)
        > 0;
  }

  /** Records how a rotation ended and when the next one is due (null: none). */
  void recordRotation(String name, SecretInfo.RotationOutcome outcome, Instant next) {
    update(
        "UPDATE secrets SET last_rotation_ms = ?, last_outcome = ?, last_detail = ?,"
            + " next_rotation_ms = ? WHERE name = ?",
        outcome.at().toEpochMilli(),
        outcome.succeeded() ? "success" : "failure",
        outcome.detail().length() > 2000 ? outcome.detail().substring(0, 2000) : outcome.detail(),
        next == null ? null : next.toEpochMilli(),
        name);
  }

  /** The secrets whose scheduled rotation is due at {@code now}, by name. */
  List<String> due(Instant now) {
    return inTransaction(
        "read the due rotations",
        connection -> {
          List<String> names = new ArrayList<>();
          try (PreparedStatement select =
              connection.prepareStatement(
                  "SELECT name FROM secrets WHERE next_rotation_ms IS NOT NULL"
                      + " AND next_rotation_ms <= ? ORDER BY name")) {
            select.setLong(1, now.toEpochMilli());
            try (ResultSet rows = select.executeQuery()) {
              while (rows.next()) {
                names.add(rows.getString(1));
              }
            }
          }
          return names;
        });
  }

  private int update(String sql, Object... args) {
    return inTransaction("update the secret tables", connection -> execute(connection, sql, args));
  }

  static int execute(Connection connection, String sql, Object... args) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        Object arg = args[i];
        if (arg == null) {
          statement.setNull(i + 1, Types.NULL);
        } else if (arg instanceof Long l) {
          statement.setLong(i + 1, l);
        } else {
          statement.setString(i + 1, arg.toString());
        }
      }
      return statement.executeUpdate();
    }
  }
}
