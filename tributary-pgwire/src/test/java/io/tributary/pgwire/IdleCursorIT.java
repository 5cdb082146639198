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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A client that leaves a cursor open and goes silent loses its connection, and its slot. */
class IdleCursorIT {
  @Test
  void aSilentClientWithAnOpenCursorIsDisconnected(@TempDir Path dir) throws Exception {
    try (PgWireFixture fixture = new PgWireFixture(dir, 4, Duration.ofSeconds(2));
        Connection connection =
            DriverManager.getConnection(
                fixture.jdbcUrl(""), fixture.credentials.user(), fixture.credentials.password())) {
      connection.setAutoCommit(false);
      Statement statement = connection.createStatement();
      statement.setFetchSize(10);
      ResultSet rows = statement.executeQuery("SELECT n FROM raw.big");
      assertThat(rows.next()).isTrue();
      assertThat(fixture.engine.activeQueries()).isEqualTo(1);
      await().atMost(Duration.ofSeconds(30)).until(() -> fixture.server.connectionCount() == 0);
      assertThat(fixture.engine.activeQueries()).isZero();
      assertThatThrownBy(
              () -> {
                while (rows.next()) {
                  rows.getLong(1);
                }
              })
          .isInstanceOf(SQLException.class);
    }
  }
}
