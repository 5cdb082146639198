package io.tributary.query;

import java.sql.SQLException;
import java.sql.Statement;

/**
 * Lets another thread cancel a query: {@link #cancel()} stops the statement the engine runs for it,
 * now or as soon as it starts. One per query run; thread-safe.
 */
public final class QueryCancel {
  private Statement statement;
  private boolean canceled;

  /** Cancels the query; its cursor then fails with the code {@code query_canceled}. */
  public void cancel() {
    Statement running;
    synchronized (this) {
      canceled = true;
      running = statement;
    }
    if (running != null) {
      cancelQuietly(running);
    }
  }

  public synchronized boolean isCanceled() {
    return canceled;
  }

  void attach(Statement running) {
    boolean cancelNow;
    synchronized (this) {
      statement = running;
      cancelNow = canceled;
    }
    if (cancelNow) {
      cancelQuietly(running);
    }
  }

  synchronized void detach() {
    statement = null;
  }

  private static void cancelQuietly(Statement statement) {
    try {
      statement.cancel();
    } catch (SQLException e) {
      // the statement finished or closed meanwhile: nothing left to cancel
    }
  }
}
