package io.tributary.server;

import io.tributary.access.AccessListener;
import io.tributary.access.AccessState;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a slow or failing {@link AccessListener} (the Kafka mirror) off the access service's lock:
 * {@link #changed} only records the newest state and returns; one thread hands the states to the
 * delegate in order, a newer state superseding one not yet applied (each is the whole state), and
 * retries a failed one with a growing pause (up to {@code maxRetryPause}) until it succeeds or a
 * newer state replaces it. {@link #lag} counts the changes not yet applied; failures and recovery
 * are logged. Clear passwords are never queued: {@link #passwordSet} is not forwarded, so the
 * delegate must read what it needs from the state.
 */
final class AsyncAccessListener implements AccessListener, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AsyncAccessListener.class);

  private final String name;
  private final AccessListener delegate;
  private final Duration firstRetryPause;
  private final Duration maxRetryPause;
  private final Thread thread;
  private final Object lock = new Object();
  private AccessState newest;
  private long received;
  private long applied;
  private boolean closed;

  /**
   * Starts the applier thread.
   *
   * @param name what the delegate mirrors into, for logs and the thread's name
   */
  AsyncAccessListener(
      String name, AccessListener delegate, Duration firstRetryPause, Duration maxRetryPause) {
    this.name = Objects.requireNonNull(name, "name is null");
    this.delegate = Objects.requireNonNull(delegate, "delegate is null");
    this.firstRetryPause = Objects.requireNonNull(firstRetryPause, "firstRetryPause is null");
    this.maxRetryPause = Objects.requireNonNull(maxRetryPause, "maxRetryPause is null");
    if (firstRetryPause.isNegative()
        || firstRetryPause.isZero()
        || maxRetryPause.compareTo(firstRetryPause) < 0) {
      throw new IllegalArgumentException(
          "Invalid retry pauses: " + firstRetryPause + " then up to " + maxRetryPause);
    }
    this.thread = new Thread(this::run, "access-mirror-" + name);
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void changed(AccessState state) {
    Objects.requireNonNull(state, "state is null");
    synchronized (lock) {
      newest = state;
      received++;
      lock.notifyAll();
    }
  }

  /** Not forwarded: a clear password is never held in a queue. */
  @Override
  public void passwordSet(String user, String password) {}

  /** How many access changes the delegate has not applied yet (0: in step). */
  long lag() {
    synchronized (lock) {
      return received - applied;
    }
  }

  private void run() {
    try {
      while (true) {
        AccessState state;
        long upTo;
        synchronized (lock) {
          while (newest == null && !closed) {
            lock.wait();
          }
          if (closed) {
            return;
          }
          state = newest;
          upTo = received;
          newest = null;
        }
        apply(state, upTo);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Applies {@code state} until it succeeds, a newer state supersedes it, or closing. */
  private void apply(AccessState state, long upTo) throws InterruptedException {
    Duration pause = firstRetryPause;
    int failures = 0;
    while (true) {
      try {
        delegate.changed(state);
        synchronized (lock) {
          applied = Math.max(applied, upTo);
        }
        if (failures > 0) {
          LOG.info("Access is mirrored into {} again after {} failed attempts", name, failures);
        }
        return;
      } catch (RuntimeException e) {
        failures++;
        LOG.warn(
            "Cannot mirror access into {} (attempt {}, {} changes behind; retried in {}): {}",
            name,
            failures,
            lag(),
            pause,
            e.getMessage());
      }
      synchronized (lock) {
        if (newest == null && !closed) {
          lock.wait(pause.toMillis());
        }
        if (newest != null || closed) {
          return; // the newer state replaces this one
        }
      }
      pause =
          pause.multipliedBy(2).compareTo(maxRetryPause) > 0
              ? maxRetryPause
              : pause.multipliedBy(2);
    }
  }

  /** Stops the applier; changes not applied yet are left to the next start. */
  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
      lock.notifyAll();
    }
    thread.interrupt();
    try {
      thread.join(Duration.ofSeconds(10).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "AsyncAccessListener[" + name + "]";
  }
}
