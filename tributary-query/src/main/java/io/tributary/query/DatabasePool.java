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
 * Query databases opened ahead of the queries and reused, one query at a time each: opening a
 * DuckDB database and locking it down costs about 12 ms, and a new database's first scan pays tens
 * of milliseconds more to fault in its memory, so the pool keeps {@code capacity} databases (one
 * per query slot) and hands each query a fresh session of one ({@link QueryDatabase#begin()}),
 * begun ahead. When the query closes its session, the database is reset on a background thread
 * ({@link QueryDatabase#end}) and waits for the next query; a database whose reset fails its check,
 * or that a query spoiled ({@link StartErrors#spoil()}), is closed and replaced. A query that finds
 * none ready waits for one being reset or opened (at most {@link #READY_WAIT}), else opens its own;
 * the pool then holds more than {@code capacity} until one is retired. Thread-safe.
 */
final class DatabasePool implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DatabasePool.class);
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);
  private static final Duration READY_WAIT = Duration.ofSeconds(1);

  private final Opener opener;
  private final int capacity;
  private final Deque<Ready> ready = new ArrayDeque<>();
  private final ExecutorService background;
  private boolean closed;

  /** Databases open or opening: ready, serving a query, or being reset. */
  private int live;

  /** Databases being reset or opened on the background thread, soon ready. */
  private int coming;

  /** A database and the session begun for its next query. */
  private record Ready(QueryDatabase database, StartErrors session) {}

  /** Opens databases with {@code opener}, keeping {@code capacity} (>= 1). */
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
    try {
      background.execute(this::fill);
    } catch (RejectedExecutionException e) {
      LOG.trace("Not opening databases ahead: the pool is closed");
    }
  }

  /**
   * A fresh session for one query, which the caller closes: of a ready database, else of one opened
   * now. Its close returns at once; the database is reset on the background thread and kept for the
   * next query (or closed when the pool is closed or the reset failed).
   */
  StartErrors take() throws SQLException {
    Ready next;
    synchronized (this) {
      long deadline = System.nanoTime() + READY_WAIT.toNanos();
      long remaining = READY_WAIT.toNanos();
      // a database being reset is ready within milliseconds; opening another costs more
      while (!closed && ready.isEmpty() && coming > 0 && remaining > 0) {
        try {
          TimeUnit.NANOSECONDS.timedWait(this, remaining);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
        remaining = deadline - System.nanoTime();
      }
      if (closed) {
        throw new IllegalStateException("The query engine is closed");
      }
      next = ready.pollLast(); // the one used last: its memory is the warmest
      if (next == null) {
        live++;
      }
    }
    if (next == null) {
      try {
        next = prepare(opener.open());
      } catch (SQLException | RuntimeException e) {
        gone();
        throw e;
      }
    }
    QueryDatabase database = next.database();
    return next.session().closedBy(used -> retire(database, used));
  }

  /** Begins {@code database}'s next session; closes the database when that fails. */
  private static Ready prepare(QueryDatabase database) throws SQLException {
    try {
      return new Ready(database, database.begin());
    } catch (SQLException | RuntimeException e) {
      closeQuietly(database);
      throw e;
    }
  }

  /** Resets a used database on the background thread, to keep it or close it. */
  private void retire(QueryDatabase database, StartErrors used) {
    synchronized (this) {
      coming++;
    }
    try {
      background.execute(() -> reuse(database, used));
    } catch (RejectedExecutionException e) { // the pool is closed: nothing runs in the background
      arrived(null);
      closeQuietly(database);
      gone();
    }
  }

  /**
   * Keeps {@code database} ready with its next session begun when it resets clean and the pool
   * needs it; else closes it, then opens what the pool lacks.
   */
  private void reuse(QueryDatabase database, StartErrors used) {
    Ready next = null;
    try {
      if (used.spoiled()) {
        LOG.debug("Closing a query database whose last query may still run");
      } else if (!database.end(used)) {
        LOG.warn("Closing a query database that did not reset clean");
      } else if (!surplus()) {
        next = prepare(database);
      }
    } catch (SQLException | RuntimeException e) {
      LOG.warn("Cannot begin a query session: {}", Sql.firstLine(e.getMessage()));
    }
    if (!arrived(next)) {
      closeQuietly(database);
      gone();
    }
    fill();
  }

  /** Opens databases until the pool holds {@code capacity}. */
  private void fill() {
    while (true) {
      synchronized (this) {
        if (closed || live >= capacity) {
          return;
        }
        live++;
        coming++;
      }
      Ready next = null;
      try {
        next = prepare(opener.open());
      } catch (SQLException | RuntimeException e) {
        // the next query opens its own database and reports the failure
        LOG.warn("Cannot open a query database ahead: {}", Sql.firstLine(e.getMessage()));
      }
      if (!arrived(next)) {
        if (next != null) {
          closeQuietly(next.database());
        }
        gone();
        return;
      }
    }
  }

  /** Whether the pool holds more databases than {@code capacity} (queries opened their own). */
  private synchronized boolean surplus() {
    return closed || live > capacity;
  }

  /**
   * Counts a database no longer coming (reset or opened, or failed to) and adds {@code next}, when
   * not null, to the ready ones unless the pool is closed, in one step: a take woken here finds it
   * ready rather than nothing coming. Returns whether {@code next} was kept.
   */
  private synchronized boolean arrived(Ready next) {
    coming--;
    boolean kept = next != null && !closed && ready.offerLast(next);
    notifyAll();
    return kept;
  }

  /** Counts a database closed (or never opened). */
  private synchronized void gone() {
    live--;
  }

  /** How many databases wait ready. */
  synchronized int readyCount() {
    return ready.size();
  }

  private static void closeQuietly(QueryDatabase database) {
    try {
      database.close();
    } catch (SQLException e) {
      LOG.debug("Closing a query database: {}", Sql.firstLine(e.getMessage()));
    }
  }

  /**
   * Stops opening ahead and closes the databases still ready, after a database being opened or
   * reset (at most {@link #CLOSE_WAIT}), so that none is left open.
   */
  @Override
  public void close() {
    Deque<Ready> unused;
    synchronized (this) {
      closed = true;
      unused = new ArrayDeque<>(ready);
      ready.clear();
      notifyAll();
    }
    background.shutdown();
    unused.forEach(next -> closeQuietly(next.database()));
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
    QueryDatabase open() throws SQLException;
  }
}
