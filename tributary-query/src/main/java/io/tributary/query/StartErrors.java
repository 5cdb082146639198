package io.tributary.query;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.duckdb.DuckDBConnection;

/**
 * A query's DuckDB database, opened with streaming results, plus what recovers the errors streaming
 * loses.
 *
 * <p>With {@code jdbc_stream_results=true} DuckDB hands rows over chunk by chunk as the plan
 * produces them, so neither DuckDB nor the JVM holds the whole result. But its JDBC driver
 * (2.0.0.1) loses the message of an error raised while the statement starts, before the first chunk
 * (a failed cast, running out of memory in a sort or an aggregate, an interrupt): it reads the
 * metadata of the failed result and reports only {@code Invalid Input Error: Invalid result set}.
 * Errors raised later, while rows are fetched, keep their message. So the database gets a second
 * connection whose session does not stream ({@code SET SESSION jdbc_stream_results = false}, set
 * before the database is locked); a statement that failed with the lost message runs there again,
 * and that run's error is DuckDB's real one. Only failing statements pay for the second run.
 */
final class StartErrors implements AutoCloseable {
  /** The message DuckDB's driver reports for a streamed statement that failed as it started. */
  static final String LOST_MESSAGE = "Invalid result set";

  private final Connection streaming;
  private final Connection plain;
  private final Consumer<StartErrors> closer;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean spoiled;

  private StartErrors(
      Connection streaming, Connection plain, Consumer<StartErrors> closer, AtomicBoolean spoiled) {
    this.streaming = streaming;
    this.plain = plain;
    this.closer = closer;
    this.spoiled = spoiled;
  }

  /**
   * This database, whose {@link #close()} hands it to {@code closer} instead of closing it: the
   * closer closes it (now or on another thread) with {@link #close()} of the database it receives.
   */
  StartErrors closedBy(Consumer<StartErrors> closer) {
    return new StartErrors(
        streaming, plain, Objects.requireNonNull(closer, "closer is null"), spoiled);
  }

  /** A query's session of this database: its own streaming connection, the same second line. */
  StartErrors session(Connection connection) {
    return new StartErrors(connection, plain, null, new AtomicBoolean());
  }

  /** The non-streaming second line, which runs failed statements again. */
  Connection plain() {
    return plain;
  }

  /**
   * Marks the database as not to be used again: something of its query may still run in it (DuckDB
   * ignored an interrupt), so it is closed rather than reset.
   */
  void spoil() {
    spoiled.set(true);
  }

  /** Whether {@link #spoil()} was called. */
  boolean spoiled() {
    return spoiled.get();
  }

  /** Opens a fresh in-memory database with streaming results, and its non-streaming second line. */
  static StartErrors openDatabase() throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("autoinstall_known_extensions", "false");
    properties.setProperty("autoload_known_extensions", "false");
    properties.setProperty("jdbc_stream_results", "true");
    Connection streaming = DriverManager.getConnection("jdbc:duckdb:", properties);
    try {
      Connection plain = streaming.unwrap(DuckDBConnection.class).duplicate();
      try (Statement statement = plain.createStatement()) {
        statement.execute("SET SESSION jdbc_stream_results = false");
      } catch (SQLException e) {
        plain.close();
        throw e;
      }
      return new StartErrors(streaming, plain, null, new AtomicBoolean());
    } catch (SQLException | RuntimeException e) {
      streaming.close();
      throw e;
    }
  }

  /** Opens a fresh database as {@link #openDatabase()} and locks it down with {@code lockDown}. */
  static StartErrors openDatabase(QueryDatabase.LockDown lockDown) throws SQLException {
    StartErrors database = openDatabase();
    try {
      lockDown.apply(database.connection());
      return database;
    } catch (SQLException | RuntimeException e) {
      database.close();
      throw e;
    }
  }

  /** The connection queries stream from. */
  Connection connection() {
    return streaming;
  }

  /** Whether {@code error} is the driver's stand-in for an error whose message was lost. */
  static boolean lostMessage(SQLException error) {
    return error != null && error.getMessage() != null && error.getMessage().contains(LOST_MESSAGE);
  }

  /**
   * Runs {@code sql} again without streaming and returns its error; {@code error} itself when the
   * second run succeeds or {@code error} is not the lost-message stand-in. {@code attach} receives
   * the second run's statement first, so the caller's cancel and timeout reach it too, and returns
   * what undoes that once the run ended.
   */
  SQLException explain(SQLException error, String sql, StatementHook attach) {
    if (!lostMessage(error)) {
      return error;
    }
    try (Statement statement = plain.createStatement()) {
      Runnable detach = attach.started(statement);
      try (ResultSet result = statement.executeQuery(sql)) {
        return error; // ran this time (the data changed, or the failure was not the statement's)
      } finally {
        detach.run();
      }
    } catch (SQLException real) {
      real.addSuppressed(error);
      return real;
    }
  }

  /**
   * As {@link #explain(SQLException, String, StatementHook)} for a prepared statement run with
   * {@code parameters} bound to its positional parameters.
   */
  SQLException explain(
      SQLException error, String sql, java.util.List<?> parameters, StatementHook attach) {
    if (!lostMessage(error)) {
      return error;
    }
    try (java.sql.PreparedStatement statement = plain.prepareStatement(sql)) {
      for (int i = 0; i < parameters.size(); i++) {
        statement.setObject(i + 1, parameters.get(i));
      }
      Runnable detach = attach.started(statement);
      try (ResultSet result = statement.executeQuery()) {
        return error;
      } finally {
        detach.run();
      }
    } catch (SQLException real) {
      real.addSuppressed(error);
      return real;
    }
  }

  /** Receives the statement of a second run before it executes; returns what to run after. */
  @FunctionalInterface
  interface StatementHook {
    Runnable started(Statement statement);
  }

  /**
   * Closes both connections, and with them the database; or hands the database to its closer
   * ({@link #closedBy}). Idempotent.
   */
  @Override
  public void close() throws SQLException {
    if (closed.getAndSet(true)) {
      return;
    }
    if (closer != null) {
      closer.accept(new StartErrors(streaming, plain, null, spoiled));
      return;
    }
    try (streaming;
        plain) {
      // closed in reverse order by try-with-resources
    }
  }
}
