package io.tributary.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * A PostgreSQL-protocol server through pgJDBC: Tributary's endpoint or a real PostgreSQL. Rows are
 * fetched with a cursor of 10,000 rows (autocommit off), as BI tools read large results.
 */
final class JdbcSqlPeer implements SqlPeer {
  private static final int FETCH_SIZE = 10_000;

  private final String name;
  private final Connection connection;

  JdbcSqlPeer(String name, String url, String user, String password) throws SQLException {
    this.name = name;
    Properties properties = new Properties();
    properties.setProperty("user", user);
    if (password != null) {
      properties.setProperty("password", password);
    }
    connection = DriverManager.getConnection(url, properties);
    connection.setAutoCommit(false);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public long run(String sql) throws SQLException {
    long rows = 0;
    try (Statement statement = connection.createStatement()) {
      statement.setFetchSize(FETCH_SIZE);
      try (ResultSet result = statement.executeQuery(sql)) {
        int width = result.getMetaData().getColumnCount();
        while (result.next()) {
          for (int i = 1; i <= width; i++) {
            result.getObject(i);
          }
          rows++;
        }
      }
    }
    connection.commit();
    return rows;
  }

  /** Runs a statement that returns no rows (set-up). */
  void execute(String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
    connection.commit();
  }

  Connection connection() {
    return connection;
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }
}
