package io.tributary.flow.internal;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.exceptions.TaskInstanceCurrentlyExecutingException;
import com.github.kagkarlsson.scheduler.exceptions.TaskInstanceNotFoundException;
import com.github.kagkarlsson.scheduler.task.CompletionHandler;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.CustomTask;
import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.FixedDelay;
import io.tributary.flow.SchedulerTables;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The flows' timing and execution on db-scheduler, in the platform's metadata database (its table
 * {@code scheduled_tasks}): task instances ({@value #TASK}, one execution per task of a run,
 * executed at least once, revived on another start or node when the process running it dies),
 * schedule ticks ({@value #TICK}, one execution per scheduled flow, moved to the flow's next due
 * time after each tick) and the watch of the trigger tables ({@value #WATCH}, cluster-wide,
 * recurring). A task instance handed over for now starts at once (immediate execution), not at the
 * next poll.
 */
public final class FlowScheduler implements RunEngine.Dispatcher, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FlowScheduler.class);
  static final String TASK = "flow-task";
  static final String TICK = "flow-tick";
  static final String WATCH = "flow-watch";

  /**
   * @param threads executions at once on this node
   * @param polling how often the scheduler looks for due executions it was not told about
   * @param heartbeat how often a running execution proves its process alive; one silent for 4
   *     heartbeats is dead and revived
   * @param watch how often the flows folder and trigger tables are looked at
   * @param node this node's name, which picks of executions record ({@code picked_by})
   */
  public record Settings(
      int threads, Duration polling, Duration heartbeat, Duration watch, String node) {
    public Settings {
      Objects.requireNonNull(node, "node is null");
      if (threads < 1) {
        throw new IllegalArgumentException("Invalid flow threads: " + threads + " (must be >= 1)");
      }
      Objects.requireNonNull(polling, "polling is null");
      Objects.requireNonNull(heartbeat, "heartbeat is null");
      Objects.requireNonNull(watch, "watch is null");
    }
  }

  /** What the executions do. */
  public interface Handlers {
    /**
     * Executes a task instance picked at row {@code version}; when to execute it again, or that it
     * is done (and whether its row is deleted already).
     */
    RunEngine.Next task(String key, Instant due, long version);

    /** A schedule tick of {@code flow}; when the next one is due, or empty if none. */
    Optional<Instant> tick(String flow);

    /** Looks at the trigger tables (on one node at a time). */
    void watch();
  }

  private final Clock clock;
  private final CustomTask<Void> task;
  private final CustomTask<Void> tick;
  private final Scheduler scheduler;

  public FlowScheduler(Supplier<Connection> db, Handlers handlers, Settings settings, Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock is null");
    Objects.requireNonNull(handlers, "handlers is null");
    var customization = SchedulerTables.create(db);
    this.task =
        custom(
            TASK,
            execution -> handlers.task(execution.getId(), execution.time(), execution.version()));
    this.tick = custom(TICK, execution -> RunEngine.Next.of(handlers.tick(execution.getId())));
    RecurringTask<Void> watch =
        Tasks.recurring(WATCH, FixedDelay.of(settings.watch())).execute((i, c) -> handlers.watch());
    this.scheduler =
        Scheduler.create(SchedulerTables.dataSource(db), List.of(task, tick))
            .startTasks(watch)
            .jdbcCustomization(customization)
            .schedulerName(new SchedulerName.Fixed(settings.node()))
            .threads(settings.threads())
            .pollingInterval(settings.polling())
            .heartbeatInterval(settings.heartbeat())
            .missedHeartbeatsLimit(4)
            .enableImmediateExecution()
            .clock(clock::instant)
            .shutdownMaxWait(Duration.ofSeconds(5))
            .build();
  }

  private record Due(String getId, Instant time, long version) {}

  private CustomTask<Void> custom(String name, Function<Due, RunEngine.Next> handler) {
    return Tasks.custom(name, Void.class)
        .onDeadExecutionRevive()
        .onFailure(
            (complete, operations) -> {
              Throwable cause = complete.getCause().orElse(null);
              if (!(cause instanceof RunEngine.StoppedException)) {
                LOG.warn(
                    "Flow scheduler: {} {} failed, again in 1 s",
                    name,
                    complete.getExecution().getId(),
                    cause);
              }
              operations.reschedule(complete, clock.instant().plusSeconds(1));
            })
        .execute(
            (instance, context) -> {
              RunEngine.Next next =
                  handler.apply(
                      new Due(
                          instance.getId(),
                          context.getExecution().getExecutionTime(),
                          context.getExecution().version));
              if (next.removed()) {
                return (complete, operations) -> {}; // deleted with the try's end
              }
              return next.again()
                  .<CompletionHandler<Void>>map(
                      at -> (complete, operations) -> operations.reschedule(complete, at))
                  .orElse((complete, operations) -> operations.remove());
            });
  }

  /** Starts executing. */
  public void start() {
    scheduler.start();
  }

  @Override
  public void dispatch(String key, Instant at) {
    scheduler.scheduleIfNotExists(task.instance(key), at);
  }

  @Override
  public void dispatchAll(List<String> keys, Instant at) {
    if (keys.size() == 1) {
      dispatch(keys.get(0), at);
      return;
    }
    try {
      scheduler.scheduleBatch(keys.stream().<TaskInstance<?>>map(task::instance).toList(), at);
      scheduler.triggerCheckForDueExecutions();
    } catch (RuntimeException e) {
      LOG.debug(
          "Flow scheduler: one by one, some of {} tasks exist ({})", keys.size(), e.toString());
      keys.forEach(key -> dispatch(key, at));
    }
  }

  @Override
  public boolean wake(String key) {
    try {
      boolean moved = scheduler.reschedule(task.instance(key), clock.instant());
      if (moved) {
        scheduler.triggerCheckForDueExecutions();
      }
      return moved;
    } catch (TaskInstanceCurrentlyExecutingException | TaskInstanceNotFoundException e) {
      return false;
    }
  }

  /** Moves the next schedule tick of {@code flow} to {@code at} (creating it if needed). */
  public void tickAt(String flow, Instant at) {
    if (!scheduler.scheduleIfNotExists(tick.instance(flow), at)) {
      try {
        scheduler.reschedule(tick.instance(flow), at);
      } catch (TaskInstanceCurrentlyExecutingException e) {
        LOG.debug("Flow {}: a tick is running; it computes the next one", flow);
      } catch (TaskInstanceNotFoundException e) {
        scheduler.scheduleIfNotExists(tick.instance(flow), at);
      }
    }
    if (!at.isAfter(clock.instant())) {
      scheduler.triggerCheckForDueExecutions();
    }
  }

  /** Drops the schedule ticks of {@code flow}. */
  public void cancelTicks(String flow) {
    try {
      scheduler.cancel(tick.instance(flow));
    } catch (TaskInstanceNotFoundException | TaskInstanceCurrentlyExecutingException e) {
      LOG.debug("Flow {}: no tick to cancel ({})", flow, e.getMessage());
    }
  }

  /** Stops executing; executions in progress end as stopped and are executed again later. */
  @Override
  public void close() {
    scheduler.stop();
  }
}
