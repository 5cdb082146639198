package io.tributary.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Databases opened ahead: each served once, the unused closed with the pool, failures reported. */
class DatabasePoolIT {
  @Test
  void eachTakeIsAFreshOpenDatabase() throws Exception {
    List<StartErrors> taken = new ArrayList<>();
    try (DatabasePool pool = new DatabasePool(StartErrors::openDatabase, 2)) {
      for (int i = 0; i < 5; i++) {
        taken.add(pool.take());
      }
      Set<Object> connections = new HashSet<>();
      for (StartErrors database : taken) {
        assertThat(database.connection().isClosed()).isFalse();
        connections.add(database.connection());
      }
      assertThat(connections).hasSize(5);
    } finally {
      for (StartErrors database : taken) {
        database.close();
      }
    }
  }

  @Test
  void aTakenDatabaseIsReplacedOnceItCloses() throws Exception {
    AtomicInteger opened = new AtomicInteger();
    try (DatabasePool pool =
        new DatabasePool(
            () -> {
              opened.incrementAndGet();
              return StartErrors.openDatabase();
            },
            1)) {
      await().atMost(Duration.ofSeconds(30)).until(() -> pool.readyCount() == 1);
      StartErrors taken = pool.take();
      assertThat(pool.readyCount()).isZero();
      assertThat(opened).hasValue(1); // nothing opens ahead while the query runs

      taken.close();

      await().atMost(Duration.ofSeconds(30)).until(() -> pool.readyCount() == 1);
      assertThat(opened).hasValue(2);
      assertThat(taken.connection().isClosed()).isTrue();
    }
  }

  @Test
  void closingThePoolClosesTheReadyDatabasesAndRefusesMore() throws Exception {
    List<StartErrors> opened = new ArrayList<>();
    CountDownLatch two = new CountDownLatch(2);
    DatabasePool pool =
        new DatabasePool(
            () -> {
              StartErrors database = StartErrors.openDatabase();
              synchronized (opened) {
                opened.add(database);
              }
              two.countDown();
              return database;
            },
            2);
    assertThat(two.await(30, TimeUnit.SECONDS)).isTrue();

    pool.close();

    synchronized (opened) {
      for (StartErrors database : opened) {
        assertThat(database.connection().isClosed()).isTrue();
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
}
