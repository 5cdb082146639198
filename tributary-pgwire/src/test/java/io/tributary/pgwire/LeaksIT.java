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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing leaks: after 200 idle connections, a client that disconnects mid-result (pgJDBC cursor,
 * psql killed while rows stream) and a query canceled mid-scan, the endpoint's connection threads
 * and the engine's open DuckDB databases (query slots) are back to their baseline.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LeaksIT {
  private static final String SLOW =
      "SELECT count(*) FROM raw.big a, raw.big b WHERE (a.n * 7 + b.n) % 1000003 = 17";
  private static final String LARGE =
      "SELECT b.n, b.label, k FROM raw.big b, range(50) AS copies(k)";
  private PgWireFixture fixture;
  private long baselineThreads;

  @BeforeAll
  void setUp(@TempDir Path dir) {
    fixture = new PgWireFixture(dir, 250, Duration.ofSeconds(120));
  }

  @AfterAll
  void tearDown() throws Exception {
    fixture.close();
  }

  @BeforeEach
  void baseline() {
    baselineThreads = connectionThreads();
  }

  @AfterEach
  void nothingLeaked() {
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(fixture.server.connectionCount()).isZero();
              assertThat(connectionThreads()).isEqualTo(baselineThreads);
              assertThat(fixture.engine.activeQueries()).isZero();
              assertThat(threadsNamed("tributary-query-arrow"))
                  .as("Arrow producers reading rows ahead")
                  .isZero();
            });
  }

  private static long threadsNamed(String name) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(thread -> thread.isAlive() && thread.getName().equals(name))
        .count();
  }

  /** The endpoint's threads serving one connection each. */
  private static long connectionThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(name -> name.matches("tributary-pgwire-\\d+"))
        .count();
  }

  private Connection connect() throws SQLException {
    return DriverManager.getConnection(
        fixture.jdbcUrl(""), fixture.credentials.user(), fixture.credentials.password());
  }

  @Test
  void twoHundredIdleConnections() throws Exception {
    List<Connection> connections = new ArrayList<>();
    try {
      for (int i = 0; i < 200; i++) {
        connections.add(connect());
      }
      assertThat(fixture.server.connectionCount()).isEqualTo(200);
      assertThat(connectionThreads()).isEqualTo(baselineThreads + 200);
      try (Statement statement = connections.get(199).createStatement();
          ResultSet rows = statement.executeQuery("SELECT count(*) FROM raw.t")) {
        rows.next();
        assertThat(rows.getLong(1)).isEqualTo(3);
      }
      assertThat(fixture.engine.activeQueries()).isZero();
    } finally {
      for (Connection connection : connections) {
        connection.close();
      }
    }
  }

  @Test
  void aCursorClientThatDisconnectsMidResult() throws Exception {
    Connection connection = connect();
    connection.setAutoCommit(false);
    Statement statement = connection.createStatement();
    statement.setFetchSize(100);
    ResultSet rows = statement.executeQuery(LARGE);
    assertThat(rows.next()).isTrue();
    assertThat(fixture.engine.activeQueries()).isEqualTo(1);
    var executor = Executors.newSingleThreadExecutor();
    try {
      connection.abort(executor); // closes the socket without Terminate
    } finally {
      executor.shutdown();
    }
  }

  @Test
  void psqlKilledWhileRowsStream() throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder(
                "psql",
                "-X",
                "-h",
                "127.0.0.1",
                "-p",
                String.valueOf(fixture.server.port()),
                "-U",
                fixture.credentials.user(),
                "-d",
                "tributary",
                "-c",
                LARGE)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD);
    builder.environment().put("PGPASSWORD", fixture.credentials.password());
    Process psql = builder.start();
    await().atMost(Duration.ofSeconds(30)).until(() -> fixture.engine.activeQueries() == 1);
    psql.destroyForcibly().waitFor();
  }

  @Test
  void aQueryCanceledMidScan() throws Exception {
    try (Connection connection = connect();
        Statement statement = connection.createStatement()) {
      Future<?> running =
          CompletableFuture.runAsync(
              () -> {
                await()
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> fixture.server.runningStatements() == 1);
                try {
                  statement.cancel();
                } catch (SQLException e) {
                  throw new IllegalStateException(e);
                }
              });
      assertThatThrownBy(() -> statement.executeQuery(SLOW))
          .isInstanceOf(SQLException.class)
          .extracting(e -> ((SQLException) e).getSQLState())
          .isEqualTo("57014");
      running.get();
      try (ResultSet rows = statement.executeQuery("SELECT count(*) FROM raw.t")) {
        rows.next();
        assertThat(rows.getLong(1)).isEqualTo(3);
      }
    }
  }
}
