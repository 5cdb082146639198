package io.tributary.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Databases opened ahead and reused one query at a time: each query gets a session that starts
 * empty, a database that does not reset clean or that a query spoiled is replaced, the unused are
 * closed with the pool, failures reported.
 */
class DatabasePoolIT {
  private static final Duration WAIT = Duration.ofSeconds(30);

  /** The engine's own lock-down, in short: settings locked, no file access outside a directory. */
  private static void lockDown(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("SET allowed_directories = ['/nonexistent-lake']");
      statement.execute("SET enable_external_access = false");
      statement.execute("SET lock_configuration = true");
    }
  }

  private static QueryDatabase open() throws SQLException {
    return QueryDatabase.open(DatabasePoolIT::lockDown);
  }

  /** A pool of one database, counting in {@code opened} the databases {@code opener} opens. */
  private static DatabasePool counting(AtomicInteger opened, DatabasePool.Opener opener) {
    return new DatabasePool(
        () -> {
          opened.incrementAndGet();
          return opener.open();
        },
        1);
  }

  @Test
  void sessionsOfOneDatabaseStartEmptyAndLeaveNothingBehind() throws Exception {
    AtomicInteger opened = new AtomicInteger();
    try (DatabasePool pool = counting(opened, DatabasePoolIT::open)) {
      await().atMost(WAIT).until(() -> pool.readyCount() == 1);
      for (int query = 0; query < 5; query++) {
        // no wait: a take while the last database is reset waits for it rather than opening one
        StartErrors session = pool.take();
        Connection connection = session.connection();
        assertThat(text(connection, "SELECT current_database()")).isEqualTo("tributary");
        assertThat(
                text(
                    connection,
                    "SELECT count(*) FROM duckdb_schemas() WHERE schema_name = 'raw'"
                        + " OR schema_name LIKE 'leftover%'"))
            .isEqualTo("0");
        assertThat(text(connection, "SELECT count(*) FROM duckdb_views() WHERE NOT internal"))
            .isEqualTo("0");
        // what the engine creates for a query: schemas, views, tables, macros, temporary objects
        execute(connection, "CREATE SCHEMA raw");
        execute(connection, "CREATE VIEW raw.app_events AS SELECT 1 AS x");
        execute(connection, "CREATE TABLE leftover_table AS SELECT 1 AS x");
        execute(connection, "CREATE MACRO \"current_user\"() AS 'user" + query + "'");
        execute(connection, "CREATE TEMP VIEW leftover_temp AS SELECT 1 AS x");
        assertThat(text(connection, "SELECT count(*) FROM raw.app_events")).isEqualTo("1");
        // the second line resolves the same names
        assertThat(text(session.plain(), "SELECT count(*) FROM raw.app_events")).isEqualTo("1");
        session.close(); // the reset runs on the pool's thread
      }
      await().atMost(WAIT).until(() -> pool.readyCount() == 1);
      // the one database served all five, reset after each (a take gives up waiting for a reset
      // after a second, so a very slow machine may have opened another)
      assertThat(opened.get()).isLessThan(3);
    }
  }

  @Test
  void eachTakeWhileOthersRunIsASessionOfItsOwn() throws Exception {
    List<StartErrors> taken = new ArrayList<>();
    try (DatabasePool pool = new DatabasePool(DatabasePoolIT::open, 2)) {
      for (int i = 0; i < 5; i++) {
        taken.add(pool.take());
      }
      Set<Object> connections = new HashSet<>();
      for (StartErrors session : taken) {
        assertThat(session.connection().isClosed()).isFalse();
        connections.add(session.connection());
        connections.add(session.plain());
      }
      assertThat(connections).hasSize(10); // five databases: none serves two queries at once
    } finally {
      for (StartErrors session : taken) {
        session.close();
      }
    }
  }

  @Test
  void aDatabaseThatDoesNotResetCleanIsReplaced() throws Exception {
    AtomicInteger opened = new AtomicInteger();
    // not locked: the test may write
    try (DatabasePool pool = counting(opened, () -> QueryDatabase.open(connection -> {}))) {
      await().atMost(WAIT).until(() -> pool.readyCount() == 1);
      StartErrors session = pool.take();
      Connection plain = session.plain();
      // outside the query's catalog: the reset cannot drop it, so the check must catch it
      execute(session.connection(), "CREATE TABLE memory.main.leftover AS SELECT 1 AS x");
      session.close();

      await().atMost(WAIT).until(() -> pool.readyCount() == 1 && opened.get() == 2);
      assertThat(plain.isClosed()).isTrue();
      try (StartErrors next = pool.take()) {
        assertThat(text(next.connection(), "SELECT count(*) FROM duckdb_tables()")).isEqualTo("0");
      }
    }
  }

  @Test
  void aSpoiledDatabaseIsClosedNotReused() throws Exception {
    AtomicInteger opened = new AtomicInteger();
    try (DatabasePool pool = counting(opened, DatabasePoolIT::open)) {
      await().atMost(WAIT).until(() -> pool.readyCount() == 1);
      StartErrors session = pool.take();
      Connection plain = session.plain();
      session.spoil();
      session.close();

      await().atMost(WAIT).until(() -> pool.readyCount() == 1 && opened.get() == 2);
      assertThat(plain.isClosed()).isTrue();
    }
  }

  @Test
  void closingThePoolClosesTheReadyDatabasesAndRefusesMore() throws Exception {
    List<QueryDatabase> opened = new ArrayList<>();
    CountDownLatch two = new CountDownLatch(2);
    DatabasePool pool =
        new DatabasePool(
            () -> {
              QueryDatabase database = open();
              synchronized (opened) {
                opened.add(database);
              }
              two.countDown();
              return database;
            },
            2);
    assertThat(two.await(30, TimeUnit.SECONDS)).isTrue();
    await().atMost(WAIT).until(() -> pool.readyCount() == 2);
    StartErrors running = pool.take();

    pool.close();
    running.close(); // a query that ends after the pool closed: its database closes

    synchronized (opened) {
      for (QueryDatabase database : opened) {
        await().atMost(WAIT).until(database::isClosed);
      }
    }
    assertThatThrownBy(pool::take)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void aDatabaseThatCannotOpenFailsTheQueryThatNeedsIt() {
    try (DatabasePool pool =
        new DatabasePool(
            () -> {
              throw new SQLException("no memory for another database");
            },
            1)) {
      assertThatThrownBy(pool::take)
          .isInstanceOf(SQLException.class)
          .hasMessage("no memory for another database");
    }
  }

  private static void execute(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  private static String text(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      result.next();
      return result.getString(1);
    }
  }
}
