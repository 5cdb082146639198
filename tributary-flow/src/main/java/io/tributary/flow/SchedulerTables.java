package io.tributary.flow;

import com.github.kagkarlsson.scheduler.jdbc.DefaultJdbcCustomization;
import com.github.kagkarlsson.scheduler.jdbc.JdbcCustomization;
import com.github.kagkarlsson.scheduler.jdbc.PostgreSqlJdbcCustomization;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.tributary.core.migrate.SchemaMigrations;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * db-scheduler's {@code scheduled_tasks} table in the platform's metadata database, created by us
 * on SQLite (times as epoch milliseconds) and on PostgreSQL (its own schema), with the matching
 * JDBC customization and a {@link DataSource} over the platform's connection supplier.
 */
public final class SchedulerTables {
  private SchedulerTables() {}

  /**
   * The metadata database's connections as the flows use them: on SQLite (in WAL mode) with {@code
   * synchronous = NORMAL}, so a commit appends to the write-ahead log without waiting for the disk.
   * A killed process loses nothing; an OS crash or a power cut may undo the last commits, which the
   * at-least-once execution of tasks already allows for. Other databases are left as they are.
   */
  public static Supplier<Connection> tuned(Supplier<Connection> db) {
    Objects.requireNonNull(db, "db is null");
    return () -> {
      Connection connection = db.get();
      try {
        if (connection.getMetaData().getURL().startsWith("jdbc:sqlite:")) {
          try (Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA synchronous = NORMAL");
          }
        }
        return connection;
      } catch (SQLException e) {
        try {
          connection.close();
        } catch (SQLException closing) {
          e.addSuppressed(closing);
        }
        throw new IllegalStateException(
            "Cannot set up a metadata database connection: " + e.getMessage(), e);
      }
    };
  }

  /**
   * A pool of {@code size} connections over {@link #tuned} ones (its connections set up once,
   * reused by every statement of the flows and their scheduler instead of opened per statement).
   * Close it to close them.
   */
  public static HikariDataSource pool(Supplier<Connection> db, int size, String name) {
    if (size < 1) {
      throw new IllegalArgumentException("Invalid pool size of " + name + ": " + size);
    }
    HikariConfig config = new HikariConfig();
    config.setDataSource(dataSource(tuned(db)));
    config.setMaximumPoolSize(size);
    config.setMinimumIdle(1);
    config.setPoolName(name);
    config.setInitializationFailTimeout(-1); // the first use reports an unreachable database
    return new HikariDataSource(config);
  }

  /** A pool's connections as a supplier. */
  public static Supplier<Connection> connections(DataSource pool) {
    Objects.requireNonNull(pool, "pool is null");
    return () -> {
      try {
        return pool.getConnection();
      } catch (SQLException e) {
        throw new IllegalStateException(
            "Cannot get a metadata database connection: " + e.getMessage(), e);
      }
    };
  }

  /** The metadata database's connections as a data source. */
  public static DataSource dataSource(Supplier<Connection> db) {
    Objects.requireNonNull(db, "db is null");
    return new DataSource() {
      @Override
      public Connection getConnection() {
        return db.get();
      }

      @Override
      public Connection getConnection(String user, String password) {
        return db.get();
      }

      @Override
      public PrintWriter getLogWriter() {
        return null;
      }

      @Override
      public void setLogWriter(PrintWriter out) {}

      @Override
      public void setLoginTimeout(int seconds) {}

      @Override
      public int getLoginTimeout() {
        return 0;
      }

      @Override
      public Logger getParentLogger() {
        return Logger.getLogger("io.tributary.flow");
      }

      @Override
      public <T> T unwrap(Class<T> type) throws SQLException {
        throw new SQLException("Not a wrapper of " + type);
      }

      @Override
      public boolean isWrapperFor(Class<?> type) {
        return false;
      }
    };
  }

  /**
   * Migrates the scheduler's table (component {@code flow-scheduler}) and returns how db-scheduler
   * must talk to this database.
   */
  public static JdbcCustomization create(Supplier<Connection> db) {
    SchemaMigrations.apply(db, "flow-scheduler");
    try (Connection connection = db.get()) {
      String product = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
      return product.contains("postgres")
          ? new PostgreSqlJdbcCustomization(false, true)
          : new SqliteCustomization();
    } catch (SQLException e) {
      throw new IllegalStateException(
          "Cannot read the metadata database's product: " + e.getMessage(), e);
    }
  }

  /** SQLite keeps instants as epoch milliseconds, compared as numbers, and limits with LIMIT. */
  private static final class SqliteCustomization extends DefaultJdbcCustomization {
    SqliteCustomization() {
      super(true);
    }

    @Override
    public String getName() {
      return "SQLite";
    }

    @Override
    public String getQueryLimitPart(int limit) {
      return " LIMIT " + limit;
    }

    @Override
    public void setInstant(PreparedStatement statement, int index, Instant value)
        throws SQLException {
      if (value == null) {
        statement.setNull(index, java.sql.Types.BIGINT);
      } else {
        statement.setLong(index, value.toEpochMilli());
      }
    }

    @Override
    public Instant getInstant(ResultSet rows, String column) throws SQLException {
      long value = rows.getLong(column);
      return rows.wasNull() ? null : Instant.ofEpochMilli(value);
    }
  }
}
