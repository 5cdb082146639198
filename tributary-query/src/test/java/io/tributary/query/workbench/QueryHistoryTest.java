package io.tributary.query.workbench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QueryHistoryTest {
  @TempDir Path dir;

  private Supplier<Connection> sqlite() {
    String url = "jdbc:sqlite:" + dir.resolve("metadata.db");
    return () -> {
      try {
        return DriverManager.getConnection(url);
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    };
  }

  @Test
  void eachUserSeesOnlyTheirOwnNewestFirst() {
    QueryHistory history = new QueryHistory(sqlite(), 100);
    Instant t = Instant.parse("2026-12-05T09:00:00Z");
    history.succeeded("alice", "SELECT 1", t, 12, 1);
    history.failed("bob", "SELECT secret", t.plusSeconds(1), 3, "Binder Error: no column");
    history.failed("alice", "SELEC 2", t.plusSeconds(2), 1, "Parser Error: syntax error");
    List<HistoryEntry> alice = history.list("alice", 10);
    assertThat(alice).extracting(HistoryEntry::sql).containsExactly("SELEC 2", "SELECT 1");
    assertThat(alice.get(0).failed()).isTrue();
    assertThat(alice.get(0).error()).isEqualTo("Parser Error: syntax error");
    assertThat(alice.get(0).rows()).isNull();
    assertThat(alice.get(1).rows()).isEqualTo(1L);
    assertThat(alice.get(1).durationMillis()).isEqualTo(12);
    assertThat(alice.get(1).startedAt()).isEqualTo(t);
    assertThat(history.list("bob", 10)).extracting(HistoryEntry::user).containsExactly("bob");
    assertThat(history.list("carol", 10)).isEmpty();
  }

  @Test
  void keepsTheNewestPerUserAndSurvivesReopening() {
    QueryHistory history = new QueryHistory(sqlite(), 3);
    Instant t = Instant.parse("2026-12-05T09:00:00Z");
    for (int i = 0; i < 7; i++) {
      history.succeeded("alice", "SELECT " + i, t.plusSeconds(i), 1, i);
    }
    history.succeeded("bob", "SELECT 'b'", t, 1, 1);
    QueryHistory reopened = new QueryHistory(sqlite(), 3);
    assertThat(reopened.list("alice", 10))
        .extracting(HistoryEntry::sql)
        .containsExactly("SELECT 6", "SELECT 5", "SELECT 4");
    assertThat(reopened.list("bob", 10)).hasSize(1);
    assertThat(reopened.list("alice", 2)).hasSize(2);
  }

  @Test
  void cutsLongTextAndRefusesBadArguments() {
    QueryHistory history = new QueryHistory(sqlite(), 3);
    String longSql = "SELECT '" + "x".repeat(QueryHistory.MAX_SQL_CHARS) + "'";
    history.succeeded("alice", longSql, Instant.EPOCH, 1, 1);
    assertThat(history.list("alice", 1).get(0).sql()).hasSize(QueryHistory.MAX_SQL_CHARS);
    assertThatThrownBy(() -> history.list("alice", 0)).hasMessageContaining("limit: 0");
    assertThatThrownBy(() -> new QueryHistory(sqlite(), 0)).hasMessageContaining("size: 0");
  }
}
