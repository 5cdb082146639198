package io.tributary.pgwire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code statement_timeout} (SET by the client, or the endpoint's default) cancels with 57014;
 * {@code idle_session_timeout} and {@code idle_in_transaction_session_timeout} disconnect a silent
 * client; none leaves a query slot behind.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TimeoutsIT {
  private static final String SLOW =
      "SELECT count(*) FROM raw.big a, raw.big b WHERE (a.n * 7 + b.n) % 1000003 = 17";
  private PgWireFixture fixture;

  @BeforeAll
  void setUp(@TempDir Path dir) {
    Duration timeout = Duration.ofSeconds(60);
    fixture =
        new PgWireFixture(
            dir,
            timeout,
            new PgWireServer.Settings(
                "127.0.0.1", 0, 8, timeout, Duration.ZERO, Duration.ZERO, ServerTls.OFF));
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
  void statementTimeoutCancelsWith57014() throws SQLException {
    for (String mode : new String[] {"?preferQueryMode=simple", "?preferQueryMode=extended"}) {
      try (Connection connection = connect(mode);
          Statement statement = connection.createStatement()) {
        statement.execute("SET statement_timeout = '300ms'");
        try (ResultSet shown = statement.executeQuery("SHOW statement_timeout")) {
          shown.next();
          assertThat(shown.getString(1)).isEqualTo("300ms");
        }
        long started = System.nanoTime();
        assertThatThrownBy(() -> statement.executeQuery(SLOW))
            .isInstanceOf(SQLException.class)
            .hasMessageContaining("canceling statement due to statement timeout")
            .extracting(e -> ((SQLException) e).getSQLState())
            .isEqualTo("57014");
        assertThat(Duration.ofNanos(System.nanoTime() - started))
            .isLessThan(Duration.ofSeconds(20));
        statement.execute("SET statement_timeout = 0");
        try (ResultSet rows = statement.executeQuery("SELECT count(*) FROM raw.big")) {
          rows.next();
          assertThat(rows.getLong(1)).isEqualTo(PgWireFixture.BIG_ROWS);
        }
        assertThatThrownBy(() -> statement.execute("SET statement_timeout = 'soon'"))
            .isInstanceOf(SQLException.class)
            .extracting(e -> ((SQLException) e).getSQLState())
            .isEqualTo("22023");
      }
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> fixture.engine.activeQueries() == 0);
  }

  @Test
  void idleSessionTimeoutDisconnects() throws SQLException {
    try (Connection connection = connect("")) {
      int before = fixture.server.connectionCount();
      try (Statement statement = connection.createStatement()) {
        statement.execute("SET idle_session_timeout = '300ms'");
      }
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> fixture.server.connectionCount() == before - 1);
      assertThatThrownBy(() -> connection.createStatement().executeQuery("SELECT 1"))
          .isInstanceOf(SQLException.class);
    }
  }

  @Test
  void idleInTransactionTimeoutDisconnectsAndFreesTheCursor() throws SQLException {
    try (Connection connection = connect("")) {
      int before = fixture.server.connectionCount();
      try (Statement statement = connection.createStatement()) {
        statement.execute("SET idle_in_transaction_session_timeout = '300ms'");
      }
      connection.setAutoCommit(false);
      Statement statement = connection.createStatement();
      statement.setFetchSize(10);
      ResultSet rows = statement.executeQuery("SELECT n FROM raw.big");
      assertThat(rows.next()).isTrue();
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> fixture.server.connectionCount() == before - 1);
      await().atMost(Duration.ofSeconds(10)).until(() -> fixture.engine.activeQueries() == 0);
    }
  }
}
