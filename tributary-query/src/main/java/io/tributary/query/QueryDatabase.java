package io.tributary.query;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.duckdb.DuckDBConnection;

/**
 * A locked-down DuckDB database that serves queries one at a time, each in a session that leaves
 * nothing behind for the next.
 *
 * <p>A fresh database per query paid for its cold memory: DuckDB's first scan in a new database
 * page-faults in its buffers (about 12,000 minor faults and 50–60 ms for a 2M-row filter here),
 * while the same scan in a database that ran one before does not. So a database is kept and reset
 * between queries instead:
 *
 * <ul>
 *   <li>{@link #begin()} attaches an empty in-memory catalog named {@value #CATALOG} and opens a
 *       new connection whose default catalog it is: the query's schemas, views, tables and macros
 *       are created there, and its statement runs there. The database's second line (the connection
 *       that runs a failed statement again without streaming, {@link StartErrors}) is switched to
 *       it too.
 *   <li>{@link #end(StartErrors)} closes the query's connection (with it any state of that session:
 *       its temporary objects, variables, random seed), switches the second line back, detaches the
 *       catalog (and with it everything the query created), then checks that the database holds
 *       exactly what it held when it was opened: the same attached databases, and no schema, table,
 *       view, sequence, type or index of anyone's. Only then may it serve another query; a database
 *       that fails the check is closed.
 * </ul>
 *
 * <p>A query's own statement cannot change what outlives it: only one read statement runs (see
 * {@link StatementCheck}), and the configuration, extensions and file access are locked before the
 * first query. Not thread-safe: one query at a time.
 */
final class QueryDatabase implements AutoCloseable {
  /** The catalog each query's objects live in, as {@code current_database()} names it. */
  static final String CATALOG = "tributary";

  /**
   * What the database holds, in one statement of about 4 ms. Macros are not listed: {@code
   * duckdb_functions()} lists every built-in function too (13 ms, on the thread that may share the
   * cores with the next query), and nothing creates a macro in a reused database: the engine runs
   * trusted setup statements (a protocol's catalog emulation) only in a new database of their own,
   * and a query's statement is one read statement.
   */
  private static final String CONTENTS =
      "SELECT (SELECT string_agg(database_name, ',' ORDER BY database_name)"
          + " FROM duckdb_databases()),"
          + " (SELECT count(*) FROM duckdb_schemas() WHERE NOT internal),"
          + " (SELECT count(*) FROM duckdb_tables()),"
          + " (SELECT count(*) FROM duckdb_views() WHERE NOT internal),"
          + " (SELECT count(*) FROM duckdb_sequences()),"
          + " (SELECT count(*) FROM duckdb_types() WHERE NOT internal),"
          + " (SELECT count(*) FROM duckdb_indexes())";

  private final StartErrors lines;
  private final List<String> opened;

  private QueryDatabase(StartErrors lines, List<String> opened) {
    this.lines = lines;
    this.opened = opened;
  }

  /** Opens a database and locks it down with {@code lockDown}, run on its first connection. */
  static QueryDatabase open(LockDown lockDown) throws SQLException {
    StartErrors lines = StartErrors.openDatabase(lockDown);
    try {
      return new QueryDatabase(lines, contents(lines.plain()));
    } catch (SQLException | RuntimeException e) {
      lines.close();
      throw e;
    }
  }

  /**
   * Starts a query's session: a new streaming connection over an empty catalog of its own, which
   * the caller ends with {@link #end}.
   */
  StartErrors begin() throws SQLException {
    execute(lines.connection(), "ATTACH ':memory:' AS " + CATALOG);
    Connection connection = lines.connection().unwrap(DuckDBConnection.class).duplicate();
    try {
      execute(connection, "USE " + CATALOG);
      execute(lines.plain(), "USE " + CATALOG);
      return lines.session(connection);
    } catch (SQLException | RuntimeException e) {
      connection.close();
      throw e;
    }
  }

  /**
   * Ends {@code session} (from {@link #begin()}) and returns whether the database is as it was
   * opened, so that it may serve another query; when not, the caller closes it.
   */
  boolean end(StartErrors session) {
    try {
      session.connection().close();
      execute(lines.plain(), "USE memory");
      execute(lines.connection(), "DETACH " + CATALOG);
      return contents(lines.plain()).equals(opened);
    } catch (SQLException | RuntimeException e) {
      return false;
    }
  }

  /** Whether the database is closed. */
  boolean isClosed() throws SQLException {
    return lines.plain().isClosed();
  }

  private static List<String> contents(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(CONTENTS)) {
      result.next();
      int width = result.getMetaData().getColumnCount();
      List<String> contents = new ArrayList<>(width);
      for (int i = 1; i <= width; i++) {
        contents.add(result.getString(i));
      }
      return contents;
    }
  }

  private static void execute(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  /** Closes the database. */
  @Override
  public void close() throws SQLException {
    lines.close();
  }

  /** Locks a new database down (its settings, file access), before any query. */
  @FunctionalInterface
  interface LockDown {
    void apply(Connection connection) throws SQLException;
  }
}
