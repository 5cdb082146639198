package io.tributary.pgwire;

import io.tributary.query.QueryCancel;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Enforces {@code statement_timeout}: cancels a statement still running when its time is up, on one
 * timer thread shared by every connection. Thread-safe; closing it stops the thread.
 */
final class StatementTimer implements AutoCloseable {
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(
          task -> {
            Thread thread = new Thread(task, "tributary-pgwire-statement-timeout");
            thread.setDaemon(true);
            return thread;
          });

  /** One statement's deadline: closing it (when the statement ends) disarms it. */
  static final class Deadline implements AutoCloseable {
    private static final Deadline NONE = new Deadline();
    private volatile boolean expired;
    private ScheduledFuture<?> future;

    /** Whether the statement was canceled because its time was up. */
    boolean expired() {
      return expired;
    }

    @Override
    public void close() {
      if (future != null) {
        future.cancel(false);
      }
    }
  }

  /**
   * Cancels {@code cancel} after {@code timeout} unless the deadline is closed first (0: never).
   */
  Deadline start(Duration timeout, QueryCancel cancel) {
    if (timeout.isZero() || timeout.isNegative()) {
      return Deadline.NONE;
    }
    Deadline deadline = new Deadline();
    deadline.future =
        scheduler.schedule(
            () -> {
              deadline.expired = true;
              cancel.cancel();
            },
            timeout.toNanos(),
            TimeUnit.NANOSECONDS);
    return deadline;
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
