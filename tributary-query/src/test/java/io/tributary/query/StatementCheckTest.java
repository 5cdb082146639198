package io.tributary.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The row limit reaches DuckDB only where it saves work: a sort without a limit of its own. */
class StatementCheckTest {
  private static Connection connection;

  @BeforeAll
  static void open() throws SQLException {
    connection = DriverManager.getConnection("jdbc:duckdb:");
  }

  @AfterAll
  static void close() throws SQLException {
    connection.close();
  }

  @Test
  void aSortWithoutALimitIsCutToTheRowLimit() throws SQLException {
    String sorted = "SELECT * FROM range(10) t(i) ORDER BY i DESC";
    assertThat(StatementCheck.runnable(connection, sorted, 6))
        .isEqualTo("SELECT * FROM (\n" + sorted + "\n) LIMIT 6");
    String union = "SELECT 1 AS i UNION ALL SELECT 2 ORDER BY i -- the end";
    assertThat(StatementCheck.runnable(connection, union, 6)).endsWith("\n) LIMIT 6");
  }

  @Test
  void otherStatementsRunAsWritten() throws SQLException {
    for (String sql :
        new String[] {
          "SELECT * FROM range(10) t(i) ORDER BY i LIMIT 3",
          "SELECT * FROM range(10) t(i) WHERE i > 2",
          "SELECT i % 2 AS k, count(*) FROM range(10) t(i) GROUP BY k",
          "SELECT * FROM (SELECT * FROM range(10) t(i) ORDER BY i) s",
          "SELECT * FROM range(10) t(i) ORDER BY i;" // the wrapper would not parse
        }) {
      assertThat(StatementCheck.runnable(connection, sql, 6)).isEqualTo(sql);
    }
    String sorted = "SELECT * FROM range(10) t(i) ORDER BY i";
    assertThat(StatementCheck.runnable(connection, sorted)).isEqualTo(sorted);
  }
}
