package io.tributary.pgwire;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Replays the statements captured from psql, pgJDBC, SQLAlchemy (Superset), and pgJDBC as Metabase
 * and DBeaver drive it (the golden files) against the endpoint: each must run, so that a change to
 * the rewrite layer or to DuckDB cannot silently break a client's backslash command or metadata
 * call.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CatalogGoldenIT {
  private PgWireFixture fixture;

  @BeforeAll
  void setUp(@TempDir Path dir) {
    fixture = new PgWireFixture(dir, 4, Duration.ofSeconds(20));
  }

  @AfterAll
  void tearDown() throws Exception {
    fixture.close();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "golden/psql-15.sql",
        "golden/pgjdbc-42.7.sql",
        "golden/superset-sqlalchemy-1.4.sql",
        "golden/metabase-pgjdbc-42.7.sql",
        "golden/dbeaver-pgjdbc-42.7.sql"
      })
  void everyCapturedStatementRuns(String golden) throws Exception {
    List<String> statements = statements(golden);
    assertThat(statements).isNotEmpty();
    try (Connection connection =
            DriverManager.getConnection(
                fixture.jdbcUrl("?preferQueryMode=simple"),
                fixture.credentials.user(),
                fixture.credentials.password());
        Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        try {
          if (statement.execute(sql)) {
            try (ResultSet rows = statement.getResultSet()) {
              while (rows.next()) {
                rows.getString(1);
              }
            }
          }
        } catch (SQLException e) {
          throw new AssertionError("Captured statement failed: " + e.getMessage() + "\n" + sql, e);
        }
      }
    }
  }

  private static List<String> statements(String resource) throws IOException {
    String text;
    try (InputStream in = CatalogGoldenIT.class.getClassLoader().getResourceAsStream(resource)) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    List<String> statements = new ArrayList<>();
    for (String part : text.split("\n;\n")) {
      String statement =
          part.lines()
              .filter(line -> !line.startsWith("-- "))
              .reduce("", (a, b) -> a + b + "\n")
              .strip();
      if (!statement.isEmpty()) {
        statements.add(statement);
      }
    }
    return statements;
  }
}
