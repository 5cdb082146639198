package io.tributary.flow.internal;

import io.tributary.flow.FlowRun;
import io.tributary.flow.FlowSpec;
import io.tributary.flow.TaskContext;
import io.tributary.flow.TaskFailedException;
import io.tributary.flow.TaskRunner;
import io.tributary.flow.TaskSpec;
import io.tributary.flow.Templates;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs one try of a task on the calling thread: renders its context, calls the runner of its type,
 * interrupts it past its timeout, and says how it ended, with its log. {@link #close} interrupts
 * the tries still running; they report {@link Outcome#stopped}.
 */
final class TryRunner implements AutoCloseable {
  private final Map<String, TaskRunner> runners;
  private final Clock clock;
  private final FlowMetrics metrics;
  private final ScheduledExecutorService timer;
  private final Set<Thread> running = ConcurrentHashMap.newKeySet();
  private final Map<String, Thread> byTask = new ConcurrentHashMap<>();
  private volatile boolean closed;

  TryRunner(Map<String, TaskRunner> runners, Clock clock, FlowMetrics metrics) {
    this.runners = Map.copyOf(runners);
    this.clock = Objects.requireNonNull(clock, "clock is null");
    this.metrics = Objects.requireNonNull(metrics, "metrics is null");
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "tributary-flow-timeouts");
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * How a try ended: {@code error} is null on success; {@code stopped} if the platform stopped it
   * (the try is then left running, to be counted as failed and retried at the next start).
   */
  record Outcome(String error, boolean retriable, boolean stopped, String log) {}

  Outcome run(FlowSpec spec, FlowRun run, TaskSpec task, int tryNumber) {
    StringBuffer log = new StringBuffer();
    TaskContext context =
        new TaskContext(
            run.flow(),
            run.runId(),
            task.id(),
            tryNumber,
            Templates.variables(
                spec, run.runId(), run.logicalDate(), run.intervalStart(), run.intervalEnd()),
            line -> log.append(clock.instant()).append(' ').append(line).append('\n'));
    context
        .log()
        .accept(
            "Task "
                + task.id()
                + " ("
                + task.action().type()
                + "), try "
                + tryNumber
                + " of "
                + task.retries().attempts());
    Thread thread = Thread.currentThread();
    AtomicBoolean timedOut = new AtomicBoolean();
    ScheduledFuture<?> timeout;
    try {
      timeout =
          timer.schedule(
              () -> {
                timedOut.set(true);
                thread.interrupt();
              },
              task.timeout().toMillis(),
              TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      return new Outcome("Stopped", true, true, log.toString());
    }
    running.add(thread);
    String key = TaskKey.of(run.flow(), run.runId(), task.id());
    byTask.put(key, thread);
    String error = null;
    boolean retriable = true;
    long started = System.nanoTime();
    try {
      if (closed) {
        throw new InterruptedException();
      }
      TaskRunner runner = runners.get(task.action().type());
      if (runner == null) {
        throw new TaskFailedException("No runner for task type " + task.action().type(), false);
      }
      runner.run(task.action(), context);
    } catch (TaskFailedException e) {
      error = e.getMessage();
      retriable = e.isRetriable();
    } catch (InterruptedException e) {
      error = "Interrupted";
    } catch (Exception e) {
      error = e.getMessage() == null ? e.toString() : e.getMessage();
    } finally {
      running.remove(thread);
      byTask.remove(key, thread);
      timeout.cancel(false);
      Thread.interrupted(); // clear a timeout's interrupt before the database writes
    }
    if (closed && error != null && !timedOut.get()) {
      return new Outcome(error, true, true, log.toString());
    }
    if (timedOut.get()) {
      error = "Timed out after " + task.timeout().toMillis() + " ms";
      retriable = true;
    }
    metrics.tryEnded(
        run.flow(),
        task.action().type(),
        error == null ? "success" : "failure",
        Duration.ofNanos(System.nanoTime() - started));
    return new Outcome(error, retriable, false, log.toString());
  }

  /**
   * Interrupts the try of task {@code key} ({@link TaskKey}) if it runs on this node; its outcome
   * is then reported as an ordinary failure.
   *
   * @return whether a try was interrupted
   */
  boolean interrupt(String key) {
    Thread thread = byTask.get(key);
    if (thread == null) {
      return false;
    }
    thread.interrupt();
    return true;
  }

  /** Interrupts the tries still running; they end as stopped. */
  @Override
  public void close() {
    closed = true;
    timer.shutdownNow();
    running.forEach(Thread::interrupt);
  }
}
