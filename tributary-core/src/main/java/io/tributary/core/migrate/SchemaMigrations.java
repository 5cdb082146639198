package io.tributary.core.migrate;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Applies a component's versioned migrations ({@link Migration}) to the metadata database (SQLite
 * or PostgreSQL) and records them in {@code schema_migrations(component, version, description,
 * checksum, applied_at)}.
 *
 * <p>Each migration runs in its own transaction under a lock (PostgreSQL: a transaction-scoped
 * advisory lock; SQLite: the database's write lock, taken at BEGIN IMMEDIATE), so nodes starting at
 * once apply each migration once. A database created before the migrations existed is baselined:
 * its component has no recorded version yet, so the highest version whose {@code baseline-when}
 * tables and columns all exist is recorded as applied with the ones before it. An applied migration
 * whose file changed since (another checksum) refuses the start, naming the file.
 */
public final class SchemaMigrations {
  /** The advisory lock's key on PostgreSQL: "tributary.schema_migrations". */
  private static final long LOCK_KEY = 0x7472_6962_7363_6d61L;

  private final Supplier<Connection> db;
  private final Clock clock;

  public SchemaMigrations(Supplier<Connection> db, Clock clock) {
    this.db = Objects.requireNonNull(db, "db is null");
    this.clock = Objects.requireNonNull(clock, "clock is null");
  }

  /** Applies the migrations under the resource folder {@code db/<component>}. */
  public static void apply(Supplier<Connection> db, String component) {
    apply(db, component, component, Map.of());
  }

  /**
   * Applies, as {@code component}, the migrations under the resource folder {@code db/<folder>}
   * with {@code placeholders} replaced (one folder serving several components, e.g. a table each).
   */
  public static void apply(
      Supplier<Connection> db, String component, String folder, Map<String, String> placeholders) {
    new SchemaMigrations(db, Clock.systemUTC())
        .apply(component, "db/" + folder, placeholders, SchemaMigrations.class.getClassLoader());
  }

  /**
   * Applies the migrations of {@code component} found under the resource {@code folder} of {@code
   * loader}, with {@code placeholders} replaced in their text.
   *
   * @return how many migrations this call applied (baselined ones excluded)
   * @throws IllegalStateException if a migration fails or an applied one changed
   */
  public int apply(
      String component, String folder, Map<String, String> placeholders, ClassLoader loader) {
    try (Connection connection = db.get()) {
      String dialect = dialect(connection);
      List<Migration> migrations = Migration.load(loader, folder, dialect, placeholders);
      Map<Integer, String> applied =
          inLock(connection, dialect, () -> prepare(connection, component, migrations));
      verify(component, migrations, applied);
      int count = 0;
      for (Migration migration : migrations) {
        if (!applied.containsKey(migration.version())
            && applyOne(connection, dialect, component, migration)) {
          count++;
        }
      }
      return count;
    } catch (SQLException e) {
      throw new IllegalStateException(
          "Cannot migrate the metadata schema of " + component + ": " + e.getMessage(), e);
    }
  }

  private static String dialect(Connection connection) throws SQLException {
    String product = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
    if (product.contains("postgres")) {
      return "postgresql";
    }
    if (product.contains("sqlite")) {
      return "sqlite";
    }
    if (product.contains("h2")) {
      return "h2";
    }
    throw new IllegalStateException("Unsupported metadata database: " + product);
  }

  private interface Work<T> {
    T run() throws SQLException;
  }

  /** Runs {@code work} in one transaction holding the migrations' lock. */
  private static <T> T inLock(Connection connection, String dialect, Work<T> work)
      throws SQLException {
    if (dialect.equals("sqlite")) {
      // the transaction takes SQLite's write lock before it reads anything, waiting in the busy
      // handler for another writer (a deferred one upgrading its read lock would fail instead)
      boolean autoCommit = connection.getAutoCommit();
      connection.setAutoCommit(true); // the driver's own deferred BEGIN would come first
      try (Statement statement = connection.createStatement()) {
        statement.execute("BEGIN IMMEDIATE");
        try {
          T result = work.run();
          statement.execute("COMMIT");
          return result;
        } catch (SQLException | RuntimeException e) {
          statement.execute("ROLLBACK");
          throw e;
        }
      } finally {
        connection.setAutoCommit(autoCommit);
      }
    }
    boolean autoCommit = connection.getAutoCommit();
    connection.setAutoCommit(false);
    try {
      if (dialect.equals("postgresql")) {
        try (Statement statement = connection.createStatement()) {
          statement.execute("SELECT pg_advisory_xact_lock(" + LOCK_KEY + ")");
        }
      }
      T result = work.run();
      connection.commit();
      return result;
    } catch (SQLException | RuntimeException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(autoCommit);
    }
  }

  /**
   * Creates the history table unless it exists, baselines the component when it has no version yet
   * and returns its applied versions with their checksums.
   */
  private Map<Integer, String> prepare(
      Connection connection, String component, List<Migration> migrations) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(
          "CREATE TABLE IF NOT EXISTS schema_migrations (component VARCHAR(255) NOT NULL,"
              + " version INTEGER NOT NULL, description VARCHAR(255) NOT NULL,"
              + " checksum VARCHAR(64) NOT NULL, applied_at BIGINT NOT NULL,"
              + " PRIMARY KEY (component, version))");
    }
    Map<Integer, String> applied = applied(connection, component);
    if (applied.isEmpty()) {
      int baseline = baselineVersion(connection, migrations);
      for (Migration migration : migrations.subList(0, baseline)) {
        record(connection, component, migration);
        applied.put(migration.version(), migration.checksum());
      }
    }
    return applied;
  }

  /**
   * The highest version whose {@code baseline-when} tables and columns all exist in a database
   * created before the migrations did; 0 for a fresh database.
   */
  private static int baselineVersion(Connection connection, List<Migration> migrations)
      throws SQLException {
    DatabaseMetaData metadata = connection.getMetaData();
    String schema = connection.getSchema();
    for (int i = migrations.size() - 1; i >= 0; i--) {
      Migration migration = migrations.get(i);
      if (!migration.baselineWhen().isEmpty() && allExist(metadata, schema, migration)) {
        return migration.version();
      }
    }
    return 0;
  }

  private static boolean allExist(DatabaseMetaData metadata, String schema, Migration migration)
      throws SQLException {
    for (String thing : migration.baselineWhen()) {
      int dot = thing.indexOf('.');
      String table = dot < 0 ? thing : thing.substring(0, dot);
      try (ResultSet rows =
          dot < 0
              ? metadata.getTables(null, schema, table, null)
              : metadata.getColumns(null, schema, table, thing.substring(dot + 1))) {
        if (!rows.next()) {
          return false;
        }
      }
    }
    return true;
  }

  /** Applies {@code migration} unless another node did meanwhile; true if this call did. */
  private boolean applyOne(
      Connection connection, String dialect, String component, Migration migration)
      throws SQLException {
    return inLock(
        connection,
        dialect,
        () -> {
          if (applied(connection, component).containsKey(migration.version())) {
            return false;
          }
          try (Statement statement = connection.createStatement()) {
            for (String sql : migration.statements()) {
              try {
                statement.execute(sql);
              } catch (SQLException e) {
                throw new SQLException(
                    "migration " + migration.file() + " failed at '" + sql + "': " + e.getMessage(),
                    e.getSQLState(),
                    e);
              }
            }
          }
          record(connection, component, migration);
          return true;
        });
  }

  private void record(Connection connection, String component, Migration migration)
      throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO schema_migrations (component, version, description, checksum,"
                + " applied_at) VALUES (?, ?, ?, ?, ?)")) {
      insert.setString(1, component);
      insert.setInt(2, migration.version());
      insert.setString(3, migration.description());
      insert.setString(4, migration.checksum());
      insert.setLong(5, clock.millis());
      insert.executeUpdate();
    }
  }

  private static Map<Integer, String> applied(Connection connection, String component)
      throws SQLException {
    Map<Integer, String> result = new HashMap<>();
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT version, checksum FROM schema_migrations WHERE component = ?")) {
      select.setString(1, component);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          result.put(rows.getInt(1), rows.getString(2));
        }
      }
    }
    return result;
  }

  private static void verify(
      String component, List<Migration> migrations, Map<Integer, String> applied) {
    for (Migration migration : migrations) {
      String checksum = applied.get(migration.version());
      if (checksum != null && !checksum.equals(migration.checksum())) {
        throw new IllegalStateException(
            "Migration "
                + migration.file()
                + " of "
                + component
                + " was applied with checksum "
                + checksum
                + " but the file now has "
                + migration.checksum()
                + ": an applied migration must not change; restore the file");
      }
    }
    int known = migrations.size();
    applied.keySet().stream()
        .filter(version -> version > known)
        .findAny()
        .ifPresent(
            version -> {
              throw new IllegalStateException(
                  "The metadata schema of "
                      + component
                      + " is at version "
                      + version
                      + ", newer than this Tributary knows ("
                      + known
                      + "): start the newer version");
            });
  }
}
