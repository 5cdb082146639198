package io.tributary.pgwire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What BI tools ask of a PostgreSQL server over pgJDBC besides their queries: primary keys and type
 * info, PostgreSQL's names for unnamed result columns, and the read-only and isolation settings
 * Metabase and DBeaver set when they connect.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BiClientsIT {
  private PgWireFixture fixture;

  @BeforeAll
  void setUp(@TempDir Path dir) {
    fixture = new PgWireFixture(dir, 4, Duration.ofSeconds(30));
  }

  @AfterAll
  void tearDown() throws Exception {
    fixture.close();
  }

  private Connection connect(String options) throws SQLException {
    return DriverManager.getConnection(
        fixture.jdbcUrl(options), fixture.credentials.user(), fixture.credentials.password());
  }

  @Test
  void primaryKeysAreNoneAndTypeInfoListsTheCommonTypes() throws SQLException {
    try (Connection connection = connect("")) {
      DatabaseMetaData metadata = connection.getMetaData();
      try (ResultSet keys = metadata.getPrimaryKeys(null, "raw", "t")) {
        assertThat(keys.getMetaData().getColumnLabel(4)).isEqualToIgnoringCase("COLUMN_NAME");
        assertThat(keys.next()).isFalse();
      }
      List<String> types = new ArrayList<>();
      try (ResultSet rows = metadata.getTypeInfo()) {
        while (rows.next()) {
          types.add(rows.getString("TYPE_NAME") + ":" + rows.getInt("DATA_TYPE"));
        }
      }
      assertThat(types)
          .contains(
              "int4:4",
              "int8:-5",
              "text:12",
              "numeric:2",
              "bool:-7",
              "float8:8",
              "date:91",
              "timestamptz:93",
              "bytea:-2");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "?preferQueryMode=simple"})
  void unnamedColumnsAreNamedLikePostgres(String options) throws SQLException {
    try (Connection connection = connect(options);
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT count(*), sum(n), max(n) AS biggest, 1, 'x', n::text, CAST(1 AS INTEGER),"
                    + " CASE WHEN min(n) = 0 THEN 'zero' END, lower(min(label)), count(*) + 1"
                    + " FROM raw.big GROUP BY n::text LIMIT 1")) {
      ResultSetMetaData metadata = rows.getMetaData();
      List<String> names = new ArrayList<>();
      for (int i = 1; i <= metadata.getColumnCount(); i++) {
        names.add(metadata.getColumnLabel(i));
      }
      assertThat(names)
          .containsExactly(
              "count",
              "sum",
              "biggest",
              "?column?",
              "?column?",
              "n",
              "int4",
              "case",
              "lower",
              "?column?");
    }
  }

  /** Metabase's connection calls over pgJDBC, and the probes the issue names. */
  @Test
  void metabaseConnectionSettings() throws SQLException {
    try (Connection connection = connect("?ApplicationName=Metabase")) {
      assertThat(connection.getTransactionIsolation())
          .isEqualTo(Connection.TRANSACTION_READ_COMMITTED);
      connection.setTransactionIsolation(Connection.TRANSACTION_READ_UNCOMMITTED);
      connection.setReadOnly(true);
      connection.setAutoCommit(false);
      try (Statement statement = connection.createStatement()) {
        statement.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY");
        try (ResultSet rows = statement.executeQuery("SHOW TRANSACTION ISOLATION LEVEL")) {
          assertThat(rows.next()).isTrue();
          assertThat(rows.getString(1)).isEqualTo("read committed");
        }
        try (ResultSet rows = statement.executeQuery("SELECT count(*) FROM raw.t")) {
          assertThat(rows.next()).isTrue();
          assertThat(rows.getLong(1)).isEqualTo(3);
        }
      }
      connection.commit();
      connection.setAutoCommit(true);
      try (Statement statement = connection.createStatement()) {
        statement.execute("BEGIN READ ONLY");
        statement.execute("COMMIT");
      }
      assertThat(connection.isReadOnly()).isTrue();
    }
  }

  /** A query failing as it starts streaming reports DuckDB's own message, not a generic one. */
  @ParameterizedTest
  @ValueSource(strings = {"", "?preferQueryMode=simple"})
  void aConversionErrorKeepsItsMessage(String options) throws SQLException {
    try (Connection connection = connect(options);
        Statement statement = connection.createStatement()) {
      assertThatThrownBy(() -> statement.executeQuery("SELECT CAST(label AS INTEGER) FROM raw.big"))
          .isInstanceOfSatisfying(
              SQLException.class,
              e -> {
                assertThat(e.getSQLState()).isEqualTo("22P02");
                assertThat(e.getMessage()).contains("Conversion Error", "row-");
              });
    }
  }

  /** DBeaver's startup probes over pgJDBC. */
  @Test
  void dbeaverStartupProbes() throws SQLException {
    try (Connection connection = connect("?ApplicationName=DBeaver");
        Statement statement = connection.createStatement()) {
      statement.execute("SET extra_float_digits = 3");
      try (ResultSet rows = statement.executeQuery("SELECT current_schema(),session_user")) {
        assertThat(rows.next()).isTrue();
        assertThat(rows.getMetaData().getColumnLabel(1)).isEqualTo("current_schema");
        assertThat(rows.getString(2)).isEqualTo(fixture.credentials.user());
      }
      try (ResultSet rows = statement.executeQuery("SELECT version()")) {
        assertThat(rows.next()).isTrue();
        assertThat(rows.getString(1)).startsWith("PostgreSQL 16.0 (Tributary");
      }
    }
  }
}
