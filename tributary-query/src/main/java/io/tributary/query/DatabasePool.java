package io.tributary.query;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Query databases opened ahead of the queries that use them: opening a DuckDB database and locking
 * it down costs about 12 ms, paid on a background thread instead of on the query's path. Each
 * database serves one query and is never reused (a locked-down database cannot be reset), so the
 * pool only opens ahead: it keeps up to {@code capacity} ready and opens a replacement for each one
 * taken once that one is closed, so that the opening does not take CPU from the query that took it
 * (the machine may have as few cores as the query has DuckDB threads). Closing a used database
 * (about 6 ms) happens on the same background thread, just before its replacement opens, so the
 * query's caller does not wait for it. A query that finds none ready opens its own. Thread-safe.
 */
final class DatabasePool implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DatabasePool.class);
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

  private final Opener opener;
  private final int capacity;
  private final Deque<StartErrors> ready = new ArrayDeque<>();
  private final ExecutorService background;
  private boolean closed;

  /** Opens databases with {@code opener}, keeping {@code capacity} (>= 1) ready. */
  DatabasePool(Opener opener, int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("Invalid database pool capacity: " + capacity);
    }
    this.opener = opener;
    this.capacity = capacity;
    this.background =
        Executors.newSingleThreadExecutor(
            task -> {
              Thread thread = new Thread(task, "tributary-query-open");
              thread.setDaemon(true);
              return thread;
            });
    refill();
  }

  /**
   * A fresh database for one query, which the caller closes: a ready one, else opened now. Its
   * close returns at once; the database closes on the background thread, then its replacement opens
   * (or it closes at once when the pool is closed).
   */
  StartErrors take() throws SQLException {
    StartErrors database;
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("The query engine is closed");
      }
      database = ready.pollFirst();
    }
    return (database != null ? database : opener.open()).closedBy(this::retire);
  }

  private void refill() {
    try {
      background.execute(this::fill);
    } catch (RejectedExecutionException e) {
      LOG.trace("Not opening databases ahead: the pool is closed");
    }
  }

  /** Closes a used database on the background thread, then opens its replacement. */
  private void retire(StartErrors used) {
    try {
      background.execute(
          () -> {
            closeQuietly(used);
            fill();
          });
    } catch (RejectedExecutionException e) {
      closeQuietly(used); // the pool is closed: nothing runs in the background any more
    }
  }

  private void fill() {
    while (needsMore()) {
      StartErrors database;
      try {
        database = opener.open();
      } catch (SQLException | RuntimeException e) {
        // the next query opens its own database and reports the failure
        LOG.warn("Cannot open a query database ahead: {}", Sql.firstLine(e.getMessage()));
        return;
      }
      boolean kept;
      synchronized (this) {
        kept = !closed && ready.size() < capacity && ready.offerLast(database);
      }
      if (!kept) {
        closeQuietly(database);
        return;
      }
    }
  }

  /** How many databases wait ready. */
  synchronized int readyCount() {
    return ready.size();
  }

  private synchronized boolean needsMore() {
    return !closed && ready.size() < capacity;
  }

  private static void closeQuietly(StartErrors database) {
    try {
      database.close();
    } catch (SQLException e) {
      LOG.debug("Closing an unused query database: {}", Sql.firstLine(e.getMessage()));
    }
  }

  /**
   * Stops opening ahead and closes the databases still ready, after a database being opened (at
   * most {@link #CLOSE_WAIT}), so that none is left open.
   */
  @Override
  public void close() {
    Deque<StartErrors> unused;
    synchronized (this) {
      closed = true;
      unused = new ArrayDeque<>(ready);
      ready.clear();
    }
    background.shutdown();
    unused.forEach(DatabasePool::closeQuietly);
    try {
      if (!background.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("A query database was still opening {} after the engine closed", CLOSE_WAIT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Opens one locked-down query database. */
  @FunctionalInterface
  interface Opener {
    StartErrors open() throws SQLException;
  }
}
