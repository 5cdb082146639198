package io.tributary.access.secrets;

import io.tributary.access.audit.AuditEvent;
import io.tributary.access.audit.AuditSink;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/** A SQLite metadata database in a test's directory, and an audit sink that keeps events. */
final class TestDb {
  private TestDb() {}

  static Supplier<Connection> sqlite(Path dir) {
    String url = "jdbc:sqlite:" + dir.resolve("catalog.db");
    return () -> {
      try {
        return DriverManager.getConnection(url);
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    };
  }

  /** Keeps every event it is given. */
  static final class RecordingSink implements AuditSink {
    final List<AuditEvent> events = new CopyOnWriteArrayList<>();

    @Override
    public void record(AuditEvent event) {
      events.add(event);
    }
  }
}
